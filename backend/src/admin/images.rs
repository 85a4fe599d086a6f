//! Product images for admins: add one (decoded, re-encoded in the shop's widths, stored in the media store, then
//! recorded with its alt text and `srcset`), or remove one. Files are written before the row that names them and
//! removed after the row is gone, so a page never names a missing file; a failure in between leaves at most an
//! unnamed file behind, never a broken image.

use super::Staff;
use crate::db::image as db;
use crate::db::product as product_db;
use crate::domain::account::Role;
use crate::domain::admin::catalog::parse_alt;
use crate::error::AppError;
use crate::images::{self, ImageError};
use crate::{AppState, OrInternal};
use serde_json::json;

/// The most images one product may have.
pub const MAX_PER_PRODUCT: i64 = crate::domain::admin::catalog::MAX_IMAGES as i64;

fn refused(e: ImageError) -> AppError {
    AppError::invalid("file", e.to_string())
}

/// Adds an image to a product. Admins.
#[tracing::instrument(skip_all, fields(product_id = product_id, bytes = bytes.len(), by = staff.session.customer_id))]
pub async fn add(
    state: &AppState,
    staff: &Staff,
    product_id: i64,
    alt: &str,
    bytes: Vec<u8>,
) -> Result<i64, AppError> {
    staff.require(Role::Admin)?;
    let alt = parse_alt(alt)?;
    let alt = alt.as_str();
    {
        let mut conn = state.conn("connecting for an image").await?;
        let count = db::list(&mut conn, product_id)
            .await
            .or_internal("counting a product's images")?
            .len() as i64;
        product_db::get(&mut conn, product_id)
            .await
            .or_internal("reading a product")?
            .ok_or(AppError::NotFound)?;
        if count >= MAX_PER_PRODUCT {
            return Err(AppError::invalid(
                "file",
                format!("A product has at most {MAX_PER_PRODUCT} images; remove one first."),
            ));
        }
    }
    if bytes.is_empty() {
        return Err(AppError::invalid("file", "Choose an image file."));
    }
    let processed = tokio::task::spawn_blocking(move || images::process(&bytes))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "image processing stopped");
            AppError::Internal
        })?
        .map_err(refused)?;
    let stem = uuid::Uuid::new_v4().simple().to_string();
    let mut keys = Vec::with_capacity(processed.renditions.len());
    let mut urls = Vec::with_capacity(processed.renditions.len());
    for r in processed.renditions {
        let key = format!("products/{product_id}/{}-{}.jpg", &stem[..16], r.width);
        state
            .media
            .put(&key, "image/jpeg", r.jpeg)
            .await
            .map_err(|e| {
                tracing::error!(error = %e, key, "storing an image");
                AppError::Unavailable
            })?;
        urls.push((state.media.url(&key), r.width));
        keys.push(key);
    }
    // The `src` for browsers without `srcset`: the 640-pixel one (or the widest when smaller).
    let src = urls
        .iter()
        .find(|(_, w)| *w == 640)
        .or(urls.last())
        .map(|(u, _)| u.clone())
        .ok_or(AppError::Internal)?;
    let srcset = images::srcset(&urls);
    let written = async {
        let mut tx = state.begin("starting an image").await?;
        // The product's row lock orders this with saves and other uploads of the same product.
        product_db::lock(&mut tx, product_id)
            .await
            .or_internal("locking a product")?
            .ok_or(AppError::NotFound)?;
        if db::list(&mut tx, product_id)
            .await
            .or_internal("counting a product's images")?
            .len() as i64
            >= MAX_PER_PRODUCT
        {
            return Err(AppError::invalid(
                "file",
                format!("A product has at most {MAX_PER_PRODUCT} images; remove one first."),
            ));
        }
        let id = db::insert(
            &mut tx,
            &db::NewImage {
                product_id,
                url: &src,
                alt,
                width: processed.width as i32,
                height: processed.height as i32,
                srcset: &srcset,
                keys: &keys,
            },
        )
        .await
        .or_internal("recording an image")?;
        staff
            .audit(
                &mut tx,
                "image.add",
                "product",
                &product_id.to_string(),
                None,
                Some(json!({ "image_id": id, "alt": alt, "url": src, "srcset": srcset })),
            )
            .await?;
        tx.commit().await.or_internal("committing an image")?;
        Ok(id)
    }
    .await;
    if written.is_err() {
        for key in &keys {
            if let Err(e) = state.media.delete(key).await {
                tracing::warn!(error = %e, key, "an image file of a refused upload stays behind");
            }
        }
    }
    let id = written?;
    tracing::info!(product_id, image_id = id, "image added");
    Ok(id)
}

/// Removes one of a product's images, then its files. Admins.
#[tracing::instrument(skip_all, fields(product_id = product_id, image_id = image_id, by = staff.session.customer_id))]
pub async fn remove(
    state: &AppState,
    staff: &Staff,
    product_id: i64,
    image_id: i64,
) -> Result<(), AppError> {
    staff.require(Role::Admin)?;
    let mut tx = state.begin("starting an image removal").await?;
    let keys = db::delete(&mut tx, product_id, image_id)
        .await
        .or_internal("removing an image")?
        .ok_or(AppError::NotFound)?;
    staff
        .audit(
            &mut tx,
            "image.remove",
            "product",
            &product_id.to_string(),
            Some(json!({ "image_id": image_id, "keys": keys })),
            None,
        )
        .await?;
    tx.commit()
        .await
        .or_internal("committing an image removal")?;
    for key in &keys {
        if let Err(e) = state.media.delete(key).await {
            tracing::warn!(error = %e, key, "a removed image's file stays behind");
        }
    }
    Ok(())
}
