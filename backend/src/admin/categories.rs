//! The category tree for staff: read it (staff and admins); create, rename, move, reorder and delete (admins).
//! A move is checked against the tree under an advisory lock, so no two moves at once can make a loop.

use super::{unique_constraint, Staff};
use crate::db::category as db;
use crate::domain::account::Role;
use crate::domain::admin::categories::{CategoryInput, CategoryNode};
use crate::error::AppError;
use crate::{AppState, OrInternal};
use serde_json::json;

pub async fn tree(state: &AppState, staff: &Staff) -> Result<Vec<CategoryNode>, AppError> {
    staff.require(Role::Staff)?;
    let mut conn = state.conn("connecting for categories").await?;
    let rows = db::tree(&mut conn)
        .await
        .or_internal("reading the category tree")?;
    Ok(rows
        .into_iter()
        .map(|r| CategoryNode {
            category_id: r.category_id,
            parent_id: r.parent_id,
            name: r.name,
            slug: r.slug,
            description: r.description,
            position: r.position,
            depth: r.depth,
            products: r.products,
            children: r.children,
        })
        .collect())
}

/// Creates or changes a category; returns its id. Admins.
#[tracing::instrument(skip_all, fields(category = ?input.category_id, by = staff.session.customer_id))]
pub async fn save(state: &AppState, staff: &Staff, input: &CategoryInput) -> Result<i64, AppError> {
    staff.require(Role::Admin)?;
    let mut tx = state.begin("starting a category save").await?;
    db::lock_tree(&mut tx)
        .await
        .or_internal("locking the category tree")?;
    let before = match input.category_id {
        Some(id) => Some(
            db::get(&mut tx, id)
                .await
                .or_internal("reading a category")?
                .ok_or(AppError::NotFound)?,
        ),
        None => None,
    };
    if let Some(parent) = input.parent_id {
        let refuse = || AppError::invalid("parent", "Choose a parent category from the list.");
        if db::get(&mut tx, parent)
            .await
            .or_internal("reading a category")?
            .is_none()
        {
            return Err(refuse());
        }
        if let Some(id) = input.category_id {
            if db::in_subtree(&mut tx, id, parent)
                .await
                .or_internal("checking the category tree")?
            {
                return Err(AppError::invalid(
                    "parent",
                    "A category cannot be moved under itself or one of its own subcategories.",
                ));
            }
        }
    }
    let write = db::CategoryWrite {
        parent_id: input.parent_id,
        name: &input.name,
        slug: input.slug.as_str(),
        description: &input.description,
        position: input.position,
    };
    let written = match input.category_id {
        Some(id) => db::update(&mut tx, id, &write).await.map(|_| id),
        None => db::insert(&mut tx, &write).await,
    };
    let id = written.map_err(|e| match unique_constraint(&e) {
        Some("category_slug_key") => AppError::invalid(
            "slug",
            "Another category has this web address; choose another.",
        ),
        _ => crate::internal("writing a category")(e),
    })?;
    let after = json!({
        "parent_id": input.parent_id, "name": input.name, "slug": input.slug.as_str(),
        "description": input.description, "position": input.position,
    });
    let action = if before.is_some() {
        "category.update"
    } else {
        "category.create"
    };
    staff
        .audit(
            &mut tx,
            action,
            "category",
            &id.to_string(),
            before,
            Some(after),
        )
        .await?;
    tx.commit()
        .await
        .or_internal("committing a category save")?;
    // Other servers hear of it by notification, within a second; this one, where the admin looks next, at once.
    state.categories.invalidate();
    Ok(id)
}

/// Deletes an empty category (no products, no subcategories). Admins.
pub async fn delete(state: &AppState, staff: &Staff, id: i64) -> Result<(), AppError> {
    staff.require(Role::Admin)?;
    let mut tx = state.begin("starting a category delete").await?;
    db::lock_tree(&mut tx)
        .await
        .or_internal("locking the category tree")?;
    let before = db::get(&mut tx, id)
        .await
        .or_internal("reading a category")?
        .ok_or(AppError::NotFound)?;
    match db::delete(&mut tx, id)
        .await
        .or_internal("deleting a category")?
    {
        db::Deleted::Done => {}
        db::Deleted::NotEmpty => {
            return Err(AppError::Conflict {
                message: "Move its products and subcategories to another category first.".into(),
            })
        }
    }
    staff
        .audit(
            &mut tx,
            "category.delete",
            "category",
            &id.to_string(),
            Some(before),
            None,
        )
        .await?;
    tx.commit()
        .await
        .or_internal("committing a category delete")?;
    state.categories.invalidate();
    Ok(())
}
