//! Bulk files in the admin area: upload a product or stock CSV (a plain multipart form: it works without
//! JavaScript), and read an import's progress and the latest imports. Downloads (CSV exports) are plain GET
//! routes of the server, as a file download is not a server function's typed answer.

use crate::domain::admin::imports::{ImportList, ImportView};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};

/// The upload's endpoint, for the form's `action` and for reading its error back from the page's query.
pub const IMPORT_PATH: &str = "/api/admin/import";

/// Takes the form's `kind` (`products` or `stock`) and `file` fields; on success a plain form post is sent to the
/// import's page, and a script gets the import's id.
#[server(prefix = "/api", endpoint = "admin/import", input = MultipartFormData)]
pub async fn start_import(data: MultipartData) -> Result<i64, AppError> {
    use crate::domain::admin::imports::{ImportKind, MAX_FILE_BYTES};
    use crate::request::context;
    let state = context::state()?;
    let staff = context::staff(&state).await?;
    let cut = || AppError::invalid("file", "The upload did not arrive whole; try again.");
    let mut multipart = data.into_inner().ok_or(AppError::Internal)?;
    let mut kind = None;
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(mut field) = multipart.next_field().await.map_err(|_| cut())? {
        match field.name() {
            Some("kind") => {
                let text = field.text().await.map_err(|_| cut())?;
                kind = Some(ImportKind::from_db(&text).ok_or_else(|| {
                    AppError::invalid("kind", "Choose what the file holds: products or stock.")
                })?);
            }
            Some("file") => {
                let name = field.file_name().unwrap_or("upload.csv").to_string();
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(|_| cut())? {
                    if bytes.len() + chunk.len() > MAX_FILE_BYTES {
                        return Err(AppError::invalid(
                            "file",
                            "The file is larger than 32 MB; split it into smaller files.",
                        ));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                file = Some((name, bytes));
            }
            _ => {}
        }
    }
    let kind = kind.ok_or_else(|| {
        AppError::invalid("kind", "Choose what the file holds: products or stock.")
    })?;
    let (name, bytes) = file.unwrap_or_default();
    let id = backend::admin::imports::start(&state, &staff, kind, &name, bytes).await?;
    if context::is_plain_form_post() {
        leptos_axum::redirect(&format!("/admin/imports/{id}"));
    }
    Ok(id)
}

#[server(prefix = "/api", endpoint = "admin/imports/one")]
pub async fn get_import(id: String) -> Result<ImportView, AppError> {
    use crate::request::context;
    let state = context::state()?;
    let staff = context::staff(&state).await?;
    let id = crate::domain::admin::optional_id(&id, "id", "That import does not exist.")?
        .ok_or(AppError::NotFound)?;
    backend::admin::imports::get(&state, &staff, id).await
}

#[server(prefix = "/api", endpoint = "admin/imports")]
pub async fn get_imports() -> Result<ImportList, AppError> {
    use crate::request::context;
    let state = context::state()?;
    let staff = context::staff(&state).await?;
    backend::admin::imports::list(&state, &staff).await
}
