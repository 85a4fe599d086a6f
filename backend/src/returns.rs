//! Returns (RMA). The shopper asks, through the order's link, to send back chosen lines of a shipped order while
//! the return window (`return_days` after shipping) is open. Staff approve or refuse it, mark the parcel received
//! — each line back on the shelf (a `returned` stock movement) or not — and refund what the lines were paid.
//! The return becomes refunded when that refund succeeds (at once, or when the provider's webhook says so).
//! Every step is written under the order's row lock, with an order event, and emailed to the shopper by a job
//! that exists only if the step commits. This module is the shopper's side and what both sides read; staff's
//! steps are in `admin::returns`.

use crate::db::order as order_db;
use crate::db::returns as db;
use crate::domain::checkout::item_name;
use crate::domain::money::{Currency, Money};
use crate::domain::order::OrderStatus;
use crate::domain::returns::{
    paid_share, ReturnLineView, ReturnRequest, ReturnStatus, ReturnView, Returnable, ReturnableLine,
};
use crate::error::AppError;
use crate::jobs::{self, kind, NewJob};
use crate::{AppState, OrInternal};
use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use sqlx::PgConnection;

pub(crate) fn status_of(raw: &str) -> Result<ReturnStatus, AppError> {
    ReturnStatus::from_db(raw).ok_or_else(|| {
        tracing::error!(status = raw, "unknown return status");
        AppError::Internal
    })
}

/// What the lines of a return were paid, in minor units (see [`paid_share`]).
pub(crate) fn value_of(row: &order_db::OrderRow, lines: &[&db::ReturnLineRow]) -> i64 {
    let listed: i64 = lines
        .iter()
        .map(|l| l.unit_price_minor * i64::from(l.quantity))
        .sum();
    paid_share(
        listed,
        row.subtotal_minor,
        row.total_minor - row.shipping_minor,
    )
}

/// An order's returns, oldest first.
pub(crate) async fn views(
    conn: &mut PgConnection,
    row: &order_db::OrderRow,
    currency: Currency,
) -> Result<Vec<ReturnView>, AppError> {
    let id = row.customer_order_id;
    let returns = db::for_order(conn, id)
        .await
        .or_internal("loading returns")?;
    if returns.is_empty() {
        return Ok(Vec::new());
    }
    let lines = db::lines(conn, id)
        .await
        .or_internal("loading returned lines")?;
    returns
        .into_iter()
        .map(|r| {
            let mine: Vec<&db::ReturnLineRow> = lines
                .iter()
                .filter(|l| l.return_id == r.return_id)
                .collect();
            Ok(ReturnView {
                id: r.return_id,
                status: status_of(&r.status)?,
                reason: r.reason,
                staff_note: r.staff_note,
                value: Money::new(value_of(row, &mine), currency),
                lines: mine
                    .iter()
                    .map(|l| ReturnLineView {
                        line_no: l.line_no,
                        sku: l.sku.clone(),
                        name: item_name(&l.product_name, &l.variant_label),
                        quantity: u32::try_from(l.quantity).unwrap_or(0),
                        restocked: l.restocked,
                    })
                    .collect(),
                requested_at: r.created_at.to_rfc3339(),
            })
        })
        .collect()
}

/// What the shopper may still send back at `now`, or `None` when the order is not returnable (not shipped,
/// window closed, cancelled or refunded, everything returned already).
pub(crate) async fn returnable(
    conn: &mut PgConnection,
    row: &order_db::OrderRow,
    days: u32,
    now: DateTime<Utc>,
) -> Result<Option<Returnable>, AppError> {
    let status = OrderStatus::from_db(&row.status).ok_or(AppError::Internal)?;
    let open_status = matches!(
        status,
        OrderStatus::Shipped | OrderStatus::Delivered | OrderStatus::PartiallyRefunded
    );
    if !open_status || !row.shipped {
        return Ok(None);
    }
    let id = row.customer_order_id;
    let Some(shipped_at) = db::shipped_at(conn, id)
        .await
        .or_internal("loading the shipping date")?
    else {
        return Ok(None);
    };
    let until = shipped_at + Duration::days(i64::from(days));
    if now > until {
        return Ok(None);
    }
    let taken = db::taken(conn, id)
        .await
        .or_internal("loading returned quantities")?;
    let lines: Vec<ReturnableLine> = order_db::lines(conn, id)
        .await
        .or_internal("loading order lines")?
        .into_iter()
        .filter_map(|l| {
            let gone = taken
                .iter()
                .find(|(n, _)| *n == l.line_no)
                .map_or(0, |(_, q)| *q);
            let left = i64::from(l.quantity) - gone;
            (left > 0).then(|| ReturnableLine {
                line_no: l.line_no,
                name: item_name(&l.product_name, &l.variant_label),
                sku: l.sku,
                left: u32::try_from(left).unwrap_or(0),
            })
        })
        .collect();
    Ok((!lines.is_empty()).then(|| Returnable {
        until: until.to_rfc3339(),
        lines,
    }))
}

