//! Bank transfer or pay on delivery: no provider to call. The order waits as "awaiting payment" with its stock
//! held until the merchant records the payment or cancels the order.

use super::{
    BoxFuture, ChargeRequest, Intent, PaymentError, PaymentProvider, ProviderEvent, Started,
    WebhookError,
};
use crate::domain::checkout::{CardSetup, PaymentMethod};

#[derive(Debug, Clone, Copy, Default)]
pub struct ManualProvider;

impl PaymentProvider for ManualProvider {
    fn name(&self) -> &'static str {
        "manual"
    }

    fn method(&self) -> PaymentMethod {
        PaymentMethod::Manual
    }

    fn browser_setup(&self) -> Option<CardSetup> {
        None
    }

    fn start<'a>(&'a self, _: ChargeRequest<'a>) -> BoxFuture<'a, Result<Started, PaymentError>> {
        Box::pin(async { Ok(Started::Offline) })
    }

    fn retrieve<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<Intent, PaymentError>> {
        Box::pin(async { Err(PaymentError::Unsupported) })
    }

    fn verify_event(
        &self,
        _: Option<&str>,
        _: &[u8],
        _: i64,
    ) -> Result<ProviderEvent, WebhookError> {
        Err(WebhookError::Unsupported)
    }

    fn parse_event(&self, _: &[u8]) -> Result<ProviderEvent, WebhookError> {
        Err(WebhookError::Unsupported)
    }
}
