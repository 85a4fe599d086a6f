//! Paying for orders: starting a card payment, recording what the provider says (in its answer, when the order
//! page reads the intent back, or in a verified webhook), and turning a successful payment into a paid order.
//!
//! An order is marked paid only when the provider itself reports `succeeded` for the order's exact amount and
//! currency: in its answer to our server-side confirmation or retrieval, or in a signed webhook. One attempt runs
//! at a time per order and at most one can succeed (unique indexes); webhook events are handled once each.

use super::db::order as order_db;
use super::db::payment as db;
use super::jobs::{self, kind, NewJob};
use super::payment::{ChargeRequest, Intent, IntentStatus, PaymentError, Started, WebhookError};
use super::{internal, AppState};
use crate::domain::checkout::{CardToken, PaymentMethod, PaymentState};
use crate::domain::order::OrderStatus;
use crate::error::AppError;
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
#[tracing::instrument(skip_all, fields(number = %order.number))]
pub async fn pay(
    state: &AppState,
    order: &order_db::OrderRow,
    card: &CardToken,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<PaymentState, AppError> {
    let provider = state.payments.card.clone().ok_or_else(|| {
        AppError::invalid(
            "payment_method",
            "This shop does not take cards; please choose another way to pay.",
        )
    })?;
    if order.payment_method != PaymentMethod::Card.as_str() {
        return Err(AppError::invalid(
            "payment_method",
            "This order is paid by bank transfer or on delivery.",
        ));
    }

    // Start the attempt under the order's lock, so the reservation cannot run out while it starts.
    let payment_id = Uuid::new_v4();
    let mut tx = state
        .checkout_pool
        .begin()
        .await
        .map_err(internal("starting payment"))?;
    let row = order_db::lock(&mut tx, order.customer_order_id)
        .await
        .map_err(internal("locking order"))?
        .ok_or(AppError::NotFound)?;
    if row.status != OrderStatus::AwaitingPayment.as_db() {
        return if row.status == OrderStatus::Cancelled.as_db() {
            Err(not_payable())
        } else {
            Ok(PaymentState::Succeeded)
        };
    }
    if row.stock_state != "reserved" || row.reserved_until.is_some_and(|until| until <= now) {
        return Err(not_payable());
    }
    // An attempt stuck waiting for 3-D Secure gives way to a new card.
    if let Some(open) = db::latest(&mut tx, row.customer_order_id)
        .await
        .map_err(internal("loading payment"))?
        .filter(|p| p.status == "requires_action")
    {
        db::update(
            &mut tx,
            open.payment_id,
            None,
            "failed",
            Some("Replaced by another card."),
            None,
        )
        .await
        .map_err(internal("replacing payment"))?;
    }
    if !db::start(
        &mut tx,
        payment_id,
        row.customer_order_id,
        provider.name(),
        row.total_minor,
        &row.currency,
    )
    .await
    .map_err(internal("starting payment"))?
    {
        return Err(in_progress());
    }
    tx.commit()
        .await
        .map_err(internal("committing payment start"))?;

    let started = provider
        .start(ChargeRequest {
            payment_id,
            order_number: &row.number,
            email: &row.email,
            amount_minor: row.total_minor,
            currency: &row.currency,
            card: Some(card),
        })
        .await;
    let mut conn = state
        .checkout_pool
        .acquire()
        .await
        .map_err(internal("connecting for payment"))?;
    let intent = match started {
        Ok(Started::Intent(intent)) => intent,
        failed => {
            let (message, error) = match failed {
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
            };
            fail(&mut conn, payment_id, &message).await?;
            return Err(error);
        }
    };
    let payment = db::PaymentRow {
        payment_id,
        customer_order_id: row.customer_order_id,
        intent_id: None,
        amount_minor: row.total_minor,
        currency: row.currency.clone(),
        status: "pending".into(),
        failure_message: None,
        client_secret: None,
    };
    record(&mut conn, &payment, &intent, "confirmation").await?;
    match state_of(&mut conn, row.customer_order_id)
        .await?
        .unwrap_or(PaymentState::Processing)
    {
        PaymentState::Failed { message } => Err(AppError::PaymentDeclined { message }),
        other => Ok(other),
    }
}

/// The first payment of a just-placed order. A retried place-order request finds the order already paid or
/// being paid, or its first attempt made, and charges nothing: one order, one payment. A declined card or an
/// unreachable provider is not an error here; the order page shows it and offers another try.
pub async fn pay_placed(
    state: &AppState,
    order: &order_db::OrderRow,
    card: &CardToken,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    let attempts = {
        let mut conn = state
            .checkout_pool
            .acquire()
            .await
            .map_err(internal("connecting for payment"))?;
        db::count_for(&mut conn, order.customer_order_id)
            .await
            .map_err(internal("counting payments"))?
    };
    if attempts > 0 {
        return Ok(());
    }
    match pay(state, order, card, now).await {
        Ok(_)
        | Err(AppError::PaymentDeclined { .. })
        | Err(AppError::Unavailable)
        | Err(AppError::Conflict { .. }) => Ok(()),
        Err(e) => Err(e),
    }
}

async fn fail(conn: &mut PgConnection, payment_id: Uuid, message: &str) -> Result<(), AppError> {
    db::update(conn, payment_id, None, "failed", Some(message), None)
        .await
        .map_err(internal("recording a failed payment"))
}

/// Records an intent as the provider reported it, in one transaction with the order change it causes.
/// Returns what was done (the webhook log's outcome).
async fn record(
    conn: &mut PgConnection,
    payment: &db::PaymentRow,
    intent: &Intent,
    source: &str,
) -> Result<&'static str, AppError> {
    let mut tx = sqlx::Connection::begin(&mut *conn)
        .await
        .map_err(internal("starting payment record"))?;
    let outcome = record_on(&mut tx, payment, intent, source).await?;
    tx.commit()
        .await
        .map_err(internal("committing payment record"))?;
    Ok(outcome)
}

