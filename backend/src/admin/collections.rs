//! Collections for staff: list them (staff and admins); create, edit, feature, reorder and delete (admins).
//! Which products are in a collection is chosen on the product form.

use super::{unique_constraint, Staff};
use crate::db::collection as db;
use crate::domain::account::Role;
use crate::domain::admin::categories::{CollectionInput, CollectionRow};
use crate::error::AppError;
use crate::{AppState, OrInternal};
use serde_json::json;

pub async fn list(state: &AppState, staff: &Staff) -> Result<Vec<CollectionRow>, AppError> {
    staff.require(Role::Staff)?;
    let mut conn = state.conn("connecting for collections").await?;
    let rows = db::list(&mut conn)
        .await
        .or_internal("listing collections")?;
    Ok(rows
        .into_iter()
        .map(|r| CollectionRow {
            collection_id: r.collection_id,
            name: r.name,
            slug: r.slug,
            description: r.description,
            featured: r.featured,
            position: r.position,
            products: r.products,
        })
        .collect())
}

/// Creates or changes a collection; returns its id. Admins.
pub async fn save(
    state: &AppState,
    staff: &Staff,
    input: &CollectionInput,
) -> Result<i64, AppError> {
    staff.require(Role::Admin)?;
    let mut tx = state.begin("starting a collection save").await?;
    let before = match input.collection_id {
        Some(id) => Some(
            db::get(&mut tx, id)
                .await
                .or_internal("reading a collection")?
                .ok_or(AppError::NotFound)?,
        ),
        None => None,
    };
    let write = db::CollectionWrite {
        name: &input.name,
        slug: input.slug.as_str(),
        description: &input.description,
        featured: input.featured,
        position: input.position,
    };
    let written = match input.collection_id {
        Some(id) => db::update(&mut tx, id, &write).await.map(|_| id),
        None => db::insert(&mut tx, &write).await,
    };
    let id = written.map_err(|e| match unique_constraint(&e) {
        Some("collection_slug_key") => AppError::invalid(
            "slug",
            "Another collection has this web address; choose another.",
        ),
        _ => crate::internal("writing a collection")(e),
    })?;
    let after = json!({
        "name": input.name, "slug": input.slug.as_str(), "description": input.description,
        "featured": input.featured, "position": input.position,
    });
    let action = if before.is_some() {
        "collection.update"
    } else {
        "collection.create"
    };
    staff
        .audit(
            &mut tx,
            action,
            "collection",
            &id.to_string(),
            before,
            Some(after),
        )
        .await?;
    tx.commit()
        .await
        .or_internal("committing a collection save")?;
    Ok(id)
}

/// Deletes a collection; its products stay in the catalog. Admins.
pub async fn delete(state: &AppState, staff: &Staff, id: i64) -> Result<(), AppError> {
    staff.require(Role::Admin)?;
    let mut tx = state.begin("starting a collection delete").await?;
    let before = db::get(&mut tx, id)
        .await
        .or_internal("reading a collection")?
        .ok_or(AppError::NotFound)?;
    db::delete(&mut tx, id)
        .await
        .or_internal("deleting a collection")?;
    staff
        .audit(
            &mut tx,
            "collection.delete",
            "collection",
            &id.to_string(),
            Some(before),
            None,
        )
        .await?;
    tx.commit()
        .await
        .or_internal("committing a collection delete")?;
    Ok(())
}
