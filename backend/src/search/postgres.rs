//! The search engine inside PostgreSQL: `tsvector` documents with GIN indexes, `websearch_to_tsquery` (quotes,
//! `or` and `-word` work, and no input makes a query error), a prefix match for the last word, and `pg_trgm`
//! for words and SKUs typed wrong. Reads go to the read pool.

use super::{Candidate, CandidateQuery, Candidates, SearchBackend, Suggestion, CANDIDATE_CAP};
use crate::db::search::{self as db, TextQuery};
use crate::domain::search::SearchText;
use crate::error::AppError;
use crate::OrInternal;
use sqlx::PgPool;

/// How many products a mistyped SKU may find.
const SIMILAR_SKUS: i64 = 24;

#[derive(Clone)]
pub struct PostgresSearch {
    pool: PgPool,
}

impl PostgresSearch {
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }
}

/// The query's parts as the SQL takes them; owned, so the borrowed [`TextQuery`] can point into it.
pub(crate) struct Parts {
    text: String,
    head: String,
    prefix: Option<String>,
    sku: Option<String>,
}

impl Parts {
    pub(crate) fn of(text: &SearchText) -> Self {
        Self {
            text: text.as_str().to_string(),
            head: text.without_last_word(),
            prefix: text.prefix_word(),
            sku: text.as_sku(),
        }
    }

    pub(crate) fn query(&self) -> TextQuery<'_> {
        TextQuery {
            text: &self.text,
            head: &self.head,
            prefix: self.prefix.as_deref(),
            sku: self.sku.as_deref(),
        }
    }
}

impl SearchBackend for PostgresSearch {
    async fn candidates(&self, query: &CandidateQuery<'_>) -> Result<Candidates, AppError> {
        let parts = Parts::of(query.text);
        let rows = db::candidates(
            &self.pool,
            &parts.query(),
            &query.terms,
            query.min_minor,
            query.max_minor,
            CANDIDATE_CAP,
        )
        .await
        .or_internal("searching products")?;
        // Each source stops at the cap; a union at or above it may have been cut short.
        let capped = rows.len() as i64 >= CANDIDATE_CAP;
        Ok(Candidates {
            products: rows.into_iter().map(Candidate::from).collect(),
            capped,
        })
    }

    async fn corrections(&self, words: &[String]) -> Result<Vec<(String, String)>, AppError> {
        let words: Vec<String> = words
            .iter()
            .filter(|w| (3..=40).contains(&w.chars().count()) && w.chars().all(char::is_alphabetic))
            .cloned()
            .collect();
        if words.is_empty() {
            return Ok(Vec::new());
        }
        db::corrections(&self.pool, &words)
            .await
            .or_internal("finding corrections")
    }

    async fn similar_sku(&self, sku: &str, terms: &[String]) -> Result<Candidates, AppError> {
        let rows = db::similar_sku_candidates(&self.pool, sku, terms, SIMILAR_SKUS)
            .await
            .or_internal("finding similar SKUs")?;
        Ok(Candidates {
            products: rows.into_iter().map(Candidate::from).collect(),
            capped: false,
        })
    }

    async fn suggest(&self, text: &SearchText, limit: i64) -> Result<Vec<Suggestion>, AppError> {
        let parts = Parts::of(text);
        let rows = db::suggest_products(&self.pool, &parts.query(), limit)
            .await
            .or_internal("suggesting products")?;
        Ok(rows
            .into_iter()
            .map(|r| Suggestion {
                slug: r.slug,
                name: r.name,
            })
            .collect())
    }
}
