//! Checkout and orders. Each step is a plain form post that the server answers with a redirect to the next step
//! (or back, with the error in the URL), so checkout works the same with and without JavaScript.

// The address form posts its fields flat, so its server function takes them one by one (the browser-side stub
// that `#[server]` generates has the same list).
#![allow(clippy::too_many_arguments)]

use crate::domain::checkout::{CardSetup, CheckoutSummary, OrderView, PaymentState, PlacedOrder};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The summary, plus a fresh idempotency key for the review form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckoutPageData {
    pub summary: CheckoutSummary,
    pub idempotency_key: String,
    /// Set when the shop takes cards: the provider's script and key for its card fields.
    pub card: Option<CardSetup>,
    /// Signed in, before any address is entered: the account's email and default saved address, to start from.
    pub account_email: Option<String>,
    pub saved_address: Option<crate::domain::address::Address>,
}

#[server(prefix = "/api", endpoint = "checkout")]
pub async fn get_checkout() -> Result<CheckoutPageData, AppError> {
    use crate::request::context;
    use backend::{addresses, checkout};
    let state = context::state()?;
    let session = context::checkout_session(&state).await?;
    let summary = checkout::summary(
        &state,
        context::owner_of(session.as_ref()),
        chrono::Utc::now().timestamp(),
    )
    .await?;
    // Signed in and nothing entered yet: start from the account's email and default address.
    let (account_email, saved_address) = match &session {
        Some(session) if summary.address.is_none() => (
            Some(session.email.clone()),
            addresses::default_address(&state, session).await?,
        ),
        _ => (None, None),
    };
    Ok(CheckoutPageData {
        summary,
        idempotency_key: uuid::Uuid::new_v4().to_string(),
        card: state.payments.card_setup(),
        account_email,
        saved_address,
    })
}

#[server(prefix = "/api", endpoint = "checkout/contact")]
pub async fn save_checkout_contact(
    email: String,
    name: String,
    line1: String,
    line2: String,
    city: String,
    postal_code: String,
    country: String,
    phone: String,
) -> Result<(), AppError> {
    use crate::domain::address::AddressInput;
    use crate::request::context;
    use backend::checkout;
    let state = context::state()?;
    let address = AddressInput {
        name,
        line1,
        line2,
        city,
        postal_code,
        country,
        phone,
    };
    checkout::save_contact(
        &state,
        context::checkout_owner(&state).await?,
        &email,
        &address,
    )
    .await?;
    leptos_axum::redirect("/checkout/shipping");
    Ok(())
}

#[server(prefix = "/api", endpoint = "checkout/shipping")]
pub async fn save_checkout_shipping(
    shipping_method: String,
    discount_code: String,
) -> Result<(), AppError> {
    use crate::request::context;
    use backend::checkout;
    let state = context::state()?;
    checkout::save_shipping(
        &state,
        context::checkout_owner(&state).await?,
        &shipping_method,
        &discount_code,
        chrono::Utc::now().timestamp(),
    )
    .await?;
    leptos_axum::redirect("/checkout/review");
    Ok(())
}

/// Places the order; with a card, pays for it at once. Either way the shopper lands on the order page, which
/// says whether the payment went through (a declined card can be retried there while the items stay reserved).
#[server(prefix = "/api", endpoint = "checkout/place")]
pub async fn place_order(
    idempotency_key: String,
    fingerprint: String,
    payment_method: String,
    #[server(default)] card_token: Option<String>,
) -> Result<PlacedOrder, AppError> {
    use crate::domain::checkout::{CardToken, PaymentMethod};
    use crate::request::context;
    use backend::{checkout, orders, payments};
    let key = uuid::Uuid::parse_str(idempotency_key.trim()).map_err(|_| {
        AppError::invalid(
            "checkout",
            "This checkout form is out of date; please review your order again.",
        )
    })?;
    let payment = PaymentMethod::parse(&payment_method)?;
    let state = context::state()?;
    let card = match payment {
        PaymentMethod::Card => {
            if state.payments.card.is_none() {
                return Err(AppError::invalid(
                    "payment_method",
                    "This shop does not take cards; please choose another way to pay.",
                ));
            }
            Some(CardToken::parse(card_token.as_deref().unwrap_or_default())?)
        }
        PaymentMethod::Manual => None,
    };
    // Signed in: the account's cart, and the order joins the account's history.
    let placed = checkout::place_order(
        &state,
        context::checkout_owner(&state).await?,
        key,
        fingerprint.trim(),
        payment,
        chrono::Utc::now().timestamp(),
    )
    .await?;
    if let Some(card) = card {
        let order = orders::find(&state, &placed.number, &placed.access_token).await?;
        // Declined or not, the outcome is on the order page, where another card can be tried.
        payments::pay_placed(&state, &order, &card, chrono::Utc::now()).await?;
    }
    leptos_axum::redirect(&placed.url());
    Ok(placed)
}

/// Pays a card order from its page: another card after a decline, or the first one.
#[server(prefix = "/api", endpoint = "order/pay")]
pub async fn pay_order(
    number: String,
    key: String,
    #[server(default)] card_token: Option<String>,
) -> Result<PaymentState, AppError> {
    use crate::domain::checkout::CardToken;
    use crate::request::context;
    use backend::{orders, payments};
    let card = CardToken::parse(card_token.as_deref().unwrap_or_default())?;
    let state = context::state()?;
    let order = orders::find(&state, number.trim(), key.trim()).await?;
    let paid = payments::pay(&state, &order, &card, chrono::Utc::now()).await?;
    leptos_axum::redirect(&format!(
        "/orders/{}?key={}",
        order.number, order.access_token
    ));
    Ok(paid)
}

#[server(prefix = "/api", endpoint = "order")]
pub async fn get_order(number: String, key: String) -> Result<OrderView, AppError> {
    use crate::request::context;
    use backend::orders;
    let state = context::state()?;
    orders::view(&state, number.trim(), key.trim()).await
}
