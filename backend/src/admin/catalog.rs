//! The catalog for staff: the product list (staff and admins), the product form's data (staff and admins) and
//! its save (admins). A save is one transaction: the product row is locked and its version checked first, so of
//! two people saving the same product the second is told to reload, and nothing either typed is half-written.

use super::{like_pattern, unique_constraint, Staff};
use crate::db::product as db;
use crate::db::stock as stock_db;
use crate::domain::account::Role;
use crate::domain::admin::catalog::{
    AdminImage, Choice, ProductDetails, ProductEditor, ProductFilter, ProductList, ProductStatus,
    ProductSummary, VariantDetails,
};
use crate::domain::admin::product_form::{ProductInput, VariantInput};
use crate::domain::money::Money;
use crate::domain::DomainError;
use crate::error::AppError;
use crate::{AppState, OrInternal};
use serde_json::json;
use sqlx::PgConnection;

/// Products on one page of the list.
pub const PAGE_SIZE: i64 = 50;

fn status(raw: &str) -> Result<ProductStatus, AppError> {
    ProductStatus::from_db(raw).ok_or(AppError::Internal)
}

fn choices(rows: Vec<db::ChoiceRow>) -> Vec<Choice> {
    rows.into_iter()
        .map(|r| Choice {
            id: r.id,
            name: r.name,
        })
        .collect()
}

/// One page of products. Staff and admins.
pub async fn list(
    state: &AppState,
    staff: &Staff,
    filter: &ProductFilter,
) -> Result<ProductList, AppError> {
    staff.require(Role::Staff)?;
    let name_like = filter
        .q
        .as_deref()
        .map(|q| like_pattern("%", &q.to_lowercase(), "%"));
    let sku_like = filter
        .q
        .as_deref()
        .map(|q| like_pattern("", &q.to_uppercase(), "%"));
    let query = db::ListQuery {
        name_like: name_like.as_deref(),
        sku_like: sku_like.as_deref(),
        category_id: filter.category_id,
        status: filter.status.map(ProductStatus::as_db),
        stock: filter.stock.map(|s| s.as_str()),
        after: filter.after,
        limit: PAGE_SIZE + 1,
    };
    let mut tx = state.begin("starting the product list").await?;
    // As for orders: a plan made for each call's values, so each filter uses the index that suits it.
    sqlx::query("set local plan_cache_mode = force_custom_plan")
        .execute(&mut *tx)
        .await
        .or_internal("planning the product list")?;
    let mut rows = db::list(&mut tx, &query)
        .await
        .or_internal("listing products")?;
    let categories = db::categories(&mut tx)
        .await
        .or_internal("listing categories")?;
    tx.commit().await.or_internal("ending the product list")?;
    let next = (rows.len() as i64 > PAGE_SIZE).then(|| {
        rows.truncate(PAGE_SIZE as usize);
        rows.last().map(|r| r.product_id)
    });
    let products = rows
        .into_iter()
        .map(|r| {
            Ok(ProductSummary {
                status: status(&r.status)?,
                price_from: Money::new(r.price_min_minor, crate::catalog::currency(&r.currency)?),
                product_id: r.product_id,
                name: r.name,
                slug: r.slug,
                category: r.category,
                variants: r.variants,
                skus: r.skus.unwrap_or_default(),
                available: r.available,
                updated_at: r.updated_at.to_rfc3339(),
            })
        })
        .collect::<Result<_, AppError>>()?;
    Ok(ProductList {
        products,
        next: next.flatten(),
        categories: choices(categories),
    })
}

/// The product form's data: the product (`None`: a new one) and what it can be filed under. Staff and admins.
pub async fn editor(
    state: &AppState,
    staff: &Staff,
    product_id: Option<i64>,
) -> Result<ProductEditor, AppError> {
    staff.require(Role::Staff)?;
    let mut conn = state.conn("connecting for the product form").await?;
    let product = match product_id {
        None => None,
        Some(id) => Some(details(&mut conn, id).await?.ok_or(AppError::NotFound)?),
    };
    let categories = db::categories(&mut conn)
        .await
        .or_internal("listing categories")?;
    let collections = db::collections(&mut conn)
        .await
        .or_internal("listing collections")?;
    Ok(ProductEditor {
        product,
        categories: choices(categories),
        collections: choices(collections),
        currency: state.config.currency,
    })
}

