//! The category tree in memory. Every catalog page reads categories: the header's top level, a listing's category,
//! its ancestors and children, the names of the category facets. They change rarely, and every change sends the
//! `*` page notification (migration 22), which the server passes on here as [`CategoryMemo::invalidate`]. The
//! tree is kept only while the server hears those notifications ([`CategoryMemo::set_following`]); otherwise each
//! read loads it again (one query, in the order pages show categories).

use crate::db::catalog::{self as db, CategoryRow};
use sqlx::PgPool;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

/// Every category, and the ways pages look them up.
pub struct CategoryTree {
    /// In the order pages list categories (position, then name).
    rows: Vec<CategoryRow>,
    by_id: HashMap<i64, usize>,
    by_slug: HashMap<String, usize>,
}

impl CategoryTree {
    pub fn new(rows: Vec<CategoryRow>) -> Self {
        let by_id = rows
            .iter()
            .enumerate()
            .map(|(i, c)| (c.category_id, i))
            .collect();
        let by_slug = rows
            .iter()
            .enumerate()
            .map(|(i, c)| (c.slug.clone(), i))
            .collect();
        CategoryTree {
            rows,
            by_id,
            by_slug,
        }
    }

    pub fn by_slug(&self, slug: &str) -> Option<&CategoryRow> {
        self.by_slug.get(slug).map(|&i| &self.rows[i])
    }

    pub fn by_id(&self, id: i64) -> Option<&CategoryRow> {
        self.by_id.get(&id).map(|&i| &self.rows[i])
    }

    /// The direct children of `parent` (the top level for `None`), in page order.
    pub fn children(&self, parent: Option<i64>) -> Vec<CategoryRow> {
        self.rows
            .iter()
            .filter(|c| c.parent_id == parent)
            .cloned()
            .collect()
    }

    /// From the root down to the direct parent (at most 32 levels, as the database's own walk).
    pub fn ancestors(&self, id: i64) -> Vec<CategoryRow> {
        let mut up = Vec::new();
        let mut next = self.by_id(id).and_then(|c| c.parent_id);
        while let Some(parent) = next.and_then(|p| self.by_id(p)) {
            if up.len() == 32 {
                break;
            }
            up.push(parent.clone());
            next = parent.parent_id;
        }
        up.reverse();
        up
    }
}

#[derive(Default)]
pub struct CategoryMemo {
    tree: RwLock<Option<Arc<CategoryTree>>>,
    /// Invalidations so far: a tree loaded while one happened is not kept (it may be from before the change).
    generation: AtomicU64,
    following: AtomicBool,
}

impl CategoryMemo {
    /// The tree: the kept one while changes are heard, else loaded now from `pool`.
    pub async fn tree(&self, pool: &PgPool) -> sqlx::Result<Arc<CategoryTree>> {
        if self.following.load(Ordering::Acquire) {
            if let Some(tree) = self.kept() {
                return Ok(tree);
            }
        }
        let generation = self.generation.load(Ordering::Acquire);
        let tree = Arc::new(CategoryTree::new(db::all_categories(pool).await?));
        if self.following.load(Ordering::Acquire)
            && self.generation.load(Ordering::Acquire) == generation
        {
            *self.tree.write().unwrap_or_else(|e| e.into_inner()) = Some(tree.clone());
        }
        Ok(tree)
    }

    /// Whether a tree is kept now (the next read needs no query).
    pub fn is_kept(&self) -> bool {
        self.following.load(Ordering::Acquire) && self.kept().is_some()
    }

    fn kept(&self) -> Option<Arc<CategoryTree>> {
        self.tree.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// A category may have changed: load the tree again on the next read.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        *self.tree.write().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// Whether the server hears of changes now; while it does not, nothing is kept.
    pub fn set_following(&self, following: bool) {
        self.following.store(following, Ordering::Release);
        self.invalidate();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, parent: Option<i64>, slug: &str) -> CategoryRow {
        CategoryRow {
            category_id: id,
            parent_id: parent,
            slug: slug.into(),
            name: slug.into(),
            description: String::new(),
        }
    }

    #[test]
    fn the_tree_answers_what_the_queries_did() {
        let tree = CategoryTree::new(vec![
            row(1, None, "clothing"),
            row(4, None, "home"),
            row(2, Some(1), "tops"),
            row(3, Some(2), "t-shirts"),
            row(5, Some(1), "knitwear"),
        ]);
        let slugs = |rows: Vec<CategoryRow>| rows.into_iter().map(|c| c.slug).collect::<Vec<_>>();
        assert_eq!(slugs(tree.children(None)), ["clothing", "home"]);
        assert_eq!(slugs(tree.children(Some(1))), ["tops", "knitwear"]);
        assert_eq!(slugs(tree.ancestors(3)), ["clothing", "tops"]);
        assert!(tree.ancestors(1).is_empty());
        assert_eq!(tree.by_slug("t-shirts").map(|c| c.category_id), Some(3));
        assert!(tree.by_slug("nothing").is_none());
    }

    #[test]
    fn a_loop_in_the_data_cannot_hang_the_walk() {
        let tree = CategoryTree::new(vec![row(1, Some(2), "a"), row(2, Some(1), "b")]);
        assert_eq!(tree.ancestors(1).len(), 32);
    }
}
