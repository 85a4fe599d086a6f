//! Categories and collections in the admin area: the tree and the list, and their forms.

use crate::domain::admin::categories::{CategoryNode, CollectionRow};
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "admin/categories")]
pub async fn get_categories() -> Result<Vec<CategoryNode>, AppError> {
    use crate::request::context;
    let state = context::state()?;
    let staff = context::staff(&state).await?;
    backend::admin::categories::tree(&state, &staff).await
}

/// Creates (blank `category_id`) or changes a category: renamed, moved under `parent` (blank: top level),
/// reordered by `position`.
#[server(prefix = "/api", endpoint = "admin/category/save")]
pub async fn save_category(
    #[server(default)] category_id: String,
    #[server(default)] parent: String,
    name: String,
    #[server(default)] slug: String,
    #[server(default)] description: String,
    #[server(default)] position: String,
) -> Result<i64, AppError> {
    use crate::domain::admin::categories::CategoryInput;
    use crate::request::context;
    let state = context::state()?;
    let staff = context::staff(&state).await?;
    let input = CategoryInput::parse(&category_id, &parent, &name, &slug, &description, &position)?;
    let id = backend::admin::categories::save(&state, &staff, &input).await?;
    context::redirect_back_with("saved", &format!("c{id}"), &format!("category-{id}"));
    Ok(id)
}

#[server(prefix = "/api", endpoint = "admin/category/delete")]
pub async fn delete_category(category_id: String) -> Result<(), AppError> {
    use crate::domain::admin::categories::parse_id;
    use crate::request::context;
    let state = context::state()?;
    let staff = context::staff(&state).await?;
    let id = parse_id(&category_id, "category_id")?;
    backend::admin::categories::delete(&state, &staff, id).await?;
    context::redirect_back_with("deleted", &format!("c{id}"), "categories");
    Ok(())
}

#[server(prefix = "/api", endpoint = "admin/collections")]
pub async fn get_collections() -> Result<Vec<CollectionRow>, AppError> {
    use crate::request::context;
    let state = context::state()?;
    let staff = context::staff(&state).await?;
    backend::admin::collections::list(&state, &staff).await
}

/// Creates (blank `collection_id`) or changes a collection; `featured` ticked shows it on the home page.
#[server(prefix = "/api", endpoint = "admin/collection/save")]
pub async fn save_collection(
    #[server(default)] collection_id: String,
    name: String,
    #[server(default)] slug: String,
    #[server(default)] description: String,
    #[server(default)] featured: String,
    #[server(default)] position: String,
) -> Result<i64, AppError> {
    use crate::domain::admin::categories::CollectionInput;
    use crate::request::context;
    let state = context::state()?;
    let staff = context::staff(&state).await?;
    let input = CollectionInput::parse(
        &collection_id,
        &name,
        &slug,
        &description,
        &featured,
        &position,
    )?;
    let id = backend::admin::collections::save(&state, &staff, &input).await?;
    context::redirect_back_with("saved", &format!("k{id}"), &format!("collection-{id}"));
    Ok(id)
}

#[server(prefix = "/api", endpoint = "admin/collection/delete")]
pub async fn delete_collection(collection_id: String) -> Result<(), AppError> {
    use crate::domain::admin::categories::parse_id;
    use crate::request::context;
    let state = context::state()?;
    let staff = context::staff(&state).await?;
    let id = parse_id(&collection_id, "collection_id")?;
    backend::admin::collections::delete(&state, &staff, id).await?;
    context::redirect_back_with("deleted", &format!("k{id}"), "collections");
    Ok(())
}
