//! An order's state machine: moving an order from one status to the next, with its stock, its discount use and
//! the shopper's email following. Orders (staff, expiry) and payments (the provider's answer) both move orders
//! through here, so neither needs the other.

use super::db::checkout as checkout_db;
use super::db::order as db;
use super::jobs::{self, kind, NewJob};
use super::{internal, AppState};
use crate::domain::order::OrderStatus;
use crate::error::AppError;
use sqlx::PgConnection;

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
    let mut tx = state
        .pool
        .begin()
        .await
        .map_err(internal("starting order change"))?;
    let next = transition_on(&mut tx, order_id, next, note).await?;
    tx.commit()
        .await
        .map_err(internal("committing order change"))?;
    Ok(next)
}

/// [`transition`] inside the caller's transaction: locks the order row, checks the move, applies it.
pub async fn transition_on(
    conn: &mut PgConnection,
    order_id: i64,
    next: OrderStatus,
    note: Option<&str>,
) -> Result<OrderStatus, AppError> {
    let row = db::lock(conn, order_id)
        .await
        .map_err(internal("locking order"))?
        .ok_or(AppError::NotFound)?;
    let current = OrderStatus::from_db(&row.status).ok_or(AppError::Internal)?;
    let next = current.to(next)?;
    apply(conn, &row, current, next).await?;
    db::insert_event(conn, order_id, Some(current.as_db()), next.as_db(), note)
        .await
        .map_err(internal("recording order event"))?;
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
        .map_err(internal("queueing order email"))?;
    }
    Ok(next)
}

async fn apply(
    conn: &mut PgConnection,
    row: &db::OrderRow,
    current: OrderStatus,
    next: OrderStatus,
) -> Result<(), AppError> {
    let id = row.customer_order_id;
    if next == OrderStatus::Paid {
        db::settle_stock(conn, id, true)
            .await
            .map_err(internal("selling stock"))?;
    } else if current.returns_stock(next) {
        let released = db::settle_stock(conn, id, false)
            .await
            .map_err(internal("releasing stock"))?;
        if !released && row.stock_state == "sold" {
            db::restock(conn, id)
                .await
                .map_err(internal("restocking"))?;
        }
    }
    if next == OrderStatus::Cancelled {
        if let Some(discount_id) = db::discount_id_of(conn, id)
            .await
            .map_err(internal("finding redemption"))?
        {
            checkout_db::uncount_use(conn, discount_id)
                .await
                .map_err(internal("returning a discount use"))?;
        }
    }
    db::set_status(conn, id, next.as_db())
        .await
        .map_err(internal("saving order status"))
}
