//! Collection pages: staff's selection with the sorts, filters, facets and paging of a category. A collection is
//! a hand-made list, so its candidate set (at most [`COLLECTION_CAP`] products, in the collection's order) is
//! sorted and paged in memory like search results; "Featured" is the collection's own order.

use super::facets::{self, Links};
use super::page::{facet_categories, hits, sort_and_page};
use super::{resolve, Candidate, Resolved};
use crate::db::search as db;
use crate::domain::results::{CollectionPage, ResultSet};
use crate::domain::search::{href, Filters, SearchCursor, SearchSort};
use crate::domain::slug::Slug;
use crate::error::AppError;
use crate::{AppState, OrInternal};

/// The most products a collection page can list.
pub const COLLECTION_CAP: i64 = 10_000;

#[tracing::instrument(skip_all, fields(slug = %slug.as_str(), sort = sort.as_param()))]
pub async fn collection_page(
    state: &AppState,
    slug: &Slug,
    sort: SearchSort,
    filters: Filters,
    after: Option<String>,
) -> Result<CollectionPage, AppError> {
    let pool = &state.read_pool.0;
    let collection = db::collection_by_slug(pool, slug.as_str())
        .await
        .or_internal("loading collection")?
        .ok_or(AppError::NotFound)?;
    let after = after
        .filter(|a| !a.is_empty())
        .map(|a| SearchCursor::parse(&a, slug.as_str(), &filters, sort))
        .transpose()?;
    let Resolved {
        category,
        unknown_category,
        terms,
        min_minor,
        max_minor,
    } = resolve(state, &filters).await?;
    let rows = if unknown_category {
        Vec::new()
    } else {
        db::collection_candidates(
            pool,
            collection.collection_id,
            &terms,
            min_minor,
            max_minor,
            COLLECTION_CAP,
        )
        .await
        .or_internal("loading collection products")?
    };
    let capped = rows.len() as i64 >= COLLECTION_CAP;
    let candidates: Vec<Candidate> = rows.into_iter().map(Candidate::from).collect();

    let path = format!("/collections/{}", collection.slug);
    let mut fixed = Vec::new();
    if sort != SearchSort::default() {
        fixed.push(("sort", sort.as_param().to_string()));
    }
    let links = Links {
        path: path.clone(),
        fixed,
        category_by_path: false,
        filters: &filters,
    };
    let counts = facets::Counts::of(&candidates);
    let categories = facet_categories(state, &counts, category.as_ref()).await?;
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
    let total = candidates.len() as u32;
    let is_continuation = after.is_some();
    let (page, next) = sort_and_page(candidates, sort, after.as_ref());
    let next_href = next.map(|c| {
        let mut params = links.fixed.clone();
        params.extend(filters.to_query());
        params.push(("after", c.encode(collection.slug.as_str(), &filters, sort)));
        href(&path, &params)
    });
    let hits = hits(state, &page, &[]).await?;
    Ok(CollectionPage {
        slug: collection.slug,
        name: collection.name,
        description: collection.description,
        results: ResultSet {
            hits,
            clear_href: (!filters.is_empty()).then(|| links.with(&Filters::default())),
            facets,
            active,
            total,
            capped,
            sort,
            sorts: SearchSort::all().collect(),
            relevance_label: "Featured".into(),
            first_href: is_continuation.then(|| links.with(&filters)),
            next_href,
            filters,
        },
    })
}