async fn record_on(
    conn: &mut PgConnection,
    payment: &db::PaymentRow,
    intent: &Intent,
    source: &str,
) -> Result<&'static str, AppError> {
    if payment.status == "succeeded" {
        return Ok("already_paid");
    }
    let (status, message) = match intent.status {
        IntentStatus::Succeeded => ("succeeded", None),
        IntentStatus::RequiresAction => ("requires_action", None),
        IntentStatus::Processing => ("pending", None),
        IntentStatus::Failed | IntentStatus::Canceled => (
            "failed",
            Some(
                intent
                    .failure_message
                    .clone()
                    .unwrap_or_else(|| "Your card was declined.".into()),
            ),
        ),
    };
    if status == "succeeded"
        && (intent.amount_minor != payment.amount_minor || intent.currency != payment.currency)
    {
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
        )
        .await
        .map_err(internal("recording mismatch"))?;
        return Ok("amount_mismatch");
    }
    if status == "failed" && payment.status == "failed" {
        return Ok("already_failed");
    }
    db::update(
        conn,
        payment.payment_id,
        Some(&intent.id),
        status,
        message.as_deref(),
        (status == "requires_action")
            .then_some(intent.client_secret.as_deref())
            .flatten(),
    )
    .await
    .map_err(internal("recording payment"))?;
    if status != "succeeded" {
        return Ok(match status {
            "failed" => "failed",
            "requires_action" => "requires_action",
            _ => "pending",
        });
    }
    let note = format!("card payment {} ({source})", intent.id);
    match super::order_state::transition_on(
        conn,
        payment.customer_order_id,
        OrderStatus::Paid,
        Some(&note),
    )
    .await
    {
        Ok(_) => Ok("paid"),
        Err(AppError::Invalid { .. }) => {
            let row = order_db::lock(conn, payment.customer_order_id)
                .await
                .map_err(internal("locking order"))?
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

/// Reads the order's open card payment back from the provider and records it. True when something changed.
pub async fn refresh(state: &AppState, order: &order_db::OrderRow) -> Result<bool, AppError> {
    let Some(provider) = state.payments.card.clone() else {
        return Ok(false);
    };
    if order.status != OrderStatus::AwaitingPayment.as_db() {
        return Ok(false);
    }
    let mut conn = state
        .checkout_pool
        .acquire()
        .await
        .map_err(internal("connecting for payment"))?;
    let Some(payment) = db::latest(&mut conn, order.customer_order_id)
        .await
        .map_err(internal("loading payment"))?
        .filter(|p| matches!(p.status.as_str(), "pending" | "requires_action"))
    else {
        return Ok(false);
    };
    let Some(intent_id) = payment.intent_id.clone() else {
        return Ok(false);
    };
    drop(conn);
    let intent = match provider.retrieve(&intent_id).await {
        Ok(intent) => intent,
        Err(e) => {
            // The page still shows the last known state; the webhook will bring the rest.
            tracing::warn!(error = %e, "could not read a payment back from the provider");
            return Ok(false);
        }
    };
    let mut conn = state
        .checkout_pool
        .acquire()
        .await
        .map_err(internal("connecting for payment"))?;
    let mut tx = sqlx::Connection::begin(&mut *conn)
        .await
        .map_err(internal("starting payment record"))?;
    let Some(payment) = db::lock_for_intent(&mut tx, &intent_id, Some(payment.payment_id))
        .await
        .map_err(internal("locking payment"))?
    else {
        return Ok(false);
    };
    let outcome = record_on(&mut tx, &payment, &intent, "retrieval").await?;
    tx.commit()
        .await
        .map_err(internal("committing payment record"))?;
    Ok(outcome != "already_paid" && outcome != "already_failed")
}

/// Where the order's latest card payment stands, for its page.
pub async fn state_of(
    conn: &mut PgConnection,
    order_id: i64,
) -> Result<Option<PaymentState>, AppError> {
    let latest = db::latest(conn, order_id)
        .await
        .map_err(internal("loading payment"))?;
    Ok(latest.map(|p| match p.status.as_str() {
        "succeeded" => PaymentState::Succeeded,
        "requires_action" => match p.client_secret {
            Some(secret) => PaymentState::RequiresAction {
                client_secret: secret,
            },
            None => PaymentState::Processing,
        },
        "failed" => PaymentState::Failed {
            message: p
                .failure_message
                .unwrap_or_else(|| "Your card was declined.".into()),
        },
        _ => PaymentState::Processing,
    }))
}

/// Takes a webhook from the card provider: verifies its signature and age, stores the event (each event id
/// once) and queues a job to act on it, all in one transaction. Returns `queued`, or `duplicate` for an event id
/// seen before. The endpoint answers at once; the job ([`process_event`]) does the work.
#[tracing::instrument(skip_all)]
pub async fn handle_webhook(
    state: &AppState,
    signature: Option<&str>,
    body: &[u8],
    now: i64,
) -> Result<&'static str, WebhookError> {
    let provider = state
        .payments
        .card
        .clone()
        .ok_or(WebhookError::Unsupported)?;
    let event = provider.verify_event(signature, body, now)?;
    let payload: serde_json::Value =
        serde_json::from_slice(body).map_err(|_| WebhookError::Malformed)?;
    match store_event(state, provider.name(), &event, &payload).await {
        Ok(outcome) => {
            tracing::info!(event = %event.id, kind = %event.kind, outcome, "payment webhook");
            Ok(outcome)
        }
        // Not acknowledged: the provider retries later.
        Err(_) => Err(WebhookError::Retry),
    }
}

async fn store_event(
    state: &AppState,
    provider: &str,
    event: &super::payment::ProviderEvent,
    payload: &serde_json::Value,
) -> Result<&'static str, AppError> {
    let mut tx = state
        .checkout_pool
        .begin()
        .await
        .map_err(internal("starting webhook"))?;
    if !db::claim_event(&mut tx, &event.id, provider, &event.kind, payload)
        .await
        .map_err(internal("storing webhook event"))?
    {
        return Ok("duplicate");
    }
    let key = format!("{}:{}", kind::PAYMENT_WEBHOOK, event.id);
    jobs::enqueue(
        &mut tx,
        &NewJob::new(
            kind::PAYMENT_WEBHOOK,
            serde_json::json!({ "event_id": event.id }),
        )
        .dedupe(&key)
        .attempts(20),
    )
    .await
    .map_err(internal("queueing webhook"))?;
    tx.commit().await.map_err(internal("committing webhook"))?;
    Ok("queued")
}

