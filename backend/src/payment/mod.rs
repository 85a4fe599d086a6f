//! Payment providers. Each payment method a shop offers has a provider behind this trait: [`stripe`] takes cards
//! through Stripe's PaymentIntents API (or any server that speaks it), [`manual`] is bank transfer or pay on
//! delivery, which the merchant records by hand. The services in `server::payments` drive them; only the provider
//! knows its wire format.

pub mod manual;
pub mod stripe;

use crate::domain::checkout::{CardSetup, CardToken, PaymentMethod};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use uuid::Uuid;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What to charge, for which order.
#[derive(Debug, Clone)]
pub struct ChargeRequest<'a> {
    /// Our id of this attempt: the provider's idempotency key and the intent's metadata.
    pub payment_id: Uuid,
    pub order_number: &'a str,
    pub email: &'a str,
    pub amount_minor: i64,
    /// ISO 4217, upper case.
    pub currency: &'a str,
    /// The one-time token from the provider's card fields; none for offline methods.
    pub card: Option<&'a CardToken>,
}

/// How a payment started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Started {
    /// Nothing to do online: the shopper pays offline and the merchant records it (manual methods).
    Offline,
    /// The provider's payment intent, as it stands after confirmation.
    Intent(Intent),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntentStatus {
    Succeeded,
    /// The shopper must confirm with their bank (3-D Secure) in the browser.
    RequiresAction,
    Processing,
    /// Refused; the shopper may try another card.
    Failed,
    Canceled,
}

/// A provider's payment intent, reduced to what Bazaar acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intent {
    pub id: String,
    pub status: IntentStatus,
    pub amount_minor: i64,
    /// ISO 4217, upper case.
    pub currency: String,
    pub client_secret: Option<String>,
    /// Our attempt id, read back from the intent's metadata.
    pub payment_id: Option<Uuid>,
    /// The provider's words for the shopper when the card was refused.
    pub failure_message: Option<String>,
}

/// Money to pay back on a payment the provider took.
#[derive(Debug, Clone)]
pub struct RefundRequest<'a> {
    /// Our id of this refund: the provider's idempotency key and the refund's metadata, so a retry after a
    /// timeout finds the refund the first call made.
    pub refund_id: Uuid,
    pub intent_id: &'a str,
    pub amount_minor: i64,
    /// ISO 4217, upper case.
    pub currency: &'a str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundStatus {
    Succeeded,
    /// Accepted; the provider reports the outcome later (a webhook).
    Pending,
    Failed,
}

/// A provider's refund, reduced to what Bazaar acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderRefund {
    pub id: String,
    pub status: RefundStatus,
    pub amount_minor: i64,
    /// Our refund id, read back from the refund's metadata.
    pub refund_id: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaymentError {
    /// The card was refused; the message is meant for the shopper.
    #[error("{0}")]
    Declined(String),
    /// The provider refused our request (bad key, bad parameters): a problem for the operator, not the shopper.
    #[error("payment provider refused the request: {0}")]
    Rejected(String),
    /// The provider could not be reached or answered with an error of its own.
    #[error("payment provider unavailable: {0}")]
    Unavailable(String),
    /// This provider has no such operation (a manual method has no intents).
    #[error("not supported by this payment method")]
    Unsupported,
}

/// A verified provider event (a webhook).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderEvent {
    pub id: String,
    /// The provider's own name for the event, stored and logged as it came.
    pub kind: String,
    /// What it means to the shop, as the provider maps its own event names.
    pub action: EventAction,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventAction {
    /// A payment intent changed state (succeeded, failed, cancelled, waits for 3-D Secure, processing): record
    /// it against its payment and order.
    IntentChanged(Intent),
    /// Refunds were made or changed (`charge.refunded`, `refund.updated`): settle ours that were pending.
    RefundsChanged(Vec<ProviderRefund>),
    /// Anything else the provider tells us: kept and acknowledged, nothing to do.
    Ignored,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    #[error("missing or malformed signature header")]
    MissingSignature,
    #[error("no signature matches the webhook secret")]
    BadSignature,
    #[error("the signature's timestamp is outside the tolerance")]
    Stale,
    #[error("the event body is not a valid event")]
    Malformed,
    #[error("this payment method receives no webhooks")]
    Unsupported,
    /// Verified, but it could not be recorded now (database trouble): the provider should send it again.
    #[error("the event could not be recorded; send it again")]
    Retry,
}

