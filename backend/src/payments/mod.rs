//! Paying for orders: starting a card payment, recording what the provider says (in its answer, when the order
//! page reads the intent back, or in a verified webhook), and turning a successful payment into a paid order.
//!
//! An order is marked paid only when the provider itself reports `succeeded` for the order's exact amount and
//! currency: in its answer to our server-side confirmation or retrieval, or in a signed webhook. One attempt runs
//! at a time per order and at most one can succeed (unique indexes); webhook events are handled once each.

mod record;
mod webhooks;

use record::{lock_attempt, record, record_on};
pub use webhooks::{handle_webhook, process_event};

use crate::db::order as order_db;
use crate::db::payment::{self as db, PaymentStatus};
use crate::domain::checkout::{CardToken, PaymentMethod, PaymentState};
use crate::domain::order::{OrderStatus, StockState};
use crate::error::AppError;
use crate::payment::{ChargeRequest, PaymentError, Started};
use crate::AppState;
use crate::OrInternal;
use sqlx::PgConnection;
use uuid::Uuid;

fn not_payable() -> AppError {
    AppError::Conflict {
        message: "This order can no longer be paid by card: its reservation ran out and its items were released. \
                  Please check out again."
            .into(),
    }
}

fn in_progress() -> AppError {
    AppError::Conflict {
        message: "A payment for this order is already being processed. Please wait a moment and reload the page."
            .into(),
    }
}

