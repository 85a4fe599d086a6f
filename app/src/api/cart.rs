use crate::domain::cart::{CartSnapshot, CartView};
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "cart")]
pub async fn get_cart() -> Result<CartView, AppError> {
    use crate::request::context;
    use backend::cart;
    let state = context::state()?;
    cart::view(&state, context::cart_owner(&state).await?).await
}

/// The header's item count, for the cart-count island: catalog pages are shared by every shopper, so their
/// count comes from here. Never cached; in the browse lane (a page view's extra, not checkout work).
#[server(prefix = "/api", endpoint = "cart/count")]
pub async fn cart_count() -> Result<CartSnapshot, AppError> {
    use crate::request::context;
    use backend::cart;
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.insert_header(
            http::header::CACHE_CONTROL,
            http::HeaderValue::from_static("private, no-store"),
        );
    }
    let state = context::state()?;
    let view = cart::view(&state, context::cart_owner(&state).await?).await?;
    Ok(CartSnapshot {
        item_count: view.item_count,
    })
}

/// `quantity` is a string so that "abc", "-1" and "1e9" get the same clear message as 0 or 1000.
#[server(prefix = "/api", endpoint = "cart/add")]
pub async fn add_to_cart(sku: String, quantity: String) -> Result<CartView, AppError> {
    use crate::request::context;
    use backend::cart;
    let (sku, quantity) = crate::domain::cart::parse_line(&sku, &quantity)?;
    let state = context::state()?;
    let changed = cart::change_line(
        &state,
        context::cart_owner(&state).await?,
        &sku,
        cart::Change::Add(quantity),
    )
    .await?;
    // Back to the product page, which then says "Added to your cart".
    context::redirect_back_with("added", sku.as_str(), "buy");
    Ok(context::cart_changed(&state, changed))
}

#[server(prefix = "/api", endpoint = "cart/update")]
pub async fn update_cart_line(sku: String, quantity: String) -> Result<CartView, AppError> {
    use crate::request::context;
    use backend::cart;
    let (sku, quantity) = crate::domain::cart::parse_line(&sku, &quantity)?;
    let state = context::state()?;
    let changed = cart::change_line(
        &state,
        context::cart_owner(&state).await?,
        &sku,
        cart::Change::Set(quantity),
    )
    .await?;
    Ok(context::cart_changed(&state, changed))
}

#[server(prefix = "/api", endpoint = "cart/remove")]
pub async fn remove_cart_line(sku: String) -> Result<CartView, AppError> {
    use crate::request::context;
    use backend::cart;
    let sku = crate::domain::sku::Sku::parse(&sku)?;
    let state = context::state()?;
    cart::remove_line(&state, context::cart_owner(&state).await?, &sku).await
}
