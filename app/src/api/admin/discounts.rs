//! Discount codes in the admin area: the list, the form, and ending a code now.

// The save takes each form field as an argument (so a plain HTML form posts it); the macro's browser stub
// repeats them.
#![allow(clippy::too_many_arguments)]

use crate::domain::admin::discounts::DiscountView;
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "admin/discounts")]
pub async fn list_discounts() -> Result<Vec<DiscountView>, AppError> {
    use crate::request::context;
    let state = context::state()?;
    let staff = context::staff(&state).await?;
    backend::admin::discounts::list(&state, &staff).await
}

/// Creates (blank `discount_id`) or changes a code. `kind` is `percent` (amount `10` or `12.5`) or `fixed`
/// (amount `5.00`); days are `YYYY-MM-DD` in UTC, both included; blank limits are no limit.
#[server(prefix = "/api", endpoint = "admin/discount/save")]
pub async fn save_discount(
    #[server(default)] discount_id: String,
    code: String,
    kind: String,
    amount: String,
    #[server(default)] min_subtotal: String,
    #[server(default)] first_day: String,
    #[server(default)] last_day: String,
    #[server(default)] usage_limit: String,
    #[server(default)] per_customer_limit: String,
) -> Result<DiscountView, AppError> {
    use crate::domain::admin::discounts::DiscountInput;
    use crate::request::context;
    let state = context::state()?;
    let staff = context::staff(&state).await?;
    let input = DiscountInput::parse(
        &discount_id,
        &code,
        &kind,
        &amount,
        &min_subtotal,
        &first_day,
        &last_day,
        &usage_limit,
        &per_customer_limit,
        state.config.currency,
    )?;
    let saved = backend::admin::discounts::save(&state, &staff, &input).await?;
    if context::is_plain_form_post() {
        leptos_axum::redirect(&format!("/admin/discounts?saved={}#discounts", saved.code));
    }
    Ok(saved)
}

#[server(prefix = "/api", endpoint = "admin/discount/end")]
pub async fn end_discount(discount_id: String) -> Result<DiscountView, AppError> {
    use crate::request::context;
    let state = context::state()?;
    let staff = context::staff(&state).await?;
    let id = discount_id
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::NotFound)?;
    let ended = backend::admin::discounts::end(&state, &staff, id).await?;
    context::redirect_back_with("ended", &ended.code, "discounts");
    Ok(ended)
}