/// Origins a payment provider needs in the browser.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProviderSources {
    pub script: Vec<String>,
    pub connect: Vec<String>,
    pub frame: Vec<String>,
}

/// `https://js.stripe.com` from `https://js.stripe.com/v3/`.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest
        .split(['/', '?', '#'])
        .next()
        .filter(|h| !h.is_empty())?;
    Some(format!("{scheme}://{host}"))
}

pub trait PaymentProvider: Send + Sync {
    /// Short, stable name stored with each payment (`stripe`, `manual`).
    fn name(&self) -> &'static str;
    fn method(&self) -> PaymentMethod;
    /// What the browser needs to collect card details with the provider's own fields, if anything.
    fn browser_setup(&self) -> Option<CardSetup>;
    /// Charges the order; for cards, creates and confirms a payment intent server-side.
    fn start<'a>(
        &'a self,
        request: ChargeRequest<'a>,
    ) -> BoxFuture<'a, Result<Started, PaymentError>>;
    /// Pays money back on a payment intent; asked again with the same `refund_id`, returns the refund made
    /// the first time instead of making another.
    fn refund<'a>(
        &'a self,
        _request: RefundRequest<'a>,
    ) -> BoxFuture<'a, Result<ProviderRefund, PaymentError>> {
        Box::pin(async { Err(PaymentError::Unsupported) })
    }
    /// Reads an intent back from the provider (after 3-D Secure, or when a webhook is late).
    fn retrieve<'a>(&'a self, intent_id: &'a str) -> BoxFuture<'a, Result<Intent, PaymentError>>;
    /// Verifies a webhook's signature against the shared secret and `now` (unix seconds), then parses it.
    fn verify_event(
        &self,
        signature: Option<&str>,
        body: &[u8],
        now: i64,
    ) -> Result<ProviderEvent, WebhookError>;
    /// The origins its browser script needs, for the payment pages' Content-Security-Policy.
    fn browser_sources(&self) -> ProviderSources {
        ProviderSources::default()
    }
    /// Reads an event body verified earlier (stored on receipt, acted on by a job).
    fn parse_event(&self, body: &[u8]) -> Result<ProviderEvent, WebhookError>;
}

/// The providers a shop is configured with: manual payments always, cards when a provider is configured.
#[derive(Clone)]
pub struct Payments {
    pub manual: Arc<dyn PaymentProvider>,
    pub card: Option<Arc<dyn PaymentProvider>>,
}

impl Payments {
    pub fn manual_only() -> Self {
        Payments {
            manual: Arc::new(manual::ManualProvider),
            card: None,
        }
    }

    pub fn with_card(card: Arc<dyn PaymentProvider>) -> Self {
        Payments {
            card: Some(card),
            ..Payments::manual_only()
        }
    }

    pub fn for_method(&self, method: PaymentMethod) -> Option<&Arc<dyn PaymentProvider>> {
        match method {
            PaymentMethod::Manual => Some(&self.manual),
            PaymentMethod::Card => self.card.as_ref(),
        }
    }

    pub fn card_setup(&self) -> Option<CardSetup> {
        self.card.as_ref().and_then(|c| c.browser_setup())
    }
}

impl std::fmt::Debug for Payments {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Payments")
            .field("card", &self.card.as_ref().map(|c| c.name()))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins() {
        assert_eq!(
            origin_of("https://js.stripe.com/v3/").as_deref(),
            Some("https://js.stripe.com")
        );
        assert_eq!(
            origin_of("http://127.0.0.1:8420/js.stripe.com/v3/").as_deref(),
            Some("http://127.0.0.1:8420")
        );
        assert_eq!(origin_of("nonsense"), None);
    }
}