async fn details(conn: &mut PgConnection, id: i64) -> Result<Option<ProductDetails>, AppError> {
    let Some(p) = db::get(conn, id).await.or_internal("reading a product")? else {
        return Ok(None);
    };
    let currency = crate::catalog::currency(&p.currency)?;
    let options = db::option_names(conn, id)
        .await
        .or_internal("reading option names")?;
    let variants = db::variants(conn, id)
        .await
        .or_internal("reading variants")?
        .into_iter()
        .map(|v| VariantDetails {
            values: options
                .iter()
                .map(|o| {
                    v.options
                        .get(o)
                        .and_then(|x| x.as_str())
                        .unwrap_or_default()
                        .to_string()
                })
                .collect(),
            variant_id: v.variant_id,
            sku: v.sku,
            price: Money::new(v.price_minor, currency),
            compare_at: v.compare_at_minor.map(|m| Money::new(m, currency)),
            low_stock_threshold: v.low_stock_threshold,
            on_hand: i64::from(v.stock_on_hand),
            ordered: v.ordered,
        })
        .collect();
    let collection_ids = db::collection_ids(conn, id)
        .await
        .or_internal("reading collections")?;
    let images = crate::db::image::list(conn, id)
        .await
        .or_internal("reading images")?
        .into_iter()
        .map(|i| AdminImage {
            image_id: i.product_image_id,
            url: i.url,
            alt: i.alt,
            width: u32::try_from(i.width).unwrap_or(1),
            height: u32::try_from(i.height).unwrap_or(1),
            srcset: i.srcset,
        })
        .collect();
    Ok(Some(ProductDetails {
        status: status(&p.status)?,
        product_id: p.product_id,
        version: p.version,
        name: p.name,
        slug: p.slug,
        description: p.description,
        category_id: p.category_id,
        collection_ids,
        options,
        variants,
        images,
    }))
}

fn variant_error(row: usize, message: impl Into<String>) -> AppError {
    DomainError::Variant {
        row,
        message: message.into(),
    }
    .into()
}

/// Creates or changes a product with its options, variants and collections; returns it as saved. Admins.
#[tracing::instrument(skip_all, fields(product = ?input.product_id, by = staff.session.customer_id))]
pub async fn save(
    state: &AppState,
    staff: &Staff,
    input: &ProductInput,
) -> Result<ProductDetails, AppError> {
    staff.require(Role::Admin)?;
    let mut tx = state.begin("starting a product save").await?;
    let (category, collections) = db::known(&mut tx, input.category_id, &input.collection_ids)
        .await
        .or_internal("checking a product's category")?;
    if !category {
        return Err(AppError::invalid(
            "category",
            "Choose a category from the list.",
        ));
    }
    if collections != input.collection_ids.len() as i64 {
        return Err(AppError::invalid(
            "collections",
            "Choose collections from the list.",
        ));
    }
    let before = match (input.product_id, input.version) {
        (Some(id), Some(version)) => {
            let current = db::lock(&mut tx, id)
                .await
                .or_internal("locking a product")?
                .ok_or(AppError::NotFound)?;
            if current != version {
                return Err(AppError::Conflict {
                    message: "Someone else changed this product since you opened it. Reload the page to see \
                              their changes, then make yours again."
                        .into(),
                });
            }
            details(&mut tx, id).await?
        }
        _ => None,
    };
    let fields = db::NewProduct {
        category_id: input.category_id,
        slug: input.slug.as_str(),
        name: &input.name,
        description: &input.description,
        status: input.status.as_db(),
        currency: state.config.currency.code(),
    };
    let written = match input.product_id {
        Some(id) => db::update(&mut tx, id, &fields).await.map(|_| id),
        None => db::insert(&mut tx, &fields).await,
    };
    let product_id = written.map_err(|e| match unique_constraint(&e) {
        Some("product_slug_key") => AppError::invalid(
            "slug",
            "Another product has this web address; choose another.",
        ),
        _ => crate::internal("writing a product")(e),
    })?;
    db::set_options(&mut tx, product_id, &input.options)
        .await
        .or_internal("writing option names")?;
    db::set_collections(&mut tx, product_id, &input.collection_ids)
        .await
        .or_internal("writing collections")?;
    write_variants(
        &mut tx,
        staff,
        product_id,
        &input.variants,
        state.config.currency.code(),
    )
    .await?;
    let after = details(&mut tx, product_id)
        .await?
        .ok_or(AppError::Internal)?;
    staff
        .audit(
            &mut tx,
            if before.is_some() {
                "product.update"
            } else {
                "product.create"
            },
            "product",
            &product_id.to_string(),
            before.map(|b| json!(b)),
            Some(json!(after)),
        )
        .await?;
    tx.commit().await.or_internal("committing a product save")?;
    tracing::info!(product_id, version = after.version, "product saved");
    Ok(after)
}

