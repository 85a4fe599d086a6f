//! The catalog as staff see it: a product's status, the product list and its filters, and what the product
//! form shows. The form's input is parsed in `product_form`.

use super::optional_id as id;
use crate::domain::money::{Currency, Money};
use crate::domain::DomainError;
use serde::{Deserialize, Serialize};

/// Whether shoppers see a product. Drafts and archived products are in no listing, page or cart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ProductStatus {
    /// Being prepared: not for sale yet.
    Draft,
    /// For sale.
    Active,
    /// No longer sold; kept for the orders that name it.
    Archived,
}

impl ProductStatus {
    pub const ALL: [ProductStatus; 3] = [
        ProductStatus::Draft,
        ProductStatus::Active,
        ProductStatus::Archived,
    ];

    pub fn as_db(self) -> &'static str {
        match self {
            ProductStatus::Draft => "draft",
            ProductStatus::Active => "active",
            ProductStatus::Archived => "archived",
        }
    }

    pub fn from_db(raw: &str) -> Option<ProductStatus> {
        ProductStatus::ALL.into_iter().find(|s| s.as_db() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            ProductStatus::Draft => "Draft",
            ProductStatus::Active => "Active",
            ProductStatus::Archived => "Archived",
        }
    }
}

/// How a product's stock stands, as the list filters it: any variant available, any running low, any sold out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StockFilter {
    InStock,
    Low,
    SoldOut,
}

impl StockFilter {
    pub const ALL: [StockFilter; 3] =
        [StockFilter::InStock, StockFilter::Low, StockFilter::SoldOut];

    pub fn as_str(self) -> &'static str {
        match self {
            StockFilter::InStock => "in_stock",
            StockFilter::Low => "low",
            StockFilter::SoldOut => "sold_out",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            StockFilter::InStock => "In stock",
            StockFilter::Low => "A variant runs low",
            StockFilter::SoldOut => "A variant is sold out",
        }
    }
}

/// The product list's filters as typed in its form; every field may be blank.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductFilter {
    /// Part of the name, or the start of a SKU.
    pub q: Option<String>,
    pub category_id: Option<i64>,
    pub status: Option<ProductStatus>,
    pub stock: Option<StockFilter>,
    /// Keyset cursor: list products with a smaller id than this (newest first).
    pub after: Option<i64>,
}

impl ProductFilter {
    pub fn parse(
        q: &str,
        category: &str,
        status: &str,
        stock: &str,
        after: &str,
    ) -> Result<Self, DomainError> {
        let q = super::note(q, "q", 100)?;
        let category_id = id(category, "category", "Choose a category from the list.")?;
        let status = match status.trim() {
            "" => None,
            s => Some(ProductStatus::from_db(s).ok_or(DomainError::Field {
                field: "status",
                message: "Choose a status from the list.",
            })?),
        };
        let stock = match stock.trim() {
            "" => None,
            s => Some(
                StockFilter::ALL
                    .into_iter()
                    .find(|f| f.as_str() == s)
                    .ok_or(DomainError::Field {
                        field: "stock",
                        message: "Choose a stock state from the list.",
                    })?,
            ),
        };
        let after = id(
            after,
            "after",
            "That page link is not valid; start again from the first page.",
        )?;
        Ok(ProductFilter {
            q,
            category_id,
            status,
            stock,
            after,
        })
    }
}

/// A category or collection to choose from: its id and the name shown (categories show their path).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub id: i64,
    pub name: String,
}

/// One row of the product list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductSummary {
    pub product_id: i64,
    pub name: String,
    pub slug: String,
    pub status: ProductStatus,
    pub category: String,
    pub variants: i64,
    /// The SKUs of the first few variants, comma-separated.
    pub skus: String,
    pub price_from: Money,
    pub available: i64,
    pub updated_at: String,
}

/// A page of the product list, with the cursor of the next page and the categories to filter by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductList {
    pub products: Vec<ProductSummary>,
    pub next: Option<i64>,
    pub categories: Vec<Choice>,
}

/// A variant as the product form shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariantDetails {
    pub variant_id: i64,
    pub sku: String,
    /// Its option values, in the order of the product's option names.
    pub values: Vec<String>,
    pub price: Money,
    pub compare_at: Option<Money>,
    pub low_stock_threshold: i32,
    pub on_hand: i64,
    /// Named by an order: it can no longer be deleted.
    pub ordered: bool,
}

/// A product as the product form shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductDetails {
    pub product_id: i64,
    /// Sent back with the form: a save that started from an older version is refused.
    pub version: i32,
    pub name: String,
    pub slug: String,
    pub description: String,
    pub category_id: i64,
    pub status: ProductStatus,
    pub collection_ids: Vec<i64>,
    pub options: Vec<String>,
    pub variants: Vec<VariantDetails>,
    /// In the order the shop shows them; the first is the product's card picture.
    pub images: Vec<AdminImage>,
}

/// One of a product's pictures in the back office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminImage {
    pub image_id: i64,
    pub url: String,
    pub alt: String,
    pub width: u32,
    pub height: u32,
    pub srcset: Option<String>,
}

/// The most images one product may have.
pub const MAX_IMAGES: usize = 12;

/// The longest alt text taken.
pub const MAX_ALT: usize = 300;

/// An image's alt text (what a screen reader says in place of the picture, and what shows when it cannot load):
/// required, trimmed, at most [`MAX_ALT`] characters.
pub fn parse_alt(raw: &str) -> Result<String, DomainError> {
    let alt = raw.trim();
    if alt.is_empty() {
        return Err(DomainError::Required { field: "alt" });
    }
    if alt.chars().count() > MAX_ALT {
        return Err(DomainError::TooLong {
            field: "alt",
            max: MAX_ALT,
        });
    }
    Ok(alt.to_string())
}

/// What the product form needs: the product (none for a new one) and the categories and collections to choose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductEditor {
    pub product: Option<ProductDetails>,
    pub categories: Vec<Choice>,
    pub collections: Vec<Choice>,
    pub currency: Currency,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alt_text_is_required_and_bounded() {
        assert_eq!(parse_alt("  Blue mug, front  ").unwrap(), "Blue mug, front");
        assert_eq!(
            parse_alt(" \n ").unwrap_err(),
            DomainError::Required { field: "alt" }
        );
        assert_eq!(parse_alt(&"é".repeat(300)).unwrap().chars().count(), 300);
        assert_eq!(
            parse_alt(&"a".repeat(301)).unwrap_err(),
            DomainError::TooLong {
                field: "alt",
                max: 300
            }
        );
    }

    #[test]
    fn filters_parse_or_name_the_field() {
        assert_eq!(
            ProductFilter::parse(" shirt ", "2", "active", "low", "99").unwrap(),
            ProductFilter {
                q: Some("shirt".into()),
                category_id: Some(2),
                status: Some(ProductStatus::Active),
                stock: Some(StockFilter::Low),
                after: Some(99),
            }
        );
        assert_eq!(
            ProductFilter::parse("", "", "", "", "").unwrap(),
            ProductFilter::default()
        );
        assert_eq!(
            ProductFilter::parse("", "-1", "", "", "")
                .unwrap_err()
                .field(),
            "category"
        );
        assert_eq!(
            ProductFilter::parse("", "", "gone", "", "")
                .unwrap_err()
                .field(),
            "status"
        );
        assert_eq!(
            ProductFilter::parse("", "", "", "many", "")
                .unwrap_err()
                .field(),
            "stock"
        );
        assert_eq!(
            ProductFilter::parse("", "", "", "", "x")
                .unwrap_err()
                .field(),
            "after"
        );
    }
}
