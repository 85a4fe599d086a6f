//! Catalog reads for the storefront pages. All of them go to the read pool, except live stock (the primary).

use super::db::catalog::{self as db, CardRow};
use super::AppState;
use crate::domain::catalog::{
    CategoryLink, CollectionView, HomeView, Image, ProductCard, ProductDetail, StockShown,
    VariantView,
};
use crate::domain::money::{Currency, Money};
use crate::domain::slug::Slug;
use crate::error::AppError;
use crate::OrInternal;

/// Products per listing page.
pub const PAGE_SIZE: i64 = 24;
/// Products per featured collection on the home page.
pub const COLLECTION_SIZE: i64 = 8;

#[tracing::instrument(skip_all)]
pub async fn home(state: &AppState) -> Result<HomeView, AppError> {
    let pool = &state.read_pool.0;
    let featured = db::featured_collections(pool)
        .await
        .or_internal("loading featured collections")?;
    let ids: Vec<i64> = featured.iter().map(|c| c.collection_id).collect();
    let cards = db::collection_cards(pool, &ids, COLLECTION_SIZE)
        .await
        .or_internal("loading collection cards")?;
    let categories = state
        .categories
        .tree(pool)
        .await
        .or_internal("loading categories")?
        .children(None);

    let mut collections = Vec::with_capacity(featured.len());
    for c in featured {
        let products = cards
            .iter()
            .filter(|(id, _)| *id == c.collection_id)
            .map(|(_, row)| card(row.clone()))
            .collect::<Result<Vec<_>, _>>()?;
        collections.push(CollectionView {
            slug: c.slug,
            name: c.name,
            description: c.description,
            products,
        });
    }
    Ok(HomeView {
        collections,
        categories: categories
            .into_iter()
            .map(|c| CategoryLink {
                slug: c.slug,
                name: c.name,
            })
            .collect(),
    })
}

/// The top-level categories, for the header navigation.
pub async fn top_categories(state: &AppState) -> Result<Vec<CategoryLink>, AppError> {
    let rows = state
        .categories
        .tree(&state.read_pool.0)
        .await
        .or_internal("loading categories")?
        .children(None);
    Ok(rows
        .into_iter()
        .map(|c| CategoryLink {
            slug: c.slug,
            name: c.name,
        })
        .collect())
}

/// These products' stock as their pages show it, for live updates: each product's variants, by slug (unknown and
/// unpublished products are missing). Read from the primary: it follows the primary's change notifications, which
/// a standby may not have applied yet.
pub async fn stock_shown(
    state: &AppState,
    slugs: &[String],
) -> Result<Vec<(String, Vec<StockShown>)>, AppError> {
    let rows = db::stock_by_slugs(&state.pool, slugs)
        .await
        .or_internal("loading stock")?;
    let mut products: Vec<(String, Vec<StockShown>)> = Vec::new();
    for (slug, sku, available) in rows {
        let shown = StockShown::new(sku, u32::try_from(available).unwrap_or(0));
        match products.last_mut() {
            Some((last, variants)) if *last == slug => variants.push(shown),
            _ => products.push((slug, vec![shown])),
        }
    }
    Ok(products)
}

#[tracing::instrument(skip_all, fields(slug = %slug.as_str()))]
pub async fn product(state: &AppState, slug: &Slug) -> Result<ProductDetail, AppError> {
    let pool = &state.read_pool.0;
    let product = db::product_by_slug(pool, slug.as_str())
        .await
        .or_internal("loading product")?
        .ok_or(AppError::NotFound)?;
    let (variants, option_names, images) = tokio::try_join!(
        db::variants_of(pool, product.product_id),
        db::option_names_of(pool, product.product_id),
        db::images_of(pool, product.product_id),
    )
    .or_internal("loading product details")?;

    let variants = variants
        .into_iter()
        .map(|v| {
            let currency = currency(&v.currency)?;
            Ok(VariantView {
                options: ordered_options(&v.options, &option_names),
                price: Money::new(v.price_minor, currency),
                compare_at: v
                    .compare_at_minor
                    .filter(|c| *c > v.price_minor)
                    .map(|c| Money::new(c, currency)),
                available: u32::try_from(v.available).unwrap_or(0),
                sku: v.sku,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;

    Ok(ProductDetail {
        slug: product.slug,
        name: product.name,
        description: product.description,
        category: CategoryLink {
            slug: product.category_slug,
            name: product.category_name,
        },
        option_names,
        variants,
        images: images
            .into_iter()
            .map(|i| Image {
                url: i.url,
                alt: i.alt,
                width: u32::try_from(i.width).unwrap_or(1),
                height: u32::try_from(i.height).unwrap_or(1),
                srcset: i.srcset,
            })
            .collect(),
    })
}

/// A variant's option values in the product's option order; values for unknown options are dropped.
pub fn ordered_options(options: &serde_json::Value, names: &[String]) -> Vec<(String, String)> {
    names
        .iter()
        .filter_map(|name| {
            options
                .get(name)
                .and_then(|v| v.as_str())
                .map(|v| (name.clone(), v.to_string()))
        })
        .collect()
}

pub(super) fn currency(code: &str) -> Result<Currency, AppError> {
    Currency::parse(code).map_err(|_| {
        tracing::error!(code, "invalid currency code stored in the catalog");
        AppError::Internal
    })
}

pub(crate) fn card(row: CardRow) -> Result<ProductCard, AppError> {
    let currency = currency(&row.currency)?;
    let image = match (
        row.image_url,
        row.image_alt,
        row.image_width,
        row.image_height,
    ) {
        (Some(url), Some(alt), Some(w), Some(h)) => Some(Image {
            url,
            alt,
            width: u32::try_from(w).unwrap_or(1),
            height: u32::try_from(h).unwrap_or(1),
            srcset: row.image_srcset,
        }),
        _ => None,
    };
    Ok(ProductCard {
        slug: row.slug,
        name: row.name,
        price_from: Money::new(row.price_min_minor, currency),
        compare_at: row
            .compare_at_minor
            .filter(|c| *c > row.price_min_minor)
            .map(|c| Money::new(c, currency)),
        has_price_range: row.has_price_range.unwrap_or(false),
        in_stock: row.in_stock.unwrap_or(false),
        image,
    })
}
