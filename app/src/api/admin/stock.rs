//! Stock in the admin area: adjust by hand, one variant's ledger, low and sold-out lists.

use crate::domain::admin::stock::{StockLevel, StockReport, VariantStock};
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "admin/stock/adjust")]
pub async fn adjust_stock(
    sku: String,
    delta: String,
    reason: String,
    #[server(default)] note: String,
) -> Result<StockLevel, AppError> {
    use crate::domain::admin::stock::StockAdjustment;
    use crate::request::context;
    let state = context::state()?;
    let staff = context::staff(&state).await?;
    let adjustment = StockAdjustment::parse(&sku, &delta, &reason, &note)?;
    let level = backend::admin::stock::adjust(&state, &staff, &adjustment).await?;
    context::redirect_back_with("sku", &level.sku, "adjust");
    Ok(level)
}

#[server(prefix = "/api", endpoint = "admin/stock/variant")]
pub async fn get_variant_stock(sku: String) -> Result<VariantStock, AppError> {
    use crate::domain::sku::Sku;
    use crate::request::context;
    let state = context::state()?;
    let staff = context::staff(&state).await?;
    let sku = Sku::parse(&sku)?;
    backend::admin::stock::variant(&state, &staff, sku.as_str()).await
}

#[server(prefix = "/api", endpoint = "admin/stock")]
pub async fn get_stock_report() -> Result<StockReport, AppError> {
    use crate::request::context;
    let state = context::state()?;
    let staff = context::staff(&state).await?;
    backend::admin::stock::report(&state, &staff).await
}
