//! Card provider webhooks: taken (verified, stored once, queued) by the endpoint, then acted on by a job.

use super::record::{lock_attempt, record_on};
use crate::db::payment as db;
use crate::error::AppError;
use crate::jobs::{self, kind, NewJob};
use crate::payment::{EventAction, ProviderEvent, WebhookError};
use crate::{AppState, OrInternal};

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
    event: &ProviderEvent,
    payload: &serde_json::Value,
) -> Result<&'static str, AppError> {
    let mut tx = state.checkout_begin("starting webhook").await?;
    if !db::claim_event(&mut tx, &event.id, provider, &event.kind, payload)
        .await
        .or_internal("storing webhook event")?
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
    .or_internal("queueing webhook")?;
    tx.commit().await.or_internal("committing webhook")?;
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
    let mut tx = state.checkout_begin("starting webhook").await?;
    let Some(stored) = db::lock_event(&mut tx, event_id)
        .await
        .or_internal("loading webhook event")?
    else {
        return Err(AppError::NotFound);
    };
    if let Some(outcome) = stored.handled_outcome {
        return Ok(outcome);
    }
    let body = serde_json::to_vec(&stored.payload).or_internal("reading webhook event")?;
    let outcome = match provider.parse_event(&body) {
        Err(_) => "malformed",
        Ok(ProviderEvent {
            action: EventAction::IntentChanged(intent),
            ..
        }) => match lock_attempt(&mut tx, &intent.id, intent.payment_id).await? {
            Some(payment) => record_on(&mut tx, &payment, &intent, "webhook").await?,
            None => "unknown_intent",
        },
        Ok(ProviderEvent {
            action: EventAction::RefundsChanged(refunds),
            ..
        }) => crate::refunds::on_provider_refunds(&mut tx, &refunds).await?,
        Ok(_) => "ignored",
    };
    db::set_event_outcome(&mut tx, event_id, outcome)
        .await
        .or_internal("recording webhook outcome")?;
    tx.commit().await.or_internal("committing webhook")?;
    super::record::count("webhook", outcome);
    tracing::info!(event = %event_id, outcome, "payment event handled");
    Ok(outcome.to_string())
}