/// Acts on a stored provider event (the `payment.webhook` job): records payment intent events against their
/// payment and order. Returns the outcome it stored (`paid`, `failed`, `unknown_intent`, `amount_mismatch`, …);
/// an event handled before returns its earlier outcome and changes nothing.
pub async fn process_event(state: &AppState, event_id: &str) -> Result<String, AppError> {
    let provider = state.payments.card.clone().ok_or_else(|| {
        tracing::error!("a card payment event is queued but no card provider is configured");
        AppError::Internal
    })?;
    let mut tx = state
        .checkout_pool
        .begin()
        .await
        .map_err(internal("starting webhook"))?;
    let Some(stored) = db::lock_event(&mut tx, event_id)
        .await
        .map_err(internal("loading webhook event"))?
    else {
        return Err(AppError::NotFound);
    };
    if let Some(outcome) = stored.handled_outcome {
        return Ok(outcome);
    }
    let body = serde_json::to_vec(&stored.payload).map_err(internal("reading webhook event"))?;
    let outcome = match provider.parse_event(&body) {
        Err(_) => "malformed",
        Ok(event) => {
            let handled = matches!(
                event.kind.as_str(),
                "payment_intent.succeeded"
                    | "payment_intent.payment_failed"
                    | "payment_intent.canceled"
                    | "payment_intent.requires_action"
                    | "payment_intent.processing"
            );
            match (&event.intent, handled) {
                (Some(intent), true) => {
                    match db::lock_for_intent(&mut tx, &intent.id, intent.payment_id)
                        .await
                        .map_err(internal("locking payment"))?
                    {
                        Some(payment) => record_on(&mut tx, &payment, intent, "webhook").await?,
                        None => "unknown_intent",
                    }
                }
                _ => "ignored",
            }
        }
    };
    db::set_event_outcome(&mut tx, event_id, outcome)
        .await
        .map_err(internal("recording webhook outcome"))?;
    tx.commit().await.map_err(internal("committing webhook"))?;
    tracing::info!(event = %event_id, outcome, "payment event handled");
    Ok(outcome.to_string())
}
