// Listing and search server functions take one argument per query parameter of their page, as the page URL
// carries them.
#![allow(clippy::too_many_arguments)]

use crate::domain::catalog::{CategoryLink, CategoryPage, HomeView, ProductDetail, Suggestions};
use crate::domain::results::{CollectionPage, SearchPage};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

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

/// The query parameters of the category page, passed through as the shopper typed them. `o` holds the option
/// filters (`Size:M`), one per line.
#[server(prefix = "/api", endpoint = "category")]
pub async fn get_category(
    slug: String,
    sort: Option<String>,
    after: Option<String>,
    #[server(default)] price: Option<String>,
    #[server(default)] o: Option<String>,
    #[server(default)] in_stock: Option<String>,
    #[server(default)] on_sale: Option<String>,
) -> Result<CategoryPage, AppError> {
    use crate::domain::listing::SortOrder;
    use crate::domain::slug::Slug;
    let slug = Slug::parse(&slug).map_err(|_| AppError::NotFound)?;
    let sort = SortOrder::parse(sort.as_deref())?;
    let filters = parse_filters(None, price, o, in_stock, on_sale)?;
    let state = crate::request::context::state()?;
    backend::search::listing::category_page(&state, &slug, sort, filters, after).await
}

/// A collection's page, with the parameters of [`search_products`] but `q`.
#[server(prefix = "/api", endpoint = "collection")]
pub async fn get_collection(
    slug: String,
    sort: Option<String>,
    after: Option<String>,
    #[server(default)] category: Option<String>,
    #[server(default)] price: Option<String>,
    #[server(default)] o: Option<String>,
    #[server(default)] in_stock: Option<String>,
    #[server(default)] on_sale: Option<String>,
) -> Result<CollectionPage, AppError> {
    use crate::domain::search::SearchSort;
    use crate::domain::slug::Slug;
    let slug = Slug::parse(&slug).map_err(|_| AppError::NotFound)?;
    let sort = SearchSort::parse(sort.as_deref())?;
    let filters = parse_filters(category, price, o, in_stock, on_sale)?;
    let state = crate::request::context::state()?;
    backend::search::collection::collection_page(&state, &slug, sort, filters, after).await
}

/// The search page: `q` as typed, the filters of [`get_category`] plus `category` (a slug).
#[server(prefix = "/api", endpoint = "search")]
pub async fn search_products(
    q: Option<String>,
    sort: Option<String>,
    after: Option<String>,
    #[server(default)] category: Option<String>,
    #[server(default)] price: Option<String>,
    #[server(default)] o: Option<String>,
    #[server(default)] in_stock: Option<String>,
    #[server(default)] on_sale: Option<String>,
) -> Result<SearchPage, AppError> {
    use crate::domain::search::{SearchSort, SearchText};
    let text = SearchText::parse(q.as_deref().unwrap_or_default())?;
    let sort = SearchSort::parse(sort.as_deref())?;
    let filters = parse_filters(category, price, o, in_stock, on_sale)?;
    let state = crate::request::context::state()?;
    backend::search::page::search_page(&state, text, filters, sort, after).await
}

/// Suggestions as the shopper types: a few product names and categories.
#[server(prefix = "/api", endpoint = "suggest", input = GetUrl)]
pub async fn suggest(q: String) -> Result<Suggestions, AppError> {
    use crate::domain::search::SearchText;
    let Some(text) = SearchText::parse(&q)? else {
        return Ok(Suggestions::default());
    };
    let state = crate::request::context::state()?;
    let shopper = crate::request::cookies::rollout_key(&crate::request::context::headers());
    if !state.flags.is_on(
        crate::domain::flags::Flag::SearchSuggestions,
        shopper.as_deref(),
    ) {
        // Answered from memory: no database work. The search box shows nothing and stays a plain search form.
        return Ok(Suggestions::default());
    }
    let (products, categories) = backend::search::page::suggestions(&state, &text, 6).await?;
    Ok(Suggestions {
        products: products
            .into_iter()
            .map(|p| CategoryLink {
                slug: p.slug,
                name: p.name,
            })
            .collect(),
        categories,
    })
}

#[cfg(feature = "ssr")]
fn parse_filters(
    category: Option<String>,
    price: Option<String>,
    o: Option<String>,
    in_stock: Option<String>,
    on_sale: Option<String>,
) -> Result<crate::domain::search::Filters, AppError> {
    let options: Vec<String> = o.unwrap_or_default().lines().map(str::to_string).collect();
    Ok(crate::domain::search::Filters::parse(
        category.as_deref(),
        price.as_deref(),
        &options,
        in_stock.as_deref(),
        on_sale.as_deref(),
    )?)
}

#[server(prefix = "/api", endpoint = "product")]
pub async fn get_product(slug: String) -> Result<ProductDetail, AppError> {
    let slug = crate::domain::slug::Slug::parse(&slug).map_err(|_| AppError::NotFound)?;
    let state = crate::request::context::state()?;
    backend::catalog::product(&state, &slug).await
}
