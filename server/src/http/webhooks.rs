//! `POST /webhooks/stripe`: events from the card provider. The body is read raw, because the signature covers
//! its exact bytes. Answers follow Stripe's documentation: 2xx once an event is handled (or was before, or is
//! about something that is not ours), 400 for a bad signature or an event too old, 503 when it could not be
//! recorded so the provider sends it again.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use backend::payment::WebhookError;
use backend::AppState;

/// Stripe events are small; anything bigger is not one.
const MAX_BODY: usize = 256 * 1024;

pub fn routes() -> Router<super::SiteState> {
    Router::new().route(
        "/webhooks/stripe",
        post(stripe).layer(axum::extract::DefaultBodyLimit::max(MAX_BODY)),
    )
}

async fn stripe(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let signature = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok());
    let now = chrono::Utc::now().timestamp();
    match backend::payments::handle_webhook(&state, signature, &body, now).await {
        Ok(outcome) => {
            Json(serde_json::json!({ "received": true, "outcome": outcome })).into_response()
        }
        Err(e) => {
            let status = match e {
                WebhookError::Unsupported => StatusCode::NOT_FOUND,
                WebhookError::Retry => StatusCode::SERVICE_UNAVAILABLE,
                WebhookError::MissingSignature
                | WebhookError::BadSignature
                | WebhookError::Stale
                | WebhookError::Malformed => StatusCode::BAD_REQUEST,
            };
            tracing::warn!(error = %e, "payment webhook refused");
            (status, Json(serde_json::json!({ "error": e.to_string() }))).into_response()
        }
    }
}
