//! The search results page: candidates from the engine, a correction when the query found nothing, facets over
//! the candidate set, then one page of it in the chosen order.

use super::facets::{self, Links};
use super::postgres::{Parts, PostgresSearch};
use super::{resolve, Candidate, CandidateQuery, Candidates, Resolved, SearchBackend, Suggestion};
use crate::catalog::{card, PAGE_SIZE};
use crate::db::catalog::{self as catalog_db, CategoryRow};
use crate::db::search as db;
use crate::domain::catalog::CategoryLink;
use crate::domain::listing::CursorKey;
use crate::domain::results::{ResultSet, SearchHit, SearchPage};
use crate::domain::search::{highlight, Filters, SearchCursor, SearchKey, SearchSort, SearchText};
use crate::error::AppError;
use crate::{AppState, OrInternal};
use std::cmp::Ordering;
use std::collections::HashMap;

/// Categories named by the query, shown above the results.
const MATCHING_CATEGORIES: i64 = 6;

#[tracing::instrument(skip_all, fields(sort = sort.as_param()))]
pub async fn search_page(
    state: &AppState,
    text: Option<SearchText>,
    filters: Filters,
    sort: SearchSort,
    after: Option<String>,
) -> Result<SearchPage, AppError> {
    let Some(text) = text else {
        return Ok(SearchPage {
            query: String::new(),
            corrected: None,
            results: empty_results(&filters, sort),
            categories: Vec::new(),
        });
    };
    let pool = &state.read_pool.0;
    let engine = PostgresSearch::new(pool.clone());
    let after = after
        .filter(|a| !a.is_empty())
        .map(|a| SearchCursor::parse(&a, text.as_str(), &filters, sort))
        .transpose()?;

    // A category filter that names no category finds nothing, and says which filter to remove.
    let Resolved {
        category,
        unknown_category,
        terms,
        min_minor,
        max_minor,
    } = resolve(state, &filters).await?;

    let mut searched = text.clone();
    let mut corrected = None;
    let mut found = if unknown_category {
        Candidates::default()
    } else {
        engine
            .candidates(&CandidateQuery {
                text: &text,
                terms: terms.clone(),
                min_minor,
                max_minor,
            })
            .await?
    };
    if found.products.is_empty() && !unknown_category {
        let fixes = engine.corrections(&text.words()).await?;
        if !fixes.is_empty() {
            let fixed = text.with_corrections(&fixes);
            let again = engine
                .candidates(&CandidateQuery {
                    text: &fixed,
                    terms: terms.clone(),
                    min_minor,
                    max_minor,
                })
                .await?;
            if !again.products.is_empty() {
                corrected = Some(fixed.as_str().to_string());
                searched = fixed;
                found = again;
            }
        }
        if found.products.is_empty() {
            if let Some(sku) = text
                .as_sku()
                .filter(|s| s.bytes().any(|b| b.is_ascii_digit()))
            {
                found = engine.similar_sku(&sku, &terms).await?;
            }
        }
    }

    let parts = Parts::of(&searched);
    let counts = facets::Counts::of(&found.products);
    let (categories, matching) =
        tokio::try_join!(facet_categories(state, &counts, category.as_ref()), async {
            db::matching_categories(pool, &parts.query(), MATCHING_CATEGORIES)
                .await
                .or_internal("matching categories")
        })?;

    let mut fixed = vec![("q", text.as_str().to_string())];
    if sort != SearchSort::default() {
        fixed.push(("sort", sort.as_param().to_string()));
    }
    let links = Links {
        path: "/search".into(),
        fixed,
        category_by_path: false,
        filters: &filters,
    };
    let facets = facets::build(
        &counts,
        &links,
        &categories,
        category.as_ref().map(|c| c.category_id),
        state.config.currency,
    );
    let active = facets::active(
        &links,
        category.as_ref().map(|c| c.name.as_str()),
        state.config.currency,
    );
    let total = found.products.len() as u32;
    let (page, next) = sort_and_page(found.products, sort, after.as_ref());
    let next_href = next.map(|c| {
        let mut params = links.fixed.clone();
        params.extend(filters.to_query());
        params.push(("after", c.encode(text.as_str(), &filters, sort)));
        crate::domain::search::href("/search", &params)
    });
    let hits = hits(state, &page, &searched.words()).await?;
    Ok(SearchPage {
        query: text.as_str().to_string(),
        corrected,
        categories: matching
            .into_iter()
            .map(|c| CategoryLink {
                slug: c.slug,
                name: c.name,
            })
            .collect(),
        results: ResultSet {
            hits,
            clear_href: (!filters.is_empty()).then(|| links.with(&Filters::default())),
            facets,
            active,
            total,
            capped: found.capped,
            sort,
            sorts: SearchSort::all().collect(),
            relevance_label: "Best match".into(),
            first_href: after.is_some().then(|| links.with(&filters)),
            next_href,
            filters,
        },
    })
}

