//! Cards through Stripe's PaymentIntents API, spoken over plain HTTPS (form-encoded requests, JSON answers).
//!
//! The browser loads Stripe.js from the configured script URL, collects the card in Stripe's own fields and turns
//! it into a one-time token; Bazaar only ever sees that token. The server attaches it to a customer (the
//! documented way to charge a tokenised card with PaymentIntents), then creates and confirms an intent for the
//! order's amount. Webhooks are verified as Stripe documents: `Stripe-Signature: t=…,v1=…`, HMAC-SHA256 of
//! `"{t}.{body}"` with the endpoint secret, and a timestamp within the tolerance.
//!
//! In development and tests the API base and script URL point at localstripe, which speaks the same API.

use super::{
    origin_of, BoxFuture, ChargeRequest, EventAction, Intent, IntentStatus, PaymentError,
    PaymentProvider, ProviderEvent, ProviderRefund, ProviderSources, RefundRequest, RefundStatus,
    Started, WebhookError,
};
use crate::domain::checkout::{CardSetup, PaymentMethod};
use hmac::{KeyInit, Mac};
use serde::Deserialize;
use std::time::Duration;
use uuid::Uuid;

#[derive(Clone)]
pub struct StripeConfig {
    /// `https://api.stripe.com` in production.
    pub api_base: String,
    /// `https://js.stripe.com/v3/` in production.
    pub script_url: String,
    pub publishable_key: String,
    pub secret_key: String,
    pub webhook_secret: String,
    /// How old a webhook's signature may be (Stripe's libraries default to 300 s).
    pub webhook_tolerance_secs: i64,
}

impl std::fmt::Debug for StripeConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StripeConfig")
            .field("api_base", &self.api_base)
            .field("script_url", &self.script_url)
            .field("publishable_key", &self.publishable_key)
            .finish_non_exhaustive()
    }
}

pub struct StripeProvider {
    config: StripeConfig,
    http: reqwest::Client,
}

impl StripeProvider {
    pub fn new(config: StripeConfig) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(30))
            .build()?;
        Ok(StripeProvider { config, http })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.config.api_base.trim_end_matches('/'))
    }

    async fn post<T: for<'de> Deserialize<'de>>(
        &self,
        path: &str,
        idempotency_key: &str,
        form: &[(&str, &str)],
    ) -> Result<T, PaymentError> {
        let response = self
            .http
            .post(self.url(path))
            .basic_auth(&self.config.secret_key, None::<&str>)
            .header("Idempotency-Key", idempotency_key)
            .form(form)
            .send()
            .await
            .map_err(|e| PaymentError::Unavailable(e.to_string()))?;
        read(response).await
    }

    async fn charge(&self, request: ChargeRequest<'_>) -> Result<Intent, PaymentError> {
        let token = request
            .card
            .ok_or_else(|| PaymentError::Rejected("a card payment without a card token".into()))?;
        let payment_id = request.payment_id.to_string();
        let customer: Customer = self
            .post(
                "/v1/customers",
                &format!("{payment_id}-customer"),
                &[
                    ("source", token.as_str()),
                    ("email", request.email),
                    ("metadata[bazaar_order]", request.order_number),
                ],
            )
            .await?;
        let source = customer
            .default_source
            .ok_or_else(|| PaymentError::Rejected("customer created without a card".into()))?;
        let amount = request.amount_minor.to_string();
        let currency = request.currency.to_ascii_lowercase();
        let intent: RawIntent = self
            .post(
                "/v1/payment_intents",
                &payment_id,
                &[
                    ("amount", amount.as_str()),
                    ("currency", currency.as_str()),
                    ("customer", customer.id.as_str()),
                    ("payment_method", source.as_str()),
                    ("payment_method_types[]", "card"),
                    ("confirm", "true"),
                    ("metadata[bazaar_order]", request.order_number),
                    ("metadata[bazaar_payment]", payment_id.as_str()),
                ],
            )
            .await?;
        Ok(intent.into())
    }

    /// Finds the refund made under `refund_id` on this intent, or makes it. The lookup first makes a retry safe
    /// even against a server that ignores idempotency keys.
    async fn make_refund(
        &self,
        request: RefundRequest<'_>,
    ) -> Result<ProviderRefund, PaymentError> {
        let refund_id = request.refund_id.to_string();
        let response = self
            .http
            .get(self.url("/v1/refunds"))
            .basic_auth(&self.config.secret_key, None::<&str>)
            .query(&[("payment_intent", request.intent_id), ("limit", "100")])
            .send()
            .await
            .map_err(|e| PaymentError::Unavailable(e.to_string()))?;
        let made: RefundList = read(response).await?;
        if let Some(earlier) = made
            .data
            .into_iter()
            .map(ProviderRefund::from)
            .find(|r| r.refund_id == Some(request.refund_id))
        {
            return Ok(earlier);
        }
        let amount = request.amount_minor.to_string();
        let refund: RawRefund = self
            .post(
                "/v1/refunds",
                &refund_id,
                &[
                    ("payment_intent", request.intent_id),
                    ("amount", amount.as_str()),
                    ("metadata[bazaar_refund]", refund_id.as_str()),
                ],
            )
            .await?;
        Ok(refund.into())
    }

    async fn get_intent(&self, intent_id: &str) -> Result<Intent, PaymentError> {
        let response = self
            .http
            .get(self.url(&format!("/v1/payment_intents/{intent_id}")))
            .basic_auth(&self.config.secret_key, None::<&str>)
            .send()
            .await
            .map_err(|e| PaymentError::Unavailable(e.to_string()))?;
        read::<RawIntent>(response).await.map(Intent::from)
    }
}

