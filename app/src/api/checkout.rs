//! Checkout and orders. Each step is a plain form post that the server answers with a redirect to the next step
//! (or back, with the error in the URL), so checkout works the same with and without JavaScript.

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
    /// The shop takes cards but they are offline for now (an admin's kill switch): the page says so.
    pub cards_paused: bool,
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
        chrono::Utc::now(),
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
        card: state.card_setup(),
        cards_paused: state.cards_paused(),
        account_email,
        saved_address,
    })
}

/// The address form posts its fields flat (`name`, `line1`, …); `#[server(flatten)]` reads them into one
/// `AddressInput`.
#[server(prefix = "/api", endpoint = "checkout/contact")]
pub async fn save_checkout_contact(
    email: String,
    #[server(flatten)] address: crate::domain::address::AddressInput,
) -> Result<(), AppError> {
    use crate::domain::email::Email;
    use crate::request::context;
    use backend::checkout;
    let email = Email::parse(&email)?;
    let address = address.parse()?;
    let state = context::state()?;
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
        chrono::Utc::now(),
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
    use backend::checkout::{self, Payment};
    let key = uuid::Uuid::parse_str(idempotency_key.trim()).map_err(|_| {
        AppError::invalid(
            "checkout",
            "This checkout form is out of date; please review your order again.",
        )
    })?;
    let payment = match PaymentMethod::parse(&payment_method)? {
        PaymentMethod::Card => {
            Payment::Card(CardToken::parse(card_token.as_deref().unwrap_or_default())?)
        }
        PaymentMethod::Manual => Payment::Manual,
    };
    let state = context::state()?;
    // Signed in: the account's cart, and the order joins the account's history.
    let placed = checkout::place_and_pay(
        &state,
        context::checkout_owner(&state).await?,
        key,
        fingerprint.trim(),
        payment,
        chrono::Utc::now(),
    )
    .await?;
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
    let paid = payments::pay(&state, order.customer_order_id, &card, chrono::Utc::now()).await?;
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

/// The shopper asks to return some of an order's items (through the order's link): `quantities[l<line>]=<n>`
/// for each line, and a reason. Answers with the new return's id; a plain form post goes back to the order.
#[server(prefix = "/api", endpoint = "order/return")]
pub async fn request_return(
    number: String,
    key: String,
    #[server(default)] reason: String,
    #[server(default)] quantities: std::collections::BTreeMap<String, String>,
) -> Result<i64, AppError> {
    use crate::domain::returns::ReturnRequest;
    use crate::request::context;
    use backend::{orders, returns};
    let request = ReturnRequest::parse(&reason, &quantities)?;
    let state = context::state()?;
    let order = orders::find(&state, number.trim(), key.trim()).await?;
    let id = returns::request(
        &state,
        order.customer_order_id,
        &request,
        chrono::Utc::now(),
    )
    .await?;
    if context::is_plain_form_post() {
        leptos_axum::redirect(&format!(
            "/orders/{}?key={}#returns",
            order.number, order.access_token
        ));
    }
    Ok(id)
}