/// Suggestions as the shopper types: product names and categories.
pub async fn suggestions(
    state: &AppState,
    text: &SearchText,
    limit: i64,
) -> Result<(Vec<Suggestion>, Vec<CategoryLink>), AppError> {
    let pool = &state.read_pool.0;
    let engine = PostgresSearch::new(pool.clone());
    let parts = Parts::of(text);
    let (products, categories) = tokio::try_join!(engine.suggest(text, limit), async {
        db::matching_categories(pool, &parts.query(), 3)
            .await
            .or_internal("matching categories")
    })?;
    Ok((
        products,
        categories
            .into_iter()
            .map(|c| CategoryLink {
                slug: c.slug,
                name: c.name,
            })
            .collect(),
    ))
}

pub(super) fn empty_results(filters: &Filters, sort: SearchSort) -> ResultSet {
    ResultSet {
        hits: Vec::new(),
        facets: Vec::new(),
        active: Vec::new(),
        clear_href: None,
        total: 0,
        capped: false,
        sort,
        sorts: SearchSort::all().collect(),
        relevance_label: "Best match".into(),
        filters: filters.clone(),
        next_href: None,
        first_href: None,
    }
}

/// Every category a candidate is in (with their ancestors), plus the selected one's children.
pub(super) async fn facet_categories(
    state: &AppState,
    counts: &facets::Counts<'_>,
    selected: Option<&CategoryRow>,
) -> Result<HashMap<i64, CategoryRow>, AppError> {
    let mut ids: Vec<i64> = counts.category_ids().collect();
    ids.sort_unstable();
    ids.dedup();
    if let Some(s) = selected {
        ids.push(s.category_id);
    }
    let tree = state
        .categories
        .tree(&state.read_pool.0)
        .await
        .or_internal("loading facet categories")?;
    Ok(ids
        .into_iter()
        .filter_map(|id| tree.by_id(id).map(|r| (id, r.clone())))
        .collect())
}

/// Orders the candidates and takes the page after the cursor; also the cursor of the next page, if any.
pub(super) fn sort_and_page(
    mut products: Vec<Candidate>,
    sort: SearchSort,
    after: Option<&SearchCursor>,
) -> (Vec<Candidate>, Option<SearchCursor>) {
    use crate::domain::listing::SortOrder;
    let order = |a: &Candidate, b: &Candidate| -> Ordering {
        match sort {
            SearchSort::Relevance => b
                .rank
                .total_cmp(&a.rank)
                .then(a.product_id.cmp(&b.product_id)),
            SearchSort::Listing(SortOrder::Newest) => b
                .created_at
                .cmp(&a.created_at)
                .then(b.product_id.cmp(&a.product_id)),
            SearchSort::Listing(SortOrder::PriceLowHigh) => a
                .price_min_minor
                .cmp(&b.price_min_minor)
                .then(a.product_id.cmp(&b.product_id)),
            SearchSort::Listing(SortOrder::PriceHighLow) => b
                .price_min_minor
                .cmp(&a.price_min_minor)
                .then(b.product_id.cmp(&a.product_id)),
            SearchSort::Listing(SortOrder::Name) => a
                .name
                .as_bytes()
                .cmp(b.name.as_bytes())
                .then(a.product_id.cmp(&b.product_id)),
        }
    };
    products.sort_by(order);
    let start = match after {
        None => 0,
        Some(cursor) => {
            let probe = probe(cursor);
            products.partition_point(|c| order(c, &probe) != Ordering::Greater)
        }
    };
    let mut page: Vec<Candidate> = products
        .into_iter()
        .skip(start)
        .take(PAGE_SIZE as usize + 1)
        .collect();
    let next = if page.len() > PAGE_SIZE as usize {
        page.truncate(PAGE_SIZE as usize);
        page.last().map(|last| cursor_of(last, sort))
    } else {
        None
    };
    (page, next)
}

