//! Facet counts over a candidate set, and the links that turn each filter on and off.

use super::Candidate;
use crate::db::catalog::{CategoryRow, FacetRow};
use crate::domain::money::{Currency, Money};
use crate::domain::results::{ActiveFilter, Facet, FacetValue};
use crate::domain::search::{href, Filters, OptionFilter, PriceRange};
use std::collections::{BTreeMap, HashMap};

/// At most this many option facets (Size, Colour, …), and values per option.
const MAX_OPTIONS: usize = 6;
const MAX_VALUES: usize = 16;

/// Where the page's links point.
pub struct Links<'a> {
    /// "/search" or "/c/<slug>".
    pub path: String,
    /// Parameters every link keeps (the query, the sort).
    pub fixed: Vec<(&'static str, String)>,
    /// How a category facet links: on a search page by the `category` parameter, on a category page by the child
    /// category's own page.
    pub category_by_path: bool,
    pub filters: &'a Filters,
}

impl Links<'_> {
    pub fn with(&self, filters: &Filters) -> String {
        let mut params = self.fixed.clone();
        params.extend(filters.to_query());
        href(&self.path, &params)
    }

    fn category(&self, slug: &str) -> String {
        if self.category_by_path {
            let mut params = self.fixed.clone();
            params.extend(self.filters.to_query());
            href(&format!("/c/{slug}"), &params)
        } else {
            self.with(&Filters {
                category: Some(slug.to_string()),
                ..self.filters.clone()
            })
        }
    }
}

/// What the facets are counted from: how many candidates carry each facet term, and each candidate's price.
#[derive(Debug, Default)]
pub struct Counts<'a> {
    pub terms: HashMap<&'a str, u32>,
    pub prices: Vec<i64>,
}

impl<'a> Counts<'a> {
    /// Counted over candidates the page has in hand.
    pub fn of(candidates: &'a [Candidate]) -> Self {
        Self::count(
            candidates
                .iter()
                .map(|c| (c.facets.as_slice(), c.price_min_minor)),
        )
    }

    /// Counted over a listing's facet rows (the ones its page statement brought).
    pub fn of_rows(rows: &'a [FacetRow]) -> Self {
        Self::count(
            rows.iter()
                .map(|r| (r.facets.as_slice(), r.price_min_minor)),
        )
    }

    fn count(candidates: impl ExactSizeIterator<Item = (&'a [String], i64)>) -> Self {
        let mut counts = Counts {
            terms: HashMap::new(),
            prices: Vec::with_capacity(candidates.len()),
        };
        for (facets, price) in candidates {
            for term in facets {
                *counts.terms.entry(term.as_str()).or_default() += 1;
            }
            counts.prices.push(price);
        }
        counts
    }

    /// How many candidates there are.
    pub fn total(&self) -> usize {
        self.prices.len()
    }

    /// The categories the candidates are in ('c:<id>' terms).
    pub fn category_ids(&self) -> impl Iterator<Item = i64> + '_ {
        self.terms
            .keys()
            .filter_map(|t| t.strip_prefix("c:").and_then(|id| id.parse().ok()))
    }
}