/// Pays a card order with a one-time card token from the provider's fields. `Ok` once the provider has taken
/// the payment or is waiting for the shopper's bank; `PaymentDeclined` with the provider's words when the card
/// is refused (the shopper may try another card while the reservation lasts).
#[tracing::instrument(skip_all, fields(order_id = order_id))]
pub async fn pay(
    state: &AppState,
    order_id: i64,
    card: &CardToken,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<PaymentState, AppError> {
    let provider = state.card_provider()?;
    let Some(attempt) = start_attempt(state, provider.name(), order_id, now).await? else {
        return Ok(PaymentState::Succeeded);
    };
    let started = provider
        .start(ChargeRequest {
            payment_id: attempt.payment_id,
            order_number: &attempt.order.number,
            email: &attempt.order.email,
            amount_minor: attempt.order.total_minor,
            currency: &attempt.order.currency,
            card: Some(card),
        })
        .await;
    let intent = match started {
        Ok(Started::Intent(intent)) => intent,
        failed => {
            let (message, error) = refusal(failed);
            let mut conn = state.checkout_conn("connecting for payment").await?;
            fail(&mut conn, attempt.payment_id, &message).await?;
            return Err(error);
        }
    };
    let payment = db::PaymentRow {
        payment_id: attempt.payment_id,
        customer_order_id: order_id,
        intent_id: None,
        amount_minor: attempt.order.total_minor,
        currency: attempt.order.currency.clone(),
        status: PaymentStatus::Pending,
        failure_message: None,
        client_secret: None,
    };
    record(state, &payment, &intent, "confirmation").await?;
    let mut conn = state.checkout_conn("connecting for payment").await?;
    match state_of(&mut conn, order_id)
        .await?
        .unwrap_or(PaymentState::Processing)
    {
        PaymentState::Failed { message } => Err(AppError::PaymentDeclined { message }),
        other => Ok(other),
    }
}

/// A payment attempt, recorded before the provider is asked, for the order as it stood under its lock.
struct NewAttempt {
    payment_id: Uuid,
    order: order_db::OrderRow,
}

/// Starts an attempt under the order's lock, so the reservation cannot run out while it starts: only a card
/// order that still awaits payment with its stock reserved; an attempt stuck waiting for 3-D Secure gives way.
/// `None` when the order is paid already.
async fn start_attempt(
    state: &AppState,
    provider: &str,
    order_id: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<NewAttempt>, AppError> {
    let payment_id = Uuid::new_v4();
    let mut tx = state.checkout_begin("starting payment").await?;
    let row = order_db::lock(&mut tx, order_id)
        .await
        .or_internal("locking order")?
        .ok_or(AppError::NotFound)?;
    if row.payment_method != PaymentMethod::Card.as_str() {
        return Err(AppError::invalid(
            "payment_method",
            "This order is paid by bank transfer or on delivery.",
        ));
    }
    if row.status != OrderStatus::AwaitingPayment.as_db() {
        return if row.status == OrderStatus::Cancelled.as_db() {
            Err(not_payable())
        } else {
            Ok(None)
        };
    }
    if row.stock_state != StockState::Reserved.as_db()
        || row.reserved_until.is_some_and(|until| until <= now)
    {
        return Err(not_payable());
    }
    if let Some(open) = db::latest(&mut tx, order_id)
        .await
        .or_internal("loading payment")?
        .filter(|p| p.status == PaymentStatus::RequiresAction)
    {
        db::update(
            &mut tx,
            open.payment_id,
            None,
            PaymentStatus::Failed,
            Some("Replaced by another card."),
            None,
        )
        .await
        .or_internal("replacing payment")?;
    }
    if !db::start(
        &mut tx,
        payment_id,
        order_id,
        provider,
        row.total_minor,
        &row.currency,
    )
    .await
    .or_internal("starting payment")?
    {
        return Err(in_progress());
    }
    tx.commit().await.or_internal("committing payment start")?;
    Ok(Some(NewAttempt {
        payment_id,
        order: row,
    }))
}

/// What the shopper is told, and the error returned, when the provider did not take the payment.
fn refusal(failed: Result<Started, PaymentError>) -> (String, AppError) {
    match failed {
        Err(PaymentError::Declined(message)) => {
            (message.clone(), AppError::PaymentDeclined { message })
        }
        Err(e @ PaymentError::Unavailable(_)) => {
            tracing::error!(error = %e, "card payment failed");
            (
                "We could not reach the card payment service. Please try again in a moment.".into(),
                AppError::Unavailable,
            )
        }
        other => {
            tracing::error!(outcome = ?other, "card payment failed");
            (
                "The card payment could not be started.".to_owned(),
                AppError::Internal,
            )
        }
    }
}

/// The first payment of a just-placed order. A retried place-order request finds the order already paid or
/// being paid, or its first attempt made, and charges nothing: one order, one payment. A declined card or an
/// unreachable provider is not an error here; the order page shows it and offers another try.
pub async fn pay_placed(
    state: &AppState,
    order_id: i64,
    card: &CardToken,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    let attempts = {
        let mut conn = state.checkout_conn("connecting for payment").await?;
        db::count_for(&mut conn, order_id)
            .await
            .or_internal("counting payments")?
    };
    if attempts > 0 {
        return Ok(());
    }
    match pay(state, order_id, card, now).await {
        Ok(_)
        | Err(AppError::PaymentDeclined { .. })
        | Err(AppError::Unavailable)
        | Err(AppError::Conflict { .. }) => Ok(()),
        Err(e) => Err(e),
    }
}

async fn fail(conn: &mut PgConnection, payment_id: Uuid, message: &str) -> Result<(), AppError> {
    db::update(
        conn,
        payment_id,
        None,
        PaymentStatus::Failed,
        Some(message),
        None,
    )
    .await
    .or_internal("recording a failed payment")
}

/// Reads the order's open card payment back from the provider and records it. True when something changed.
///
/// It holds no connection while it waits for the provider, and records what the provider said in a transaction
/// of its own.
pub async fn refresh(state: &AppState, order: &order_db::OrderRow) -> Result<bool, AppError> {
    let Some(provider) = state.payments.card.clone() else {
        return Ok(false);
    };
    if order.status != OrderStatus::AwaitingPayment.as_db() {
        return Ok(false);
    }
    let mut conn = state.checkout_conn("connecting for a payment").await?;
    let latest = db::latest(&mut conn, order.customer_order_id)
        .await
        .or_internal("loading payment")?;
    drop(conn);
    let Some(payment) = latest.filter(|p| p.status.is_open()) else {
        return Ok(false);
    };
    let Some(intent_id) = payment.intent_id.clone() else {
        return Ok(false);
    };
    let intent = match provider.retrieve(&intent_id).await {
        Ok(intent) => intent,
        Err(e) => {
            // The page still shows the last known state; the webhook will bring the rest.
            tracing::warn!(error = %e, "could not read a payment back from the provider");
            return Ok(false);
        }
    };
    let mut tx = state.checkout_begin("starting payment record").await?;
    let Some(payment) = lock_attempt(&mut tx, &intent_id, Some(payment.payment_id)).await? else {
        return Ok(false);
    };
    let outcome = record_on(&mut tx, &payment, &intent, "retrieval").await?;
    tx.commit().await.or_internal("committing payment record")?;
    record::count("retrieval", outcome);
    Ok(outcome != "already_paid" && outcome != "already_failed")
}

/// Where the order's latest card payment stands, for its page.
pub async fn state_of(
    conn: &mut PgConnection,
    order_id: i64,
) -> Result<Option<PaymentState>, AppError> {
    let latest = db::latest(conn, order_id)
        .await
        .or_internal("loading payment")?;
    Ok(latest.map(|p| match p.status {
        PaymentStatus::Succeeded => PaymentState::Succeeded,
        PaymentStatus::RequiresAction => match p.client_secret {
            Some(secret) => PaymentState::RequiresAction {
                client_secret: secret,
            },
            None => PaymentState::Processing,
        },
        PaymentStatus::Failed => PaymentState::Failed {
            message: p
                .failure_message
                .unwrap_or_else(|| "Your card was declined.".into()),
        },
        PaymentStatus::Pending => PaymentState::Processing,
    }))
}