/// A candidate standing where the cursor points, to compare the others with.
fn probe(cursor: &SearchCursor) -> Candidate {
    let mut c = Candidate {
        product_id: cursor.id,
        rank: 0.0,
        price_min_minor: 0,
        created_at: chrono::DateTime::UNIX_EPOCH,
        name: String::new(),
        facets: Vec::new(),
    };
    match &cursor.key {
        SearchKey::Rank(bits) => c.rank = f32::from_bits(*bits),
        SearchKey::Listing(CursorKey::Newest(micros)) => {
            c.created_at = chrono::DateTime::from_timestamp_micros(*micros).unwrap_or_default()
        }
        SearchKey::Listing(CursorKey::Price(p)) => c.price_min_minor = *p,
        SearchKey::Listing(CursorKey::Name(n)) => c.name = n.clone(),
    }
    c
}

fn cursor_of(c: &Candidate, sort: SearchSort) -> SearchCursor {
    use crate::domain::listing::SortOrder;
    let key = match sort {
        SearchSort::Relevance => SearchKey::Rank(c.rank.to_bits()),
        SearchSort::Listing(SortOrder::Newest) => {
            SearchKey::Listing(CursorKey::Newest(c.created_at.timestamp_micros()))
        }
        SearchSort::Listing(SortOrder::PriceLowHigh | SortOrder::PriceHighLow) => {
            SearchKey::Listing(CursorKey::Price(c.price_min_minor))
        }
        SearchSort::Listing(SortOrder::Name) => SearchKey::Listing(CursorKey::Name(c.name.clone())),
    };
    SearchCursor {
        key,
        id: c.product_id,
    }
}

/// The page's cards, in order, with the matched words of their names marked.
pub(super) async fn hits(
    state: &AppState,
    page: &[Candidate],
    words: &[String],
) -> Result<Vec<SearchHit>, AppError> {
    let ids: Vec<i64> = page.iter().map(|c| c.product_id).collect();
    let rows = catalog_db::cards_by_ids(&state.read_pool.0, &ids)
        .await
        .or_internal("loading result cards")?;
    rows.into_iter()
        .map(|row| {
            let name = highlight(&row.name, words);
            Ok(SearchHit {
                card: card(row)?,
                name,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(id: i64, rank: f32, price: i64) -> Candidate {
        Candidate {
            product_id: id,
            rank,
            price_min_minor: price,
            created_at: chrono::DateTime::from_timestamp(1_700_000_000 + id, 0).unwrap(),
            name: format!("Item {:03}", 100 - id),
            facets: Vec::new(),
        }
    }

    /// Walking the pages with their cursors visits every candidate exactly once, in every order, ties included.
    #[test]
    fn paging_covers_every_candidate_once() {
        let products: Vec<Candidate> = (1..=60)
            .map(|i| candidate(i, (i % 4) as f32 * 0.25, (i % 5) * 100))
            .collect();
        for sort in SearchSort::all() {
            let mut seen = Vec::new();
            let mut after: Option<SearchCursor> = None;
            loop {
                let (page, next) = sort_and_page(products.clone(), sort, after.as_ref());
                seen.extend(page.iter().map(|c| c.product_id));
                match next {
                    Some(n) => after = Some(n),
                    None => break,
                }
            }
            let mut sorted = seen.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted.len(), 60, "{sort:?}");
            assert_eq!(seen.len(), 60, "{sort:?}");
        }
    }
}