/// The facets of a candidate set. `categories` holds every category the candidates name (for labels and the
/// tree), `scope` the category whose children the category facet lists (None: the top level).
pub fn build(
    counts: &Counts<'_>,
    links: &Links<'_>,
    categories: &HashMap<i64, CategoryRow>,
    scope: Option<i64>,
    currency: Currency,
) -> Vec<Facet> {
    let filters = links.filters;
    let term_counts = &counts.terms;
    let mut facets = Vec::new();

    // Categories: the children of the scope that have candidates.
    let mut children: Vec<&CategoryRow> = categories
        .values()
        .filter(|c| {
            c.parent_id == scope
                && term_counts.contains_key(format!("c:{}", c.category_id).as_str())
        })
        .collect();
    children.sort_by(|a, b| a.name.cmp(&b.name).then(a.category_id.cmp(&b.category_id)));
    if !children.is_empty() {
        facets.push(Facet {
            param: "category".into(),
            label: "Category".into(),
            values: children
                .into_iter()
                .map(|c| FacetValue {
                    label: c.name.clone(),
                    count: term_counts
                        .get(format!("c:{}", c.category_id).as_str())
                        .copied()
                        .unwrap_or(0),
                    selected: false,
                    href: links.category(&c.slug),
                })
                .collect(),
        });
    }

    // Price bands.
    let unit = 10i64.pow(currency.exponent());
    let money = |v: u32| Money::new(i64::from(v) * unit, currency).to_string();
    let bands: Vec<FacetValue> = PriceRange::BANDS
        .iter()
        .filter_map(|band| {
            let count = counts
                .prices
                .iter()
                .filter(|&&price| band.contains_minor(price, unit))
                .count() as u32;
            let selected = filters.price == Some(*band);
            (count > 0 || selected).then(|| FacetValue {
                label: band.label(money),
                count,
                selected,
                href: links.with(&Filters {
                    price: (!selected).then_some(*band),
                    ..filters.clone()
                }),
            })
        })
        .collect();
    if !bands.is_empty() {
        facets.push(Facet {
            param: "price".into(),
            label: "Price".into(),
            values: bands,
        });
    }

    // Options: 'o:Size=M' grouped by name, the names with the most products first. With "in stock" on, a value
    // counts the products that have it in stock ('s:Size=M').
    let prefix = if filters.in_stock { "s:" } else { "o:" };
    let mut options: BTreeMap<&str, Vec<(&str, u32)>> = BTreeMap::new();
    for (term, count) in term_counts.iter() {
        if let Some((name, value)) = term.strip_prefix(prefix).and_then(|t| t.split_once('=')) {
            options.entry(name).or_default().push((value, *count));
        }
    }
    let mut options: Vec<(&str, Vec<(&str, u32)>)> = options.into_iter().collect();
    options.sort_by_key(|(name, values)| {
        (
            std::cmp::Reverse(values.iter().map(|v| v.1).sum::<u32>()),
            *name,
        )
    });
    for (name, mut values) in options.into_iter().take(MAX_OPTIONS) {
        values.sort_by(|a, b| b.1.cmp(&a.1).then(natural(a.0).cmp(&natural(b.0))));
        values.truncate(MAX_VALUES);
        values.sort_by_key(|v| natural(v.0));
        facets.push(Facet {
            param: "o".into(),
            label: name.to_string(),
            values: values
                .into_iter()
                .map(|(value, count)| {
                    let filter = OptionFilter {
                        name: name.to_string(),
                        value: value.to_string(),
                    };
                    let selected = filters.options.contains(&filter);
                    let mut next = filters.clone();
                    if selected {
                        next.options.retain(|o| o != &filter);
                    } else {
                        next.options.retain(|o| o.name != filter.name);
                        next.options.push(filter);
                    }
                    FacetValue {
                        label: value.to_string(),
                        count,
                        selected,
                        href: links.with(&next),
                    }
                })
                .collect(),
        });
    }

    // Availability and offers.
    let mut flags = Vec::new();
    let stock = term_counts.get("stock").copied().unwrap_or(0);
    if stock > 0 || filters.in_stock {
        flags.push(FacetValue {
            label: "In stock".into(),
            count: stock,
            selected: filters.in_stock,
            href: links.with(&Filters {
                in_stock: !filters.in_stock,
                ..filters.clone()
            }),
        });
    }
    let sale = term_counts.get("sale").copied().unwrap_or(0);
    if sale > 0 || filters.on_sale {
        flags.push(FacetValue {
            label: "On sale".into(),
            count: sale,
            selected: filters.on_sale,
            href: links.with(&Filters {
                on_sale: !filters.on_sale,
                ..filters.clone()
            }),
        });
    }
    if !flags.is_empty() {
        facets.push(Facet {
            param: "availability".into(),
            label: "Availability".into(),
            values: flags,
        });
    }
    facets
}

/// The filters in force, each with the link that removes it.
pub fn active(
    links: &Links<'_>,
    category_name: Option<&str>,
    currency: Currency,
) -> Vec<ActiveFilter> {
    let filters = links.filters;
    let unit = 10i64.pow(currency.exponent());
    let money = |v: u32| Money::new(i64::from(v) * unit, currency).to_string();
    let mut active = Vec::new();
    if filters.category.is_some() {
        active.push(ActiveFilter {
            label: format!("Category: {}", category_name.unwrap_or("unknown")),
            remove_href: links.with(&Filters {
                category: None,
                ..filters.clone()
            }),
        });
    }
    if let Some(price) = filters.price {
        active.push(ActiveFilter {
            label: format!("Price: {}", price.label(money)),
            remove_href: links.with(&Filters {
                price: None,
                ..filters.clone()
            }),
        });
    }
    for o in &filters.options {
        let mut next = filters.clone();
        next.options.retain(|x| x != o);
        active.push(ActiveFilter {
            label: format!("{}: {}", o.name, o.value),
            remove_href: links.with(&next),
        });
    }
    if filters.in_stock {
        active.push(ActiveFilter {
            label: "In stock".into(),
            remove_href: links.with(&Filters {
                in_stock: false,
                ..filters.clone()
            }),
        });
    }
    if filters.on_sale {
        active.push(ActiveFilter {
            label: "On sale".into(),
            remove_href: links.with(&Filters {
                on_sale: false,
                ..filters.clone()
            }),
        });
    }
    active
}

/// Sizes and numbers in a sensible order: XS, S, M, L, XL, then numbers by value, then the rest alphabetically.
fn natural(value: &str) -> (u8, i64, String) {
    const SIZES: [&str; 8] = ["XXS", "XS", "S", "M", "L", "XL", "XXL", "XXXL"];
    if let Some(i) = SIZES.iter().position(|s| s.eq_ignore_ascii_case(value)) {
        return (0, i as i64, String::new());
    }
    if let Ok(n) = value.parse::<i64>() {
        return (1, n, String::new());
    }
    (2, 0, value.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::natural;

    #[test]
    fn sizes_sort_naturally() {
        let mut values = vec!["L", "10", "S", "Blue", "9", "XL", "M"];
        values.sort_by_key(|v| natural(v));
        assert_eq!(values, vec!["S", "M", "L", "XL", "9", "10", "Blue"]);
    }
}
