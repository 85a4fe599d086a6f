use crate::domain::catalog::{CategoryLink, CategoryPage, HomeView, ProductDetail};
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "home")]
pub async fn get_home() -> Result<HomeView, AppError> {
    let state = crate::request::context::state()?;
    backend::catalog::home(&state).await
}

#[server(prefix = "/api", endpoint = "categories")]
pub async fn list_top_categories() -> Result<Vec<CategoryLink>, AppError> {
    let state = crate::request::context::state()?;
    backend::catalog::top_categories(&state).await
}

/// `sort` and `after` are the query parameters of the category page, passed through as the shopper typed them.
#[server(prefix = "/api", endpoint = "category")]
pub async fn get_category(
    slug: String,
    sort: Option<String>,
    after: Option<String>,
) -> Result<CategoryPage, AppError> {
    use crate::domain::listing::{Cursor, SortOrder};
    use crate::domain::slug::Slug;
    let slug = Slug::parse(&slug).map_err(|_| AppError::NotFound)?;
    let sort = SortOrder::parse(sort.as_deref())?;
    let after = after
        .filter(|a| !a.is_empty())
        .map(|a| Cursor::parse(&a, sort))
        .transpose()?;
    let state = crate::request::context::state()?;
    backend::catalog::category_page(&state, &slug, sort, after).await
}

#[server(prefix = "/api", endpoint = "product")]
pub async fn get_product(slug: String) -> Result<ProductDetail, AppError> {
    let slug = crate::domain::slug::Slug::parse(&slug).map_err(|_| AppError::NotFound)?;
    let state = crate::request::context::state()?;
    backend::catalog::product(&state, &slug).await
}
