//! Category listings with filters: the page is an index range scan of `product_listing` in the chosen order from
//! the cursor on; the facets count a capped candidate set of the category with the same filters.
//!
//! A facet filter that few products of a large category match would make both scans read the whole category (a
//! second at 1M products for a colour none has). So with facet filters the candidates come first: from the first
//! rows of the category when the filter is common, else from the full-text index, which holds the facet terms.
//! When those candidates are every match (fewer than the cap), the page is sorted and cut from them; only a filter
//! with more matches than the cap uses the range scan, where matches are common enough to fill a page soon.

use super::facets::{self, Links};
use super::page::{facet_categories, hits, sort_and_page};
use super::{filter_terms, price_bounds, Candidate, CANDIDATE_CAP};
use crate::catalog::{card, PAGE_SIZE};
use crate::db::catalog::{self as db, CardRow, ListingFilter};
use crate::db::search as search_db;
use crate::db::search::CandidateRow;
use crate::domain::catalog::{CategoryLink, CategoryPage};
use crate::domain::listing::{CursorKey, SortOrder};
use crate::domain::results::{ResultSet, SearchHit};
use crate::domain::search::{href, Filters, SearchCursor, SearchKey, SearchSort};
use crate::domain::slug::Slug;
use crate::domain::DomainError;
use crate::error::AppError;
use crate::{AppState, OrInternal};

#[tracing::instrument(skip_all, fields(slug = %slug.as_str(), sort = sort.as_param()))]
pub async fn category_page(
    state: &AppState,
    slug: &Slug,
    sort: SortOrder,
    filters: Filters,
    after: Option<String>,
) -> Result<CategoryPage, AppError> {
    let pool = &state.read_pool.0;
    let tree = state
        .categories
        .tree(pool)
        .await
        .or_internal("loading category")?;
    let category = tree
        .by_slug(slug.as_str())
        .cloned()
        .ok_or(AppError::NotFound)?;
    let search_sort = SearchSort::Listing(sort);
    let after = after
        .filter(|a| !a.is_empty())
        .map(|a| SearchCursor::parse(&a, slug.as_str(), &filters, search_sort))
        .transpose()?;
    // A category page is its own category filter; a `category` parameter here is ignored.
    let filters = Filters {
        category: None,
        ..filters
    };
    let terms = filter_terms(&filters, None);
    let (min_minor, max_minor) = price_bounds(&filters, state.config.currency);
    let f = ListingFilter {
        terms: &terms,
        min_minor,
        max_minor,
    };
    let id = category.category_id;
    let is_continuation = after.is_some();
    let limit = PAGE_SIZE + 1;
    // Without facet filters, the page's own statement brings the facet candidates too (one round trip); with
    // them, the candidates come first (see the top of this file).
    let candidate_cap = terms.is_empty().then_some(CANDIDATE_CAP);

    let rows = async {
        match after.clone().map(|c| (c.key, c.id)) {
            None => match sort {
                SortOrder::Newest => {
                    db::cards_newest(pool, id, &f, None, limit, candidate_cap).await
                }
                SortOrder::PriceLowHigh => {
                    db::cards_price_asc(pool, id, &f, None, limit, candidate_cap).await
                }
                SortOrder::PriceHighLow => {
                    db::cards_price_desc(pool, id, &f, None, limit, candidate_cap).await
                }
                SortOrder::Name => db::cards_name(pool, id, &f, None, limit, candidate_cap).await,
            }
            .map(Ok),
            Some((SearchKey::Listing(key), after_id)) => match (sort, key) {
                (SortOrder::Newest, CursorKey::Newest(micros)) => {
                    match chrono::DateTime::from_timestamp_micros(micros) {
                        Some(t) => db::cards_newest(
                            pool,
                            id,
                            &f,
                            Some((t, after_id)),
                            limit,
                            candidate_cap,
                        )
                        .await
                        .map(Ok),
                        None => Ok(Err(DomainError::Cursor)),
                    }
                }
                (SortOrder::PriceLowHigh, CursorKey::Price(p)) => {
                    db::cards_price_asc(pool, id, &f, Some((p, after_id)), limit, candidate_cap)
                        .await
                        .map(Ok)
                }
                (SortOrder::PriceHighLow, CursorKey::Price(p)) => {
                    db::cards_price_desc(pool, id, &f, Some((p, after_id)), limit, candidate_cap)
                        .await
                        .map(Ok)
                }
                (SortOrder::Name, CursorKey::Name(n)) => {
                    db::cards_name(pool, id, &f, Some((n, after_id)), limit, candidate_cap)
                        .await
                        .map(Ok)
                }
                // SearchCursor::parse ties a cursor to its sort order; this keeps that promise checked here too.
                _ => Ok(Err(DomainError::Cursor)),
            },
            Some((SearchKey::Rank(_), _)) => Ok(Err(DomainError::Cursor)),
        }
    };
    let tree = async { Ok((tree.ancestors(id), tree.children(Some(id)))) };
    let (rows, candidates, (ancestors, children)) = if terms.is_empty() {
        let (rows, tree) = tokio::try_join!(
            async { rows.await.or_internal("loading category products") },
            tree
        )?;
        (Some(rows), Vec::new(), tree)
    } else {
        let (candidates, tree) = tokio::try_join!(filtered_candidates(pool, id, &f), tree)?;
        let candidates: Vec<Candidate> = candidates.into_iter().map(Candidate::from).collect();
        if candidates.len() as i64 >= CANDIDATE_CAP {
            (
                Some(rows.await.or_internal("loading category products")?),
                candidates,
                tree,
            )
        } else {
            (None, candidates, tree)
        }
    };
    let rows = rows.transpose()?;
    let counts = match rows.as_ref().and_then(|page| page.candidates.as_ref()) {
        Some(listed) => facets::Counts::of_rows(listed),
        None => facets::Counts::of(&candidates),
    };
    let capped = counts.total() as i64 >= CANDIDATE_CAP;
    let total = counts.total() as u32;

    let path = format!("/c/{}", category.slug);
    let mut fixed = Vec::new();
    if sort != SortOrder::default() {
        fixed.push(("sort", sort.as_param().to_string()));
    }
    let links = Links {
        path: path.clone(),
        fixed,
        category_by_path: true,
        filters: &filters,
    };
    let categories = facet_categories(state, &counts, Some(&category)).await?;
    let facets = facets::build(
        &counts,
        &links,
        &categories,
        Some(id),
        state.config.currency,
    );
    let active = facets::active(&links, None, state.config.currency);

    let next_link = |cursor: SearchCursor| {
        let cursor = cursor.encode(category.slug.as_str(), &filters, search_sort);
        let mut params = vec![("sort", sort.as_param().to_string())];
        params.extend(filters.to_query());
        params.push(("after", cursor));
        href(&path, &params)
    };
    let (hits, next_href) = match rows {
        Some(page) => {
            let mut rows = page.cards;
            let next_href = if rows.len() as i64 > PAGE_SIZE {
                rows.truncate(PAGE_SIZE as usize);
                rows.last().map(|last| next_link(cursor_after(last, sort)))
            } else {
                None
            };
            let hits = rows
                .into_iter()
                .map(|row| {
                    let name = vec![(row.name.clone(), false)];
                    Ok(SearchHit {
                        card: card(row)?,
                        name,
                    })
                })
                .collect::<Result<Vec<_>, AppError>>()?;
            (hits, next_href)
        }
        // The candidates are every product that matches: the page is cut from them.
        None => {
            if after
                .as_ref()
                .is_some_and(|c| !matches!(c.key, SearchKey::Listing(_)))
            {
                return Err(DomainError::Cursor.into());
            }
            let (page, next) = sort_and_page(candidates, search_sort, after.as_ref());
            (hits(state, &page, &[]).await?, next.map(next_link))
        }
    };

    Ok(CategoryPage {
        slug: category.slug,
        name: category.name,
        description: category.description,
        ancestors: ancestors.into_iter().map(link).collect(),
        children: children.into_iter().map(link).collect(),
        sort,
        results: ResultSet {
            hits,
            clear_href: (!filters.is_empty()).then(|| links.with(&Filters::default())),
            facets,
            active,
            total,
            capped,
            sort: search_sort,
            sorts: SortOrder::ALL
                .into_iter()
                .map(SearchSort::Listing)
                .collect(),
            relevance_label: "Best match".into(),
            first_href: is_continuation.then(|| links.with(&filters)),
            next_href,
            filters,
        },
    })
}

