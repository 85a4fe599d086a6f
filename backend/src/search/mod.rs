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

/// At most this many products from each source of candidates (name matches, matches anywhere).
pub const CANDIDATE_CAP: i64 = 1_000;

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
