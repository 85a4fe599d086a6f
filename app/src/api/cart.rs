use crate::domain::cart::CartView;
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "cart")]
pub async fn get_cart() -> Result<CartView, AppError> {
    use crate::server::{cart, context};
    let state = context::state()?;
    cart::view(&state, context::cart_owner(&state).await?).await
}

/// `quantity` is a string so that "abc", "-1" and "1e9" get the same clear message as 0 or 1000.
#[server(prefix = "/api", endpoint = "cart/add")]
pub async fn add_to_cart(sku: String, quantity: String) -> Result<CartView, AppError> {
    use crate::server::{cart, context};
    let (sku, quantity) = parse_line(&sku, &quantity)?;
    let state = context::state()?;
    let cart = cart::change_line(
        &state,
        context::cart_owner(&state).await?,
        &sku,
        cart::Change::Add(quantity),
    )
    .await?;
    // Back to the product page, which then says "Added to your cart".
    context::redirect_back_with("added", sku.as_str(), "buy");
    Ok(cart)
}

#[server(prefix = "/api", endpoint = "cart/update")]
pub async fn update_cart_line(sku: String, quantity: String) -> Result<CartView, AppError> {
    use crate::server::{cart, context};
    let (sku, quantity) = parse_line(&sku, &quantity)?;
    let state = context::state()?;
    cart::change_line(
        &state,
        context::cart_owner(&state).await?,
        &sku,
        cart::Change::Set(quantity),
    )
    .await
}

#[server(prefix = "/api", endpoint = "cart/remove")]
pub async fn remove_cart_line(sku: String) -> Result<CartView, AppError> {
    use crate::server::{cart, context};
    let sku = crate::domain::sku::Sku::parse(&sku)?;
    let state = context::state()?;
    cart::remove_line(&state, context::cart_owner(&state).await?, &sku).await
}

/// The cart forms' two fields, parsed. Shared with the browser, which runs it before sending for instant feedback.
pub fn parse_line(
    sku: &str,
    quantity: &str,
) -> Result<(crate::domain::sku::Sku, crate::domain::quantity::Quantity), AppError> {
    use crate::domain::{quantity::Quantity, sku::Sku, DomainError};
    let sku = Sku::parse(sku)?;
    let quantity = quantity
        .trim()
        .parse::<i64>()
        .map_err(|_| DomainError::Quantity { max: Quantity::MAX })
        .and_then(Quantity::parse)?;
    Ok((sku, quantity))
}
