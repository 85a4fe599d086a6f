//! Search and filtered listings.
//!
//! A search runs in three steps: the engine returns a capped **candidate set** (products matching the query and
//! filters, with a relevance score); facet counts are computed over that set; the set is sorted (relevance,
//! price, newest or name) and paged with a cursor. The engine is behind [`SearchBackend`]; Bazaar ships
//! [`postgres::PostgresSearch`], which needs nothing but the database. Another engine (an embedded tantivy index,
//! an external service) would implement the same trait.

pub mod collection;
pub mod facets;
pub mod listing;
pub mod page;
pub mod postgres;

use crate::domain::search::{Filters, SearchText};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use std::future::Future;

/// At most this many products from each source of candidates (name matches, matches anywhere). Relevance and facet
/// counts are computed over them, and their cost in the database grows with their number (~7 µs each at 1M
/// products): 500 keeps a common word within a few milliseconds.
pub const CANDIDATE_CAP: i64 = 500;

/// A product of a candidate set.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub product_id: i64,
    /// Higher is more relevant; 0 where the set has no query.
    pub rank: f32,
    pub price_min_minor: i64,
    pub created_at: DateTime<Utc>,
    pub name: String,
    /// 'c:<category id>' (its category and every ancestor), 'o:<Option>=<Value>', 'stock', 'sale'.
    pub facets: Vec<String>,
}

/// What a search asks of the engine: the text, the filters as facet terms, and the price bounds in minor units.
#[derive(Debug, Clone)]
pub struct CandidateQuery<'a> {
    pub text: &'a SearchText,
    pub terms: Vec<String>,
    pub min_minor: Option<i64>,
    pub max_minor: Option<i64>,
}

/// A candidate set and whether a cap cut it short (so the count is "at least").
#[derive(Debug, Clone, Default)]
pub struct Candidates {
    pub products: Vec<Candidate>,
    pub capped: bool,
}

/// A suggestion as the shopper types.
#[derive(Debug, Clone)]
pub struct Suggestion {
    pub slug: String,
    pub name: String,
}

/// A search engine: full text with typo tolerance over the products a shopper may see.
pub trait SearchBackend: Send + Sync {
    /// Products matching the query and filters, best first is not required: the caller sorts.
    fn candidates(
        &self,
        query: &CandidateQuery<'_>,
    ) -> impl Future<Output = Result<Candidates, AppError>> + Send;

    /// For words of the query that no product uses, the closest word that one does.
    fn corrections(
        &self,
        words: &[String],
    ) -> impl Future<Output = Result<Vec<(String, String)>, AppError>> + Send;

    /// Products like a mistyped SKU.
    fn similar_sku(
        &self,
        sku: &str,
        terms: &[String],
    ) -> impl Future<Output = Result<Candidates, AppError>> + Send;

    /// Product names for the suggestion list.
    fn suggest(
        &self,
        text: &SearchText,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<Suggestion>, AppError>> + Send;
}

/// The facet terms and price bounds of filters, with the category already resolved to its id.
pub fn filter_terms(filters: &Filters, category_id: Option<i64>) -> Vec<String> {
    let mut terms = filters.terms();
    if let Some(id) = category_id {
        terms.push(format!("c:{id}"));
    }
    terms.sort();
    terms
}

impl From<crate::db::search::CandidateRow> for Candidate {
    fn from(row: crate::db::search::CandidateRow) -> Self {
        Candidate {
            product_id: row.product_id,
            rank: row.rank,
            price_min_minor: row.price_min_minor,
            created_at: row.created_at,
            name: row.name,
            facets: row.facets,
        }
    }
}

/// A price filter in minor units of the shop's currency: (min inclusive, max exclusive).
pub(crate) fn price_bounds(
    filters: &Filters,
    currency: crate::domain::money::Currency,
) -> (Option<i64>, Option<i64>) {
    let unit = 10i64.pow(currency.exponent());
    filters
        .price
        .map(|p| p.minor_bounds(unit))
        .unwrap_or((None, None))
}

/// The filters of a search or collection page as the queries take them, with the category filter looked up.
pub(crate) struct Resolved {
    pub category: Option<crate::db::catalog::CategoryRow>,
    /// A category filter that names no category: the page finds nothing.
    pub unknown_category: bool,
    pub terms: Vec<String>,
    pub min_minor: Option<i64>,
    pub max_minor: Option<i64>,
}

pub(crate) async fn resolve(
    state: &crate::AppState,
    filters: &Filters,
) -> Result<Resolved, AppError> {
    use crate::OrInternal;
    let category = match &filters.category {
        Some(slug) => state
            .categories
            .tree(&state.read_pool.0)
            .await
            .or_internal("loading category")?
            .by_slug(slug)
            .cloned(),
        None => None,
    };
    let (min_minor, max_minor) = price_bounds(filters, state.config.currency);
    Ok(Resolved {
        unknown_category: filters.category.is_some() && category.is_none(),
        terms: filter_terms(filters, category.as_ref().map(|c| c.category_id)),
        category,
        min_minor,
        max_minor,
    })
}