/// How many rows of a category the facet candidates read in id order before they turn to the full-text index.
const SCAN_BEFORE_INDEX: i64 = 10_000;

/// The facet candidates of a category with facet filters: from its first rows when the filter is common (the cap
/// is reached within them), else every match (up to the cap) from the full-text index.
async fn filtered_candidates(
    pool: &sqlx::PgPool,
    category_id: i64,
    f: &ListingFilter<'_>,
) -> Result<Vec<CandidateRow>, AppError> {
    let first = search_db::listing_candidates(
        pool,
        category_id,
        f.terms,
        f.min_minor,
        f.max_minor,
        SCAN_BEFORE_INDEX,
        CANDIDATE_CAP,
    )
    .await
    .or_internal("counting facets")?;
    if first.len() as i64 >= CANDIDATE_CAP {
        return Ok(first);
    }
    search_db::filtered_listing_candidates(
        pool,
        category_id,
        f.terms,
        f.min_minor,
        f.max_minor,
        CANDIDATE_CAP,
    )
    .await
    .or_internal("counting facets")
}

fn link(c: db::CategoryRow) -> CategoryLink {
    CategoryLink {
        slug: c.slug,
        name: c.name,
    }
}

fn cursor_after(row: &CardRow, sort: SortOrder) -> SearchCursor {
    let key = match sort {
        SortOrder::Newest => CursorKey::Newest(row.created_at.timestamp_micros()),
        SortOrder::PriceLowHigh | SortOrder::PriceHighLow => CursorKey::Price(row.price_min_minor),
        SortOrder::Name => CursorKey::Name(row.name.clone()),
    };
    SearchCursor {
        key: SearchKey::Listing(key),
        id: row.product_id,
    }
}