async fn read<T: for<'de> Deserialize<'de>>(
    response: reqwest::Response,
) -> Result<T, PaymentError> {
    let status = response.status();
    let body = response
        .bytes()
        .await
        .map_err(|e| PaymentError::Unavailable(e.to_string()))?;
    if status.is_success() {
        return serde_json::from_slice(&body)
            .map_err(|e| PaymentError::Unavailable(format!("unreadable answer: {e}")));
    }
    let error = serde_json::from_slice::<ErrorBody>(&body)
        .map(|b| b.error)
        .unwrap_or_default();
    Err(classify(status.as_u16(), error))
}

/// Stripe answers a refused card with 402 (or a `card_error`); its message is written for the cardholder.
fn classify(status: u16, error: ApiError) -> PaymentError {
    let message = error.message.unwrap_or_default();
    if status == 402 || error.kind.as_deref() == Some("card_error") {
        let message = if message.is_empty() {
            "Your card was declined.".to_owned()
        } else {
            message
        };
        PaymentError::Declined(message)
    } else if status == 429 || status >= 500 {
        PaymentError::Unavailable(format!("HTTP {status}: {message}"))
    } else {
        PaymentError::Rejected(format!(
            "HTTP {status} {}: {message}",
            error.code.unwrap_or_default()
        ))
    }
}

#[derive(Debug, Deserialize)]
struct Customer {
    id: String,
    default_source: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct ErrorBody {
    #[serde(default)]
    error: ApiError,
}

#[derive(Debug, Default, Deserialize)]
struct ApiError {
    message: Option<String>,
    code: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
}

#[derive(Debug, Deserialize)]
struct RawIntent {
    id: String,
    status: String,
    amount: i64,
    currency: String,
    client_secret: Option<String>,
    #[serde(default)]
    metadata: std::collections::HashMap<String, String>,
    last_payment_error: Option<ApiError>,
}

impl From<RawIntent> for Intent {
    fn from(raw: RawIntent) -> Self {
        let status = match raw.status.as_str() {
            "succeeded" => IntentStatus::Succeeded,
            "requires_action" => IntentStatus::RequiresAction,
            "processing" | "requires_confirmation" | "requires_capture" => IntentStatus::Processing,
            "canceled" => IntentStatus::Canceled,
            // requires_payment_method: the last attempt failed (or none was made).
            _ => IntentStatus::Failed,
        };
        Intent {
            id: raw.id,
            status,
            amount_minor: raw.amount,
            currency: raw.currency.to_ascii_uppercase(),
            client_secret: raw.client_secret,
            payment_id: raw
                .metadata
                .get("bazaar_payment")
                .and_then(|id| Uuid::parse_str(id).ok()),
            failure_message: raw.last_payment_error.and_then(|e| e.message),
        }
    }
}

#[derive(Debug, Deserialize)]
struct RawRefund {
    id: String,
    status: Option<String>,
    amount: i64,
    #[serde(default)]
    metadata: std::collections::HashMap<String, String>,
}

#[derive(Debug, Deserialize)]
struct RefundList {
    data: Vec<RawRefund>,
}

/// A charge as `charge.refunded` carries it: its refunds, when the API version includes them.
#[derive(Debug, Deserialize)]
struct RawCharge {
    refunds: Option<RefundList>,
}

impl From<RawRefund> for ProviderRefund {
    fn from(raw: RawRefund) -> Self {
        let status = match raw.status.as_deref() {
            Some("succeeded") => RefundStatus::Succeeded,
            Some("failed" | "canceled") => RefundStatus::Failed,
            _ => RefundStatus::Pending,
        };
        ProviderRefund {
            id: raw.id,
            status,
            amount_minor: raw.amount,
            refund_id: raw
                .metadata
                .get("bazaar_refund")
                .and_then(|id| Uuid::parse_str(id).ok()),
        }
    }
}

#[derive(Debug, Deserialize)]
struct RawEvent {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    data: RawEventData,
}

#[derive(Debug, Deserialize)]
struct RawEventData {
    object: serde_json::Value,
}

/// Checks a `Stripe-Signature` header against `body`: some `v1` signature must equal HMAC-SHA256(secret,
/// "{t}.{body}"), compared in constant time, and `t` must be within `tolerance` seconds of `now`.
pub fn verify_signature(
    secret: &str,
    header: Option<&str>,
    body: &[u8],
    now: i64,
    tolerance: i64,
) -> Result<(), WebhookError> {
    let header = header.ok_or(WebhookError::MissingSignature)?;
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", sig)) => signatures.push(sig),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(WebhookError::MissingSignature)?;
    if signatures.is_empty() {
        return Err(WebhookError::MissingSignature);
    }
    let matches = signatures.iter().any(|sig| {
        let Some(sig) = decode_hex(sig) else {
            return false;
        };
        let Ok(mut mac) = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()) else {
            return false;
        };
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        mac.verify_slice(&sig).is_ok()
    });
    if !matches {
        return Err(WebhookError::BadSignature);
    }
    if (now - timestamp).abs() > tolerance {
        return Err(WebhookError::Stale);
    }
    Ok(())
}

