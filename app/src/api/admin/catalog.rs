//! The catalog in the admin area: the product list, the product form's data, and its save.

// The save takes each form field as an argument (so a plain HTML form posts it); the macro's browser stub
// repeats them.
#![allow(clippy::too_many_arguments)]

use crate::domain::admin::catalog::{ProductDetails, ProductEditor, ProductList};
use crate::domain::admin::product_form::VariantForm;
use crate::error::AppError;
use leptos::prelude::*;
use std::collections::BTreeMap;

/// A page of products, newest first; every filter is optional (an empty string is no filter).
#[server(prefix = "/api", endpoint = "admin/products")]
pub async fn list_products(
    #[server(default)] q: String,
    #[server(default)] category: String,
    #[server(default)] status: String,
    #[server(default)] stock: String,
    #[server(default)] after: String,
) -> Result<ProductList, AppError> {
    use crate::domain::admin::catalog::ProductFilter;
    use crate::request::context;
    let state = context::state()?;
    let staff = context::staff(&state).await?;
    let filter = ProductFilter::parse(&q, &category, &status, &stock, &after)?;
    backend::admin::catalog::list(&state, &staff, &filter).await
}

/// The product form's data; a blank `product_id` is a new product.
#[server(prefix = "/api", endpoint = "admin/product")]
pub async fn get_product_editor(
    #[server(default)] product_id: String,
) -> Result<ProductEditor, AppError> {
    use crate::request::context;
    let state = context::state()?;
    let staff = context::staff(&state).await?;
    let id = match product_id.trim() {
        "" => None,
        raw => Some(raw.parse::<i64>().map_err(|_| AppError::NotFound)?),
    };
    backend::admin::catalog::editor(&state, &staff, id).await
}

/// Creates (blank `product_id`) or changes a product. `version` is the one the form was opened at; variant rows
/// come as `variants[i][sku]`, `variants[i][price]`, …, collections as `collections[c<id>]=on`.
#[server(prefix = "/api", endpoint = "admin/product/save")]
pub async fn save_product(
    #[server(default)] product_id: String,
    #[server(default)] version: String,
    name: String,
    #[server(default)] slug: String,
    #[server(default)] description: String,
    category: String,
    status: String,
    #[server(default)] options: String,
    #[server(default)] collections: BTreeMap<String, String>,
    #[server(default)] variants: Vec<VariantForm>,
) -> Result<ProductDetails, AppError> {
    use crate::domain::admin::product_form::{ProductForm, ProductInput};
    use crate::request::context;
    let state = context::state()?;
    let staff = context::staff(&state).await?;
    let form = ProductForm {
        product_id,
        version,
        name,
        slug,
        description,
        category,
        status,
        options,
        collections,
        variants,
    };
    let input = ProductInput::parse(&form, state.config.currency)?;
    let saved = backend::admin::catalog::save(&state, &staff, &input).await?;
    if context::is_plain_form_post() {
        leptos_axum::redirect(&format!(
            "/admin/products/{}?saved={}",
            saved.product_id, saved.version
        ));
    }
    Ok(saved)
}