pub(crate) async fn queue_email(
    conn: &mut PgConnection,
    return_id: i64,
    step: &str,
) -> Result<(), AppError> {
    let key = format!("return:{return_id}:{step}");
    jobs::enqueue(
        conn,
        &NewJob::new(
            kind::RETURN_UPDATE,
            json!({ "return_id": return_id, "step": step }),
        )
        .dedupe(&key),
    )
    .await
    .or_internal("queueing a return email")?;
    Ok(())
}

/// Notes a return's step on the order's timeline (the order's status does not change).
pub(crate) async fn timeline(
    conn: &mut PgConnection,
    row: &order_db::OrderRow,
    note: &str,
    actor: Option<i64>,
) -> Result<(), AppError> {
    order_db::insert_event(
        conn,
        row.customer_order_id,
        Some(&row.status),
        &row.status,
        Some(note),
        actor,
    )
    .await
    .or_internal("recording a return on the timeline")
}

/// The shopper asks to return `request`'s lines of order `order_id` (the caller checked the order's link).
/// Returns the new return's id.
#[tracing::instrument(skip_all, fields(order = order_id))]
pub async fn request(
    state: &AppState,
    order_id: i64,
    request: &ReturnRequest,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let mut tx = state.checkout_begin("starting a return").await?;
    // Under the order's lock: two requests at once cannot both take the last of a line.
    let row = order_db::lock(&mut tx, order_id)
        .await
        .or_internal("locking order")?
        .ok_or(AppError::NotFound)?;
    let open = returnable(&mut tx, &row, state.config.return_days, now)
        .await?
        .ok_or_else(|| AppError::Conflict {
            message: format!(
                "This order cannot be returned: returns are open for {} days after it ships, for items not \
                 returned already.",
                state.config.return_days
            ),
        })?;
    for (line_no, quantity) in &request.lines {
        let line = open
            .lines
            .iter()
            .find(|l| l.line_no == *line_no)
            .ok_or_else(|| {
                AppError::invalid(
                    "quantities",
                    "One of those items is not in this order, or was returned already.",
                )
            })?;
        if u32::try_from(*quantity).unwrap_or(u32::MAX) > line.left {
            return Err(AppError::invalid(
                "quantities",
                format!("You can return at most {} of {}.", line.left, line.name),
            ));
        }
    }
    let id = db::insert(
        &mut tx,
        row.customer_order_id,
        &request.reason,
        &request.lines,
    )
    .await
    .or_internal("recording a return")?;
    timeline(
        &mut tx,
        &row,
        &format!("return {id} requested: {}", request.reason),
        None,
    )
    .await?;
    queue_email(&mut tx, id, "requested").await?;
    tx.commit().await.or_internal("committing a return")?;
    tracing::info!(return_id = id, "return requested");
    Ok(id)
}

/// A refund succeeded (in [`refunds::settle_on`], in its transaction): the return it paid, if any, is refunded
/// and the shopper told. (The refund's own order event names the return.)
pub(crate) async fn on_refund_settled(
    conn: &mut PgConnection,
    refund_id: uuid::Uuid,
) -> Result<(), AppError> {
    if let Some(return_id) = db::refunded_by(conn, refund_id)
        .await
        .or_internal("settling a return")?
    {
        queue_email(conn, return_id, "refunded").await?;
    }
    Ok(())
}
