//! What the catalog pages show, and the variant-picker rules. Built by the server from the database.

use super::listing::SortOrder;
use super::money::Money;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    pub url: String,
    pub alt: String,
    pub width: u32,
    pub height: u32,
    /// The stored widths (`… 320w, … 640w, …`) for uploaded images; seeded images have one file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub srcset: Option<String>,
}

/// A product in a grid: enough to render a card and link to the product page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductCard {
    pub slug: String,
    pub name: String,
    pub price_from: Money,
    /// The highest compare-at price among the variants at the lowest price, when it is above that price.
    pub compare_at: Option<Money>,
    /// True when the variants differ in price, so the card says "from".
    pub has_price_range: bool,
    pub in_stock: bool,
    pub image: Option<Image>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryLink {
    pub slug: String,
    pub name: String,
}

/// What the search box suggests as the shopper types: products (by slug) and categories.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestions {
    pub products: Vec<CategoryLink>,
    pub categories: Vec<CategoryLink>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectionView {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub products: Vec<ProductCard>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeView {
    pub collections: Vec<CollectionView>,
    pub categories: Vec<CategoryLink>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryPage {
    pub slug: String,
    pub name: String,
    pub description: String,
    /// From the root down to the parent of this category.
    pub ancestors: Vec<CategoryLink>,
    pub children: Vec<CategoryLink>,
    pub sort: SortOrder,
    /// The products of this page, the facets and the paging links.
    pub results: super::results::ResultSet,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariantView {
    pub sku: String,
    /// (option name, value) pairs in the product's option order.
    pub options: Vec<(String, String)>,
    pub price: Money,
    pub compare_at: Option<Money>,
    pub available: u32,
}

impl VariantView {
    pub fn label(&self) -> String {
        self.options
            .iter()
            .map(|(_, v)| v.as_str())
            .collect::<Vec<_>>()
            .join(" / ")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductDetail {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub category: CategoryLink,
    pub option_names: Vec<String>,
    pub variants: Vec<VariantView>,
    pub images: Vec<Image>,
}

/// How the product page describes stock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StockState {
    InStock,
    /// Few enough left that the shopper should know.
    Low(u32),
    SoldOut,
}

impl StockState {
    /// Migration 22 (`pages_variant_shown`) repeats this number: the page cache is told when a variant crosses it.
    pub const LOW_THRESHOLD: u32 = 5;

    pub fn of(available: u32) -> Self {
        match available {
            0 => StockState::SoldOut,
            n if n <= Self::LOW_THRESHOLD => StockState::Low(n),
            _ => StockState::InStock,
        }
    }

    pub fn message(&self) -> String {
        match self {
            StockState::InStock => "In stock".into(),
            StockState::Low(n) => format!("Only {n} left"),
            StockState::SoldOut => "Sold out".into(),
        }
    }

    /// The state's name in markup (`data-state`, which the page's colours follow) and in live updates.
    pub fn key(&self) -> &'static str {
        match self {
            StockState::InStock => "in_stock",
            StockState::Low(_) => "low",
            StockState::SoldOut => "sold_out",
        }
    }
}

/// One variant's stock as the product page shows it, for the page's live updates: the state and its words, never
/// the count above the low threshold (the page does not show it either).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockShown {
    pub sku: String,
    pub state: String,
    pub message: String,
}

impl StockShown {
    pub fn new(sku: String, available: u32) -> Self {
        let state = StockState::of(available);
        StockShown {
            sku,
            state: state.key().into(),
            message: state.message(),
        }
    }
}

/// One value button of the variant picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionChoice {
    pub value: String,
    /// The variant this choice leads to: the one with this value and as many of the current other values as possible.
    pub sku: String,
    pub selected: bool,
    pub available: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionGroup {
    pub name: String,
    pub choices: Vec<OptionChoice>,
}

impl ProductDetail {
    /// The variant named by `sku`, else the first one in stock, else the first one.
    pub fn selected_variant(&self, sku: Option<&str>) -> Option<&VariantView> {
        sku.and_then(|sku| self.variants.iter().find(|v| v.sku == sku))
            .or_else(|| self.variants.iter().find(|v| v.available > 0))
            .or_else(|| self.variants.first())
    }

    /// The picker: for each option, each distinct value, linked to the best-matching variant.
    pub fn option_groups(&self, selected: &VariantView) -> Vec<OptionGroup> {
        self.option_names
            .iter()
            .enumerate()
            .map(|(index, name)| {
                let mut choices: Vec<OptionChoice> = Vec::new();
                for variant in &self.variants {
                    let Some((_, value)) = variant.options.get(index) else {
                        continue;
                    };
                    if choices.iter().any(|c| &c.value == value) {
                        continue;
                    }
                    let target = self.best_match(selected, index, value).unwrap_or(variant);
                    choices.push(OptionChoice {
                        value: value.clone(),
                        sku: target.sku.clone(),
                        selected: selected.options.get(index).map(|(_, v)| v) == Some(value),
                        available: target.available > 0,
                    });
                }
                OptionGroup {
                    name: name.clone(),
                    choices,
                }
            })
            .collect()
    }

    /// Among variants with `value` at option `index`, the one sharing the most other values with `selected`,
    /// preferring one in stock.
    fn best_match(
        &self,
        selected: &VariantView,
        index: usize,
        value: &str,
    ) -> Option<&VariantView> {
        self.variants
            .iter()
            .filter(|v| v.options.get(index).map(|(_, x)| x.as_str()) == Some(value))
            .max_by_key(|v| {
                let shared = v
                    .options
                    .iter()
                    .zip(&selected.options)
                    .enumerate()
                    .filter(|(i, (a, b))| *i != index && a.1 == b.1)
                    .count();
                // Earlier variants win ties: max_by_key keeps the last maximum, so rank by reversed position.
                let position = self.variants.len()
                    - self
                        .variants
                        .iter()
                        .position(|x| x.sku == v.sku)
                        .unwrap_or(0);
                (shared, v.available > 0, position)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Currency;

    fn variant(sku: &str, size: &str, colour: &str, available: u32) -> VariantView {
        VariantView {
            sku: sku.into(),
            options: vec![
                ("Size".into(), size.into()),
                ("Colour".into(), colour.into()),
            ],
            price: Money::new(1000, Currency::EUR),
            compare_at: None,
            available,
        }
    }

    fn shirt() -> ProductDetail {
        ProductDetail {
            slug: "shirt".into(),
            name: "Shirt".into(),
            description: String::new(),
            category: CategoryLink {
                slug: "tops".into(),
                name: "Tops".into(),
            },
            option_names: vec!["Size".into(), "Colour".into()],
            variants: vec![
                variant("S-RED", "S", "Red", 0),
                variant("S-BLUE", "S", "Blue", 3),
                variant("M-RED", "M", "Red", 10),
                variant("M-BLUE", "M", "Blue", 0),
            ],
            images: vec![],
        }
    }

    #[test]
    fn selects_named_then_first_in_stock() {
        let p = shirt();
        assert_eq!(p.selected_variant(Some("M-BLUE")).unwrap().sku, "M-BLUE");
        assert_eq!(p.selected_variant(Some("NOPE")).unwrap().sku, "S-BLUE");
        assert_eq!(p.selected_variant(None).unwrap().sku, "S-BLUE");
    }

    #[test]
    fn option_groups_keep_the_other_choice() {
        let p = shirt();
        let selected = p.selected_variant(Some("S-BLUE")).unwrap();
        let groups = p.option_groups(selected);
        assert_eq!(groups.len(), 2);
        let sizes: Vec<_> = groups[0]
            .choices
            .iter()
            .map(|c| (c.value.as_str(), c.sku.as_str(), c.selected))
            .collect();
        assert_eq!(sizes, vec![("S", "S-BLUE", true), ("M", "M-BLUE", false)]);
        let colours: Vec<_> = groups[1]
            .choices
            .iter()
            .map(|c| (c.value.as_str(), c.sku.as_str(), c.available))
            .collect();
        assert_eq!(
            colours,
            vec![("Red", "S-RED", false), ("Blue", "S-BLUE", true)]
        );
    }

    #[test]
    fn stock_state_messages() {
        assert_eq!(StockState::of(0).message(), "Sold out");
        assert_eq!(StockState::of(3).message(), "Only 3 left");
        assert_eq!(StockState::of(5), StockState::Low(5));
        assert_eq!(StockState::of(6), StockState::InStock);
    }
}
