//! What a search or filtered listing page shows: the products of one page, the facets with their counts, and the
//! links to change them. Built by the server; rendered by the pages.

use super::catalog::{CategoryLink, ProductCard};
use super::search::{Filters, SearchSort, Segment};
use serde::{Deserialize, Serialize};

/// One value of a facet: what to show, how many products of the candidate set have it, and the link that turns it
/// on (or off, when selected).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetValue {
    pub label: String,
    pub count: u32,
    pub selected: bool,
    pub href: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facet {
    /// The parameter it sets ("category", "price", "o", "in_stock", "on_sale"); also the form field's name.
    pub param: String,
    pub label: String,
    pub values: Vec<FacetValue>,
}

/// A removable filter, shown above the results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActiveFilter {
    pub label: String,
    /// The same page without this filter.
    pub remove_href: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchHit {
    pub card: ProductCard,
    /// The name with the matched words marked.
    pub name: Vec<Segment>,
}

/// The products, facets and paging of a search or listing page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultSet {
    pub hits: Vec<SearchHit>,
    pub facets: Vec<Facet>,
    pub active: Vec<ActiveFilter>,
    /// The link that clears every filter (sort and query kept).
    pub clear_href: Option<String>,
    /// How many products the candidate set holds, and whether it was capped (so "500+").
    pub total: u32,
    pub capped: bool,
    pub sort: SearchSort,
    /// The orders the sort menu offers.
    pub sorts: Vec<SearchSort>,
    /// What the menu calls [`SearchSort::Relevance`] here: "Best match" (search), "Featured" (a collection).
    pub relevance_label: String,
    pub filters: Filters,
    pub next_href: Option<String>,
    /// The first page's link, when this page was reached through a cursor.
    pub first_href: Option<String>,
}

/// A collection's page: staff's selection, with the same sorts, filters and paging as a category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectionPage {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub results: ResultSet,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchPage {
    /// The query as searched (cleaned); empty when nothing was typed.
    pub query: String,
    /// When the query found nothing and a corrected one did: the corrected query ("Showing results for …").
    pub corrected: Option<String>,
    pub results: ResultSet,
    /// Categories whose names match the query, shown above the results.
    pub categories: Vec<CategoryLink>,
}
