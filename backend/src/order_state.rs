//! An order's state machine: moving an order from one status to the next, with its stock, its discount use and
//! the shopper's email following. Orders (staff, expiry) and payments (the provider's answer) both move orders
//! through here, so neither needs the other.

use super::db::checkout as checkout_db;
use super::db::order as db;
use super::jobs::{self, kind, NewJob};
use super::AppState;
use crate::domain::order::{OrderStatus, StockState};
use crate::error::AppError;
use crate::OrInternal;
use sqlx::PgConnection;

/// Why an order moves, and who moved it: staff, or nobody (the shopper, the payment provider, a job).
#[derive(Debug, Clone, Copy, Default)]
pub struct Cause<'a> {
    pub note: Option<&'a str>,
    /// The staff account that acted.
    pub actor: Option<i64>,
}

impl<'a> Cause<'a> {
    pub fn note(note: &'a str) -> Self {
        Cause {
            note: Some(note),
            actor: None,
        }
    }
}

/// Moves an order to `next` if its state machine allows it, with the stock following: payment sells the
/// reserved stock; cancelling releases it (or, once sold, puts it back); a full refund of goods that never
/// shipped puts them back too. A cancelled order's discount use no longer counts.
#[tracing::instrument(skip(state))]
pub async fn transition(
    state: &AppState,
    order_id: i64,
    next: OrderStatus,
    note: Option<&str>,
) -> Result<OrderStatus, AppError> {
    let mut tx = state.begin("starting order change").await?;
    let cause = Cause { note, actor: None };
    let next = transition_on(&mut tx, order_id, next, cause).await?;
    tx.commit().await.or_internal("committing order change")?;
    Ok(next)
}

/// [`transition`] inside the caller's transaction: locks the order row, checks the move, applies it.
pub async fn transition_on(
    conn: &mut PgConnection,
    order_id: i64,
    next: OrderStatus,
    cause: Cause<'_>,
) -> Result<OrderStatus, AppError> {
    let row = db::lock(conn, order_id)
        .await
        .or_internal("locking order")?
        .ok_or(AppError::NotFound)?;
    let current = OrderStatus::from_db(&row.status).ok_or(AppError::Internal)?;
    let next = current.to(next)?;
    apply(conn, &row, current, next, cause.actor).await?;
    db::insert_event(
        conn,
        order_id,
        Some(current.as_db()),
        next.as_db(),
        cause.note,
        cause.actor,
    )
    .await
    .or_internal("recording order event")?;
    // The shopper hears of it by email, sent by a job that exists only if this change commits.
    let message = match next {
        OrderStatus::Paid => Some(kind::ORDER_PAID),
        OrderStatus::Shipped => Some(kind::ORDER_SHIPPED),
        _ => None,
    };
    if let Some(message) = message {
        let key = format!("{message}:{order_id}");
        jobs::enqueue(
            conn,
            &NewJob::new(message, serde_json::json!({ "order_id": order_id })).dedupe(&key),
        )
        .await
        .or_internal("queueing order email")?;
    }
    Ok(next)
}

async fn apply(
    conn: &mut PgConnection,
    row: &db::OrderRow,
    current: OrderStatus,
    next: OrderStatus,
    actor: Option<i64>,
) -> Result<(), AppError> {
    let id = row.customer_order_id;
    if next == OrderStatus::Paid {
        db::settle_stock(conn, id, true)
            .await
            .or_internal("selling stock")?;
    } else if current.returns_stock(next) && !row.shipped {
        // Goods that left with a carrier come back only through a return, never by a refund.
        let released = db::settle_stock(conn, id, false)
            .await
            .or_internal("releasing stock")?;
        if !released && row.stock_state == StockState::Sold.as_db() {
            db::restock(conn, id, actor)
                .await
                .or_internal("restocking")?;
        }
    }
    if next == OrderStatus::Cancelled {
        if let Some(discount_id) = db::discount_id_of(conn, id)
            .await
            .or_internal("finding redemption")?
        {
            checkout_db::uncount_use(conn, discount_id)
                .await
                .or_internal("returning a discount use")?;
        }
    }
    db::set_status(conn, id, next.as_db())
        .await
        .or_internal("saving order status")
}