/// Deletes, then changes, then adds (so a SKU freed by a deleted variant can be given to a new one).
async fn write_variants(
    tx: &mut PgConnection,
    staff: &Staff,
    product_id: i64,
    variants: &[VariantInput],
    currency: &str,
) -> Result<(), AppError> {
    let named: Vec<i64> = variants.iter().filter_map(|v| v.variant_id).collect();
    let missing = db::others(tx, product_id, &named)
        .await
        .or_internal("checking a product's variants")?;
    if missing > 0 {
        return Err(AppError::Conflict {
            message: "The form does not list all of this product's variants. Reload the page and try again.".into(),
        });
    }
    let rows = || variants.iter().enumerate().map(|(i, v)| (i + 1, v));
    for (row, v) in rows().filter(|(_, v)| v.remove) {
        let Some(id) = v.variant_id else { continue };
        match db::delete_variant(tx, product_id, id)
            .await
            .or_internal("deleting a variant")?
        {
            db::Deleted::Done => {}
            db::Deleted::Ordered => {
                return Err(variant_error(
                    row,
                    "it has been ordered, so it stays for those orders. Archive the product to stop selling it.",
                ))
            }
            db::Deleted::Unknown => {
                return Err(variant_error(row, "it is not one of this product's; reload the page."))
            }
        }
    }
    let kept: Vec<_> = rows().filter(|(_, v)| !v.remove).collect();
    for new in [false, true] {
        for &(row, v) in kept.iter().filter(|(_, v)| v.variant_id.is_none() == new) {
            let options: serde_json::Map<String, serde_json::Value> = v
                .options
                .iter()
                .map(|(k, x)| (k.clone(), json!(x)))
                .collect();
            let write = db::VariantWrite {
                sku: v.sku.as_str(),
                options: serde_json::Value::Object(options),
                price_minor: v.price_minor,
                compare_at_minor: v.compare_at_minor,
                low_stock_threshold: v.low_stock_threshold,
                position: row as i32,
            };
            let written = match v.variant_id {
                Some(id) => db::update_variant(tx, product_id, id, &write).await,
                None => db::insert_variant(tx, product_id, currency, &write)
                    .await
                    .map(|_| true),
            };
            match written {
                Ok(true) => {}
                Ok(false) => {
                    return Err(variant_error(
                        row,
                        "it is not one of this product's; reload the page.",
                    ))
                }
                Err(e) if unique_constraint(&e) == Some("variant_sku_key") => {
                    return Err(variant_error(
                        row,
                        format!("SKU {} belongs to another product.", v.sku.as_str()),
                    ))
                }
                Err(e) => return Err(crate::internal("writing a variant")(e)),
            }
            if v.opening_stock > 0 {
                stock_db::adjust(
                    tx,
                    v.sku.as_str(),
                    v.opening_stock,
                    "received",
                    staff.session.customer_id,
                    Some("opening stock"),
                )
                .await
                .or_internal("booking opening stock")?;
            }
        }
    }
    Ok(())
}