/// The header a sender with `secret` puts on `body` at time `t` (tests, and tools that replay events).
pub fn sign(secret: &str, body: &[u8], t: i64) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("t={t},v1={hex}")
}

fn decode_hex(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Reads a verified event body.
pub fn parse_event(body: &[u8]) -> Result<ProviderEvent, WebhookError> {
    let raw: RawEvent = serde_json::from_slice(body).map_err(|_| WebhookError::Malformed)?;
    let action = match raw.kind.as_str() {
        "payment_intent.succeeded"
        | "payment_intent.payment_failed"
        | "payment_intent.canceled"
        | "payment_intent.requires_action"
        | "payment_intent.processing" => EventAction::IntentChanged(
            serde_json::from_value::<RawIntent>(raw.data.object)
                .map_err(|_| WebhookError::Malformed)?
                .into(),
        ),
        "charge.refunded" => EventAction::RefundsChanged(
            serde_json::from_value::<RawCharge>(raw.data.object)
                .map_err(|_| WebhookError::Malformed)?
                .refunds
                .map(|list| list.data.into_iter().map(ProviderRefund::from).collect())
                .unwrap_or_default(),
        ),
        "refund.created" | "refund.updated" | "refund.failed" => {
            EventAction::RefundsChanged(vec![serde_json::from_value::<RawRefund>(raw.data.object)
                .map_err(|_| WebhookError::Malformed)?
                .into()])
        }
        _ => EventAction::Ignored,
    };
    Ok(ProviderEvent {
        id: raw.id,
        kind: raw.kind,
        action,
    })
}

impl PaymentProvider for StripeProvider {
    fn name(&self) -> &'static str {
        "stripe"
    }

    fn method(&self) -> PaymentMethod {
        PaymentMethod::Card
    }

    fn browser_setup(&self) -> Option<CardSetup> {
        Some(CardSetup {
            script_url: self.config.script_url.clone(),
            publishable_key: self.config.publishable_key.clone(),
        })
    }

    fn start<'a>(
        &'a self,
        request: ChargeRequest<'a>,
    ) -> BoxFuture<'a, Result<Started, PaymentError>> {
        Box::pin(async move { self.charge(request).await.map(Started::Intent) })
    }

    fn refund<'a>(
        &'a self,
        request: RefundRequest<'a>,
    ) -> BoxFuture<'a, Result<ProviderRefund, PaymentError>> {
        Box::pin(self.make_refund(request))
    }

    fn retrieve<'a>(&'a self, intent_id: &'a str) -> BoxFuture<'a, Result<Intent, PaymentError>> {
        Box::pin(self.get_intent(intent_id))
    }

    fn verify_event(
        &self,
        signature: Option<&str>,
        body: &[u8],
        now: i64,
    ) -> Result<ProviderEvent, WebhookError> {
        verify_signature(
            &self.config.webhook_secret,
            signature,
            body,
            now,
            self.config.webhook_tolerance_secs,
        )?;
        parse_event(body)
    }

    fn parse_event(&self, body: &[u8]) -> Result<ProviderEvent, WebhookError> {
        parse_event(body)
    }

    /// Stripe's documented origins for Stripe.js, or the configured server's own (localstripe) otherwise.
    fn browser_sources(&self) -> ProviderSources {
        let script = origin_of(&self.config.script_url);
        let api = origin_of(&self.config.api_base);
        if script.as_deref() == Some("https://js.stripe.com") {
            let s = |v: &[&str]| v.iter().map(|o| o.to_string()).collect::<Vec<_>>();
            return ProviderSources {
                script: s(&["https://js.stripe.com", "https://*.js.stripe.com"]),
                connect: s(&["https://api.stripe.com"]),
                frame: s(&[
                    "https://js.stripe.com",
                    "https://*.js.stripe.com",
                    "https://hooks.stripe.com",
                ]),
            };
        }
        let mut both: Vec<String> = script.into_iter().chain(api).collect();
        both.dedup();
        ProviderSources {
            script: both.clone(),
            connect: both.clone(),
            frame: both,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test";
    const BODY: &[u8] = br#"{"id":"evt_1","type":"payment_intent.succeeded","data":{"object":{"id":"pi_1","status":"succeeded","amount":1234,"currency":"eur","client_secret":null,"metadata":{"bazaar_payment":"6f9619ff-8b86-d011-b42d-00cf4fc964ff"},"last_payment_error":null}}}"#;

    #[test]
    fn a_signature_made_with_the_secret_verifies() {
        let header = sign(SECRET, BODY, 1_000);
        assert_eq!(
            verify_signature(SECRET, Some(&header), BODY, 1_100, 300),
            Ok(())
        );
        // Stripe may send several v1 signatures while a secret is rolled: any match will do.
        let rolled = format!("t=1000,v1={},{}", "ab".repeat(32), &header[7..]);
        assert_eq!(
            verify_signature(SECRET, Some(&rolled), BODY, 1_000, 300),
            Ok(())
        );
    }

    #[test]
    fn wrong_secret_changed_body_and_old_timestamps_are_refused() {
        let header = sign("whsec_other", BODY, 1_000);
        assert_eq!(
            verify_signature(SECRET, Some(&header), BODY, 1_000, 300),
            Err(WebhookError::BadSignature)
        );
        let header = sign(SECRET, BODY, 1_000);
        let mut tampered = BODY.to_vec();
        tampered[40] ^= 1;
        assert_eq!(
            verify_signature(SECRET, Some(&header), &tampered, 1_000, 300),
            Err(WebhookError::BadSignature)
        );
        assert_eq!(
            verify_signature(SECRET, Some(&header), BODY, 1_301, 300),
            Err(WebhookError::Stale)
        );
        assert_eq!(
            verify_signature(SECRET, Some(&header), BODY, 699, 300),
            Err(WebhookError::Stale)
        );
        for bad in [
            None,
            Some(""),
            Some("t=abc,v1=00"),
            Some("t=1000"),
            Some("v1=zz"),
        ] {
            assert_eq!(
                verify_signature(SECRET, bad, BODY, 1_000, 300),
                Err(WebhookError::MissingSignature),
                "{bad:?}"
            );
        }
        assert_eq!(
            verify_signature(SECRET, Some("t=1000,v1=zz"), BODY, 1_000, 300),
            Err(WebhookError::BadSignature)
        );
    }

    #[test]
    fn events_are_read_into_intents() {
        let event = parse_event(BODY).unwrap();
        assert_eq!(event.id, "evt_1");
        let EventAction::IntentChanged(intent) = event.action else {
            panic!("a payment_intent.succeeded event changes an intent")
        };
        assert_eq!(intent.status, IntentStatus::Succeeded);
        assert_eq!(
            (intent.amount_minor, intent.currency.as_str()),
            (1234, "EUR")
        );
        assert!(intent.payment_id.is_some());
        assert_eq!(parse_event(b"{}"), Err(WebhookError::Malformed));
    }

    #[test]
    fn refused_cards_carry_the_providers_message() {
        let declined = ApiError {
            message: Some("Your card was declined.".into()),
            code: Some("card_declined".into()),
            kind: Some("card_error".into()),
        };
        assert_eq!(
            classify(402, declined),
            PaymentError::Declined("Your card was declined.".into())
        );
        assert!(matches!(
            classify(401, ApiError::default()),
            PaymentError::Rejected(_)
        ));
        assert!(matches!(
            classify(503, ApiError::default()),
            PaymentError::Unavailable(_)
        ));
    }
}
