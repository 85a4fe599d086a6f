//! Checkout and orders. Each step is a plain form post that the server answers with a redirect to the next step
//! (or back, with the error in the URL), so checkout works the same with and without JavaScript.

// The address form posts its fields flat, so its server function takes them one by one (the browser-side stub
// that `#[server]` generates has the same list).
#![allow(clippy::too_many_arguments)]

use crate::domain::checkout::{CheckoutSummary, OrderView, PlacedOrder};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The summary, plus a fresh idempotency key for the review form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckoutPageData {
    pub summary: CheckoutSummary,
    pub idempotency_key: String,
}

#[server(prefix = "/api", endpoint = "checkout")]
pub async fn get_checkout() -> Result<CheckoutPageData, AppError> {
    use crate::server::{checkout, context, cookies};
    let state = context::state()?;
    let summary = checkout::summary(
        &state,
        cookies::cart_token(&context::headers()),
        chrono::Utc::now().timestamp(),
    )
    .await?;
    Ok(CheckoutPageData {
        summary,
        idempotency_key: uuid::Uuid::new_v4().to_string(),
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
    use crate::server::{checkout, context, cookies};
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
        cookies::cart_token(&context::headers()),
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
    use crate::server::{checkout, context, cookies};
    let state = context::state()?;
    checkout::save_shipping(
        &state,
        cookies::cart_token(&context::headers()),
        &shipping_method,
        &discount_code,
        chrono::Utc::now().timestamp(),
    )
    .await?;
    leptos_axum::redirect("/checkout/review");
    Ok(())
}

#[server(prefix = "/api", endpoint = "checkout/place")]
pub async fn place_order(
    idempotency_key: String,
    fingerprint: String,
    payment_method: String,
) -> Result<PlacedOrder, AppError> {
    use crate::domain::checkout::PaymentMethod;
    use crate::server::{checkout, context, cookies};
    let key = uuid::Uuid::parse_str(idempotency_key.trim()).map_err(|_| {
        AppError::invalid(
            "checkout",
            "This checkout form is out of date; please review your order again.",
        )
    })?;
    let payment = PaymentMethod::parse(&payment_method)?;
    if payment == PaymentMethod::Card {
        return Err(AppError::invalid(
            "payment_method",
            "Card payments are not available in this shop yet; please choose bank transfer or pay on delivery.",
        ));
    }
    let state = context::state()?;
    let placed = checkout::place_order(
        &state,
        cookies::cart_token(&context::headers()),
        key,
        fingerprint.trim(),
        payment,
        chrono::Utc::now().timestamp(),
    )
    .await?;
    leptos_axum::redirect(&placed.url());
    Ok(placed)
}

#[server(prefix = "/api", endpoint = "order")]
pub async fn get_order(number: String, key: String) -> Result<OrderView, AppError> {
    use crate::server::{context, orders};
    let state = context::state()?;
    orders::view(&state, number.trim(), key.trim()).await
}
