//! Staff's side of returns (RMA): approve or refuse a request, receive the parcel — each line back on the shelf
//! (a `returned` movement in the stock ledger) or not — and refund what the lines were paid. Each step locks the
//! order, then the return, checks the move, and writes its order event, its audit entry and the shopper's email
//! job in one transaction.

use super::Staff;
use crate::db::order as order_db;
use crate::db::returns as db;
use crate::db::stock::{self as stock_db, Adjusted};
use crate::domain::account::Role;
use crate::domain::returns::{ReturnStatus, ReturnStep};
use crate::error::AppError;
use crate::refunds::{self, Outcome, RefundInput};
use crate::returns::{queue_email, status_of, timeline, value_of};
use crate::{AppState, OrInternal};
use serde_json::json;
use sqlx::PgConnection;

/// What staff do with a return.
#[derive(Debug, Clone)]
pub struct StepInput {
    pub step: ReturnStep,
    /// To the shopper: why it was refused, where to send the parcel.
    pub note: Option<String>,
    /// For `Receive`: the line numbers that go back on the shelf.
    pub restock: Vec<i32>,
    /// For `Refund`: minor units; `None` for what the lines were paid.
    pub amount_minor: Option<i64>,
}

/// Takes one step with return `return_id` of order `number`; returns the return's status after it. Staff
/// approve, refuse and receive; refunding is for admins, as every refund is.
#[tracing::instrument(skip_all, fields(number = %number, return_id, step = input.step.as_str()))]
pub async fn step(
    state: &AppState,
    staff: &Staff,
    number: &str,
    return_id: i64,
    input: &StepInput,
) -> Result<ReturnStatus, AppError> {
    staff.require(if input.step == ReturnStep::Refund {
        Role::Admin
    } else {
        Role::Staff
    })?;
    let mut tx = state.checkout_begin("starting a return step").await?;
    let row = order_db::lock_by_number(&mut tx, number)
        .await
        .or_internal("locking order")?
        .ok_or(AppError::NotFound)?;
    let id = row.customer_order_id;
    let ret = db::lock(&mut tx, id, return_id)
        .await
        .or_internal("locking a return")?
        .ok_or(AppError::NotFound)?;
    let before = status_of(&ret.status)?;
    let (from, to) = input.step.moves();
    if before != from {
        return Err(AppError::Conflict {
            message: format!(
                "This return is {}; it cannot be {} now.",
                before.as_db(),
                match input.step {
                    ReturnStep::Approve => "approved",
                    ReturnStep::Refuse => "refused",
                    ReturnStep::Receive => "received",
                    ReturnStep::Refund => "refunded",
                }
            ),
        });
    }
    let actor = Some(staff.session.customer_id);
    let mut after = json!({ "status": to.as_db(), "note": input.note });
    match input.step {
        ReturnStep::Refuse if input.note.is_none() => {
            return Err(AppError::invalid(
                "note",
                "Tell the shopper why the return is refused.",
            ));
        }
        ReturnStep::Approve | ReturnStep::Refuse => {}
        ReturnStep::Receive => {
            receive(&mut tx, &row, return_id, &input.restock, actor).await?;
            after["restocked"] = json!(input.restock);
        }
        ReturnStep::Refund => {
            return refund(state, staff, tx, &row, number, return_id, input).await;
        }
    }
    db::set_status(&mut tx, return_id, to.as_db(), input.note.as_deref())
        .await
        .or_internal("moving a return")?;
    let note = format!("return {return_id} {}", to.as_db());
    timeline(&mut tx, &row, &note, actor).await?;
    queue_email(&mut tx, return_id, to.as_db()).await?;
    staff
        .audit(
            &mut tx,
            &format!("return.{}", input.step.as_str()),
            "order",
            number,
            Some(json!({ "return": return_id, "status": before.as_db() })),
            Some(after),
        )
        .await?;
    tx.commit().await.or_internal("committing a return step")?;
    Ok(to)
}

/// The parcel arrived: the chosen lines go back on the shelf, each a `returned` movement in the stock ledger.
async fn receive(
    conn: &mut PgConnection,
    row: &order_db::OrderRow,
    return_id: i64,
    restock: &[i32],
    actor: Option<i64>,
) -> Result<(), AppError> {
    let lines: Vec<db::ReturnLineRow> = db::lines(conn, row.customer_order_id)
        .await
        .or_internal("loading returned lines")?
        .into_iter()
        .filter(|l| l.return_id == return_id)
        .collect();
    if let Some(stray) = restock
        .iter()
        .find(|n| !lines.iter().any(|l| l.line_no == **n))
    {
        return Err(AppError::invalid(
            "restock",
            format!("Line {stray} is not part of this return."),
        ));
    }
    let actor = actor.ok_or(AppError::Internal)?;
    let note = format!("return {return_id} of order {}", row.number);
    for line in lines.iter().filter(|l| restock.contains(&l.line_no)) {
        match stock_db::adjust(conn, &line.sku, line.quantity, "returned", actor, Some(&note))
            .await
            .or_internal("restocking a returned line")?
        {
            Adjusted::Done { .. } => {}
            Adjusted::Unknown => {
                return Err(AppError::invalid(
                    "restock",
                    format!(
                        "{} is no longer in the catalog: receive it without putting it back on the shelf.",
                        line.sku
                    ),
                ))
            }
            Adjusted::Refused { .. } => {
                return Err(AppError::Conflict {
                    message: format!("{}'s stock cannot take {} more.", line.sku, line.quantity),
                })
            }
        }
    }
    db::set_restocked(conn, return_id, restock)
        .await
        .or_internal("recording restocked lines")
}

/// Pays a received return back: a refund of what its lines were paid (or the amount staff chose), recorded in
/// the step's transaction and then asked of the provider.
async fn refund(
    state: &AppState,
    staff: &Staff,
    mut tx: sqlx::Transaction<'static, sqlx::Postgres>,
    row: &order_db::OrderRow,
    number: &str,
    return_id: i64,
    input: &StepInput,
) -> Result<ReturnStatus, AppError> {
    let lines = db::lines(&mut tx, row.customer_order_id)
        .await
        .or_internal("loading returned lines")?;
    let mine: Vec<&db::ReturnLineRow> = lines.iter().filter(|l| l.return_id == return_id).collect();
    let value = value_of(row, &mine);
    let amount = input.amount_minor.unwrap_or(value);
    if amount <= 0 {
        return Err(AppError::invalid(
            "amount",
            "These items were free: there is nothing to refund.",
        ));
    }
    let note = format!("return {return_id}");
    let started = refunds::start_on(
        &mut tx,
        row,
        &RefundInput {
            amount_minor: Some(amount),
            note: Some(
                input
                    .note
                    .as_deref()
                    .map_or(note.clone(), |n| format!("{note}: {n}")),
            ),
            cancel: false,
            actor: Some(staff.session.customer_id),
        },
    )
    .await?;
    db::set_refund(&mut tx, return_id, started.refund_id)
        .await
        .or_internal("linking a refund to its return")?;
    staff
        .audit(
            &mut tx,
            "return.refund",
            "order",
            number,
            Some(json!({ "return": return_id, "refunded_minor": row.refunded_minor })),
            Some(json!({ "refund": started.refund_id, "amount_minor": started.amount_minor, "note": input.note })),
        )
        .await?;
    tx.commit()
        .await
        .or_internal("committing a return refund")?;
    match refunds::complete(state, &started).await? {
        Outcome::Settled(_) => Ok(ReturnStatus::Refunded),
        Outcome::Pending => Ok(ReturnStatus::Received),
    }
}
