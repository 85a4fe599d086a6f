//! A product's pictures in the admin area: add one (a plain multipart form: it works without JavaScript) or
//! remove one. Both send a plain form post back to the product's page, at its images.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};

/// The upload's endpoint, for the form's `action` and for reading its error back from the page's query.
pub const ADD_IMAGE_PATH: &str = "/api/admin/product/image";
/// The removal's endpoint.
pub const REMOVE_IMAGE_PATH: &str = "/api/admin/product/image/remove";

/// Takes the form's `product_id`, `alt` and `file` fields; answers the new image's id.
#[server(prefix = "/api", endpoint = "admin/product/image", input = MultipartFormData)]
pub async fn add_image(data: MultipartData) -> Result<i64, AppError> {
    use crate::request::context;
    use backend::images::MAX_BYTES;
    let state = context::state()?;
    let staff = context::staff(&state).await?;
    let cut = || AppError::invalid("file", "The upload did not arrive whole; try again.");
    let mut multipart = data.into_inner().ok_or(AppError::Internal)?;
    let (mut product_id, mut alt, mut file) = (None, String::new(), Vec::new());
    while let Some(mut field) = multipart.next_field().await.map_err(|_| cut())? {
        match field.name() {
            Some("product_id") => {
                let text = field.text().await.map_err(|_| cut())?;
                product_id = Some(text.trim().parse::<i64>().map_err(|_| AppError::NotFound)?);
            }
            Some("alt") => alt = field.text().await.map_err(|_| cut())?,
            Some("file") => {
                while let Some(chunk) = field.chunk().await.map_err(|_| cut())? {
                    if file.len() + chunk.len() > MAX_BYTES {
                        return Err(AppError::invalid(
                            "file",
                            backend::images::ImageError::TooLarge.to_string(),
                        ));
                    }
                    file.extend_from_slice(&chunk);
                }
            }
            _ => {}
        }
    }
    let product_id = product_id.ok_or(AppError::NotFound)?;
    let id = backend::admin::images::add(&state, &staff, product_id, &alt, file).await?;
    if context::is_plain_form_post() {
        leptos_axum::redirect(&format!("/admin/products/{product_id}#images"));
    }
    Ok(id)
}

#[server(prefix = "/api", endpoint = "admin/product/image/remove")]
pub async fn remove_image(product_id: String, image_id: String) -> Result<(), AppError> {
    use crate::request::context;
    let state = context::state()?;
    let staff = context::staff(&state).await?;
    let parse = |raw: &str| raw.trim().parse::<i64>().map_err(|_| AppError::NotFound);
    let product_id = parse(&product_id)?;
    backend::admin::images::remove(&state, &staff, product_id, parse(&image_id)?).await?;
    if context::is_plain_form_post() {
        leptos_axum::redirect(&format!("/admin/products/{product_id}#images"));
    }
    Ok(())
}
