//! Recording what the provider says of a payment: the attempt's new status, and the order change it causes.

use crate::db::order as order_db;
use crate::db::payment::{self as db, PaymentStatus};
use crate::domain::order::OrderStatus;
use crate::error::AppError;
use crate::payment::{Intent, IntentStatus};
use crate::AppState;
use crate::OrInternal;
use sqlx::PgConnection;

/// Locks the attempt a provider event is about, taking its order's lock first — the order every writer of
/// orders and their payments takes them in (a payment's start locks the order, then inserts an attempt).
/// Taking the attempt's lock first could meet that in a deadlock.
pub(super) async fn lock_attempt(
    conn: &mut PgConnection,
    intent_id: &str,
    payment_id: Option<uuid::Uuid>,
) -> Result<Option<db::PaymentRow>, AppError> {
    let Some(order_id) = db::order_for_intent(conn, intent_id, payment_id)
        .await
        .or_internal("finding a payment's order")?
    else {
        return Ok(None);
    };
    order_db::lock(conn, order_id)
        .await
        .or_internal("locking order")?;
    db::lock_for_intent(conn, intent_id, payment_id)
        .await
        .or_internal("locking payment")
}

/// Records an intent as the provider reported it, in one transaction with the order change it causes.
/// Returns what was done (the webhook log's outcome).
pub(super) async fn record(
    state: &AppState,
    payment: &db::PaymentRow,
    intent: &Intent,
    source: &str,
) -> Result<&'static str, AppError> {
    let mut tx = state.checkout_begin("starting payment record").await?;
    let outcome = record_on(&mut tx, payment, intent, source).await?;
    tx.commit().await.or_internal("committing payment record")?;
    count(source, outcome);
    Ok(outcome)
}

/// Counts a recorded provider answer (`bazaar_payment_updates_total`): where it came from (`confirmation`,
/// `retrieval`, `webhook`) and what it did (`paid`, `failed`, `already_paid`, …).
pub(super) fn count(source: &str, outcome: &'static str) {
    let source = match source {
        "confirmation" => "confirmation",
        "retrieval" => "retrieval",
        "webhook" => "webhook",
        _ => "other",
    };
    metrics::counter!("bazaar_payment_updates_total", "source" => source, "outcome" => outcome)
        .increment(1);
}

pub(super) async fn record_on(
    conn: &mut PgConnection,
    payment: &db::PaymentRow,
    intent: &Intent,
    source: &str,
) -> Result<&'static str, AppError> {
    if payment.status == PaymentStatus::Succeeded {
        return Ok("already_paid");
    }
    // The order first, then its payment: the order the payment's start takes them in (it locks the order, then
    // inserts an attempt that waits on this one's index entry). Updating the payment first deadlocked with a
    // concurrent retry of the same checkout now and then.
    order_db::lock(conn, payment.customer_order_id)
        .await
        .or_internal("locking order")?;
    let (status, message) = match intent.status {
        IntentStatus::Succeeded => (PaymentStatus::Succeeded, None),
        IntentStatus::RequiresAction => (PaymentStatus::RequiresAction, None),
        IntentStatus::Processing => (PaymentStatus::Pending, None),
        IntentStatus::Failed | IntentStatus::Canceled => (
            PaymentStatus::Failed,
            Some(
                intent
                    .failure_message
                    .clone()
                    .unwrap_or_else(|| "Your card was declined.".into()),
            ),
        ),
    };
    if status == PaymentStatus::Succeeded
        && (intent.amount_minor != payment.amount_minor || intent.currency != payment.currency)
    {
        return amount_mismatch(conn, payment, intent).await;
    }
    if status == PaymentStatus::Failed && payment.status == PaymentStatus::Failed {
        return Ok("already_failed");
    }
    db::update(
        conn,
        payment.payment_id,
        Some(&intent.id),
        status,
        message.as_deref(),
        (status == PaymentStatus::RequiresAction)
            .then_some(intent.client_secret.as_deref())
            .flatten(),
    )
    .await
    .or_internal("recording payment")?;
    match status {
        PaymentStatus::Succeeded => mark_paid(conn, payment, intent, source).await,
        PaymentStatus::Failed => Ok("failed"),
        PaymentStatus::RequiresAction => Ok("requires_action"),
        PaymentStatus::Pending => Ok("pending"),
    }
}

/// The provider reports a payment that does not match the order: never marked paid, and said in its history.
async fn amount_mismatch(
    conn: &mut PgConnection,
    payment: &db::PaymentRow,
    intent: &Intent,
) -> Result<&'static str, AppError> {
    tracing::error!(
        intent = %intent.id, amount = intent.amount_minor, currency = %intent.currency,
        expected_amount = payment.amount_minor, expected_currency = %payment.currency,
        "provider reports a payment that does not match the order; not marking it paid"
    );
    order_db::insert_event(
        conn,
        payment.customer_order_id,
        None,
        OrderStatus::AwaitingPayment.as_db(),
        Some("payment amount mismatch: not marked paid"),
        None,
    )
    .await
    .or_internal("recording mismatch")?;
    Ok("amount_mismatch")
}

/// A succeeded payment makes its order paid; one that arrives for a cancelled order is flagged for a refund.
async fn mark_paid(
    conn: &mut PgConnection,
    payment: &db::PaymentRow,
    intent: &Intent,
    source: &str,
) -> Result<&'static str, AppError> {
    let note = format!("card payment {} ({source})", intent.id);
    match crate::order_state::transition_on(
        conn,
        payment.customer_order_id,
        OrderStatus::Paid,
        crate::order_state::Cause::note(&note),
    )
    .await
    {
        Ok(_) => Ok("paid"),
        Err(AppError::Invalid { .. }) => {
            let row = order_db::lock(conn, payment.customer_order_id)
                .await
                .or_internal("locking order")?
                .ok_or(AppError::NotFound)?;
            if row.status == OrderStatus::Cancelled.as_db() {
                tracing::error!(number = %row.number, intent = %intent.id,
                    "payment succeeded for a cancelled order: refund it");
                Ok("paid_after_cancel")
            } else {
                Ok("already_paid")
            }
        }
        Err(e) => Err(e),
    }
}
