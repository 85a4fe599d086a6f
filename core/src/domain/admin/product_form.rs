//! The product form: the product, its option names and its variant rows as typed, parsed into what the shop
//! stores — every refusal naming its field, a variant's naming its row.

use super::catalog::ProductStatus;
use super::{name_and_slug, optional_id as id};
use crate::domain::money::{minor_from_decimal, Currency, Money};
use crate::domain::sku::Sku;
use crate::domain::slug::Slug;
use crate::domain::DomainError;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// One variant row of the product form, as typed. `id` is blank for a new variant; a row left entirely blank
/// is ignored (the form always offers one empty row to add a variant).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariantForm {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub sku: String,
    /// Option values separated by commas, in the order of the option names: `M, Blue`.
    #[serde(default)]
    pub values: String,
    #[serde(default)]
    pub price: String,
    #[serde(default)]
    pub compare_at: String,
    #[serde(default)]
    pub low_stock: String,
    /// Units on hand to book as received when the variant is created.
    #[serde(default)]
    pub stock: String,
    /// A ticked "delete" box.
    #[serde(default)]
    pub remove: Option<String>,
}

impl VariantForm {
    fn is_blank(&self) -> bool {
        self.id.trim().is_empty()
            && self.sku.trim().is_empty()
            && self.values.trim().is_empty()
            && self.price.trim().is_empty()
            && self.compare_at.trim().is_empty()
            && self.stock.trim().is_empty()
    }
}

/// The product form as typed. The server function takes these fields one by one (so a plain HTML form posts
/// them) and gathers them here.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductForm {
    pub product_id: String,
    pub version: String,
    pub name: String,
    pub slug: String,
    pub description: String,
    pub category: String,
    pub status: String,
    /// Option names separated by commas: `Size, Colour`.
    pub options: String,
    /// Ticked collections: `c<id>` → `on`. (Integer keys would be read as list positions.)
    pub collections: BTreeMap<String, String>,
    pub variants: Vec<VariantForm>,
}

/// A variant parsed: what to create, change or delete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariantInput {
    /// `None` for a new variant.
    pub variant_id: Option<i64>,
    pub sku: Sku,
    /// Option name → value, in the product's option order.
    pub options: Vec<(String, String)>,
    pub price_minor: i64,
    pub compare_at_minor: Option<i64>,
    pub low_stock_threshold: i32,
    /// Units received with a new variant.
    pub opening_stock: i32,
    pub remove: bool,
}

/// The product form parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductInput {
    /// `None` when creating; then `version` is `None` too.
    pub product_id: Option<i64>,
    pub version: Option<i32>,
    pub name: String,
    pub slug: Slug,
    pub description: String,
    pub category_id: i64,
    pub status: ProductStatus,
    pub collection_ids: Vec<i64>,
    pub options: Vec<String>,
    pub variants: Vec<VariantInput>,
}

impl ProductInput {
    pub const MAX_VARIANTS: usize = 100;
    pub const MAX_OPTIONS: usize = 3;
    /// The highest price a variant may have, in major units: more is a typo.
    pub const MAX_PRICE_MAJOR: i64 = 1_000_000;
    pub const MAX_OPENING_STOCK: i32 = 100_000;

    /// Parses the form for a shop whose prices are in `currency`.
    pub fn parse(form: &ProductForm, currency: Currency) -> Result<Self, DomainError> {
        let product_id = id(
            &form.product_id,
            "product_id",
            "That product does not exist.",
        )?;
        let version = match product_id {
            None => None,
            Some(_) => Some(
                form.version
                    .trim()
                    .parse::<i32>()
                    .ok()
                    .filter(|v| *v > 0)
                    .ok_or(DomainError::Field {
                        field: "version",
                        message: "Reload the page and make your changes again.",
                    })?,
            ),
        };
        let (name, slug) = name_and_slug(
            &form.name,
            &form.slug,
            "Use lower-case letters, digits and single dashes, like linen-shirt.",
        )?;
        let description = form.description.trim();
        if description.chars().count() > 10_000 {
            return Err(DomainError::TooLong {
                field: "description",
                max: 10_000,
            });
        }
        let category_id = id(
            &form.category,
            "category",
            "Choose a category from the list.",
        )?
        .ok_or(DomainError::Required { field: "category" })?;
        let status = ProductStatus::from_db(form.status.trim()).ok_or(DomainError::Field {
            field: "status",
            message: "Choose a status from the list.",
        })?;
        let collection_ids = form
            .collections
            .iter()
            .filter(|(_, on)| !on.is_empty())
            .map(|(key, _)| {
                key.strip_prefix('c')
                    .and_then(|n| n.parse::<i64>().ok())
                    .filter(|n| *n > 0)
                    .ok_or(DomainError::Field {
                        field: "collections",
                        message: "Choose collections from the list.",
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let options = option_names(&form.options)?;
        let variants = variants(&form.variants, &options, currency)?;
        Ok(ProductInput {
            product_id,
            version,
            name,
            slug,
            description: description.to_string(),
            category_id,
            status,
            collection_ids,
            options,
            variants,
        })
    }
}

fn option_names(raw: &str) -> Result<Vec<String>, DomainError> {
    let names: Vec<String> = raw
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .collect();
    let refuse = |message| DomainError::Field {
        field: "options",
        message,
    };
    if names.len() > ProductInput::MAX_OPTIONS {
        return Err(refuse(
            "A product has at most 3 options (like Size, Colour, Material).",
        ));
    }
    if names.iter().any(|n| n.chars().count() > 60) {
        return Err(refuse("Keep each option name under 60 characters."));
    }
    let distinct: HashSet<String> = names.iter().map(|n| n.to_lowercase()).collect();
    if distinct.len() != names.len() {
        return Err(refuse("Each option name can appear once."));
    }
    Ok(names)
}

fn variants(
    rows: &[VariantForm],
    options: &[String],
    currency: Currency,
) -> Result<Vec<VariantInput>, DomainError> {
    let exponent = currency.exponent();
    let mut out = Vec::new();
    let mut skus = HashSet::new();
    let mut combinations = HashSet::new();
    for (i, row) in rows.iter().enumerate().filter(|(_, r)| !r.is_blank()) {
        let refuse = |message: String| DomainError::Variant {
            row: i + 1,
            message,
        };
        let variant_id = id(&row.id, "variants", "").map_err(|_| {
            refuse("reload the page: this variant is not one of the product's.".into())
        })?;
        let remove = row.remove.as_deref().is_some_and(|r| !r.is_empty());
        let sku = Sku::parse(&row.sku.trim().to_uppercase()).map_err(|_| {
            refuse(
                "enter a SKU of capital letters, digits and dashes (up to 64), like SHIRT-M-BLUE."
                    .into(),
            )
        })?;
        if !skus.insert(sku.as_str().to_string()) {
            return Err(refuse(format!(
                "SKU {} is used by another variant of this product.",
                sku.as_str()
            )));
        }
        if remove {
            out.push(VariantInput {
                variant_id,
                sku,
                options: Vec::new(),
                price_minor: 0,
                compare_at_minor: None,
                low_stock_threshold: 0,
                opening_stock: 0,
                remove,
            });
            continue;
        }
        let values: Vec<String> = if options.is_empty() {
            Vec::new()
        } else {
            row.values
                .split(',')
                .map(|v| v.trim().to_string())
                .collect()
        };
        if values.len() != options.len()
            || values
                .iter()
                .any(|v| v.is_empty() || v.chars().count() > 60)
        {
            return Err(refuse(format!(
                "give one value for each option ({}), separated by commas.",
                options.join(", ")
            )));
        }
        let combination: Vec<String> = values.iter().map(|v| v.to_lowercase()).collect();
        if !combinations.insert(combination) {
            return Err(refuse(match options.is_empty() {
                true => {
                    "a product without options has one variant; add option names to offer more."
                        .into()
                }
                false => format!("another variant is already {}.", values.join(" / ")),
            }));
        }
        let max = ProductInput::MAX_PRICE_MAJOR * 10i64.pow(exponent);
        let price_minor = minor_from_decimal(&row.price, exponent)
            .filter(|p| *p > 0 && *p <= max)
            .ok_or_else(|| {
                refuse(format!(
                    "enter a price like {} (more than zero, at most {}).",
                    Money::new(1250 * 10i64.pow(exponent) / 100, currency).decimal(),
                    ProductInput::MAX_PRICE_MAJOR
                ))
            })?;
        let compare_at_minor = match row.compare_at.trim() {
            "" => None,
            raw => Some(
                minor_from_decimal(raw, exponent)
                    .filter(|c| *c > price_minor && *c <= max)
                    .ok_or_else(|| {
                        refuse(
                            "the compare-at price must be higher than the price, or blank.".into(),
                        )
                    })?,
            ),
        };
        let low_stock_threshold = match row.low_stock.trim() {
            "" => 5,
            raw => raw
                .parse::<i32>()
                .ok()
                .filter(|n| (0..=100_000).contains(n))
                .ok_or_else(|| {
                    refuse("the low-stock alert is a whole number from 0 to 100000.".into())
                })?,
        };
        let opening_stock = match (variant_id, row.stock.trim()) {
            (_, "") => 0,
            (Some(_), _) => {
                return Err(refuse(
                    "change the stock of an existing variant on the stock page, where it is booked in the ledger."
                        .into(),
                ))
            }
            (None, raw) => raw
                .parse::<i32>()
                .ok()
                .filter(|n| (0..=ProductInput::MAX_OPENING_STOCK).contains(n))
                .ok_or_else(|| refuse("the opening stock is a whole number from 0 to 100000.".into()))?,
        };
        out.push(VariantInput {
            variant_id,
            sku,
            options: options.iter().cloned().zip(values).collect(),
            price_minor,
            compare_at_minor,
            low_stock_threshold,
            opening_stock,
            remove,
        });
    }
    if out.iter().all(|v| v.remove) {
        return Err(DomainError::Field {
            field: "variants",
            message: "A product needs at least one variant with a SKU and a price.",
        });
    }
    if out.len() > ProductInput::MAX_VARIANTS {
        return Err(DomainError::Field {
            field: "variants",
            message: "A product has at most 100 variants.",
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> ProductForm {
        ProductForm {
            name: "Linen Shirt — Blue".into(),
            category: "3".into(),
            status: "draft".into(),
            options: "Size, Colour".into(),
            collections: [("c7".to_string(), "on".to_string())].into(),
            variants: vec![
                VariantForm {
                    sku: "shirt-m".into(),
                    values: "M, Blue".into(),
                    price: "49.5".into(),
                    compare_at: "60".into(),
                    stock: "12".into(),
                    ..Default::default()
                },
                VariantForm::default(),
            ],
            ..Default::default()
        }
    }

    #[test]
    fn a_new_product_parses_with_a_suggested_slug() {
        let p = ProductInput::parse(&form(), Currency::EUR).unwrap();
        assert_eq!(p.product_id, None);
        assert_eq!(p.slug.as_str(), "linen-shirt-blue");
        assert_eq!(p.status, ProductStatus::Draft);
        assert_eq!(p.collection_ids, vec![7]);
        assert_eq!(p.variants.len(), 1, "the blank row is ignored");
        let v = &p.variants[0];
        assert_eq!(v.sku.as_str(), "SHIRT-M");
        assert_eq!(v.price_minor, 4950);
        assert_eq!(v.compare_at_minor, Some(6000));
        assert_eq!(v.opening_stock, 12);
        assert_eq!(v.low_stock_threshold, 5);
        assert_eq!(
            v.options,
            vec![
                ("Size".into(), "M".into()),
                ("Colour".into(), "Blue".into())
            ]
        );
    }

    #[test]
    fn each_bad_field_is_named() {
        let field = |f: ProductForm| ProductInput::parse(&f, Currency::EUR).unwrap_err().field();
        assert_eq!(
            field(ProductForm {
                name: " ".into(),
                ..form()
            }),
            "name"
        );
        assert_eq!(
            field(ProductForm {
                slug: "Not A Slug".into(),
                ..form()
            }),
            "slug"
        );
        assert_eq!(
            field(ProductForm {
                category: "x".into(),
                ..form()
            }),
            "category"
        );
        assert_eq!(
            field(ProductForm {
                status: "live".into(),
                ..form()
            }),
            "status"
        );
        assert_eq!(
            field(ProductForm {
                options: "Size, size".into(),
                ..form()
            }),
            "options"
        );
        assert_eq!(
            field(ProductForm {
                product_id: "4".into(),
                version: "".into(),
                ..form()
            }),
            "version"
        );
        let mut f = form();
        f.collections.insert("7".into(), "on".into());
        assert_eq!(field(f), "collections");
        let f = ProductForm {
            variants: vec![VariantForm::default()],
            ..form()
        };
        assert_eq!(field(f), "variants");
    }

    #[test]
    fn variant_rows_are_refused_by_number() {
        let row = |v: VariantForm| {
            let f = ProductForm {
                variants: vec![form().variants[0].clone(), v],
                ..form()
            };
            ProductInput::parse(&f, Currency::EUR).unwrap_err()
        };
        let base = VariantForm {
            sku: "SHIRT-L".into(),
            values: "L, Blue".into(),
            price: "49".into(),
            ..Default::default()
        };
        for bad in [
            VariantForm {
                price: "-1".into(),
                ..base.clone()
            },
            VariantForm {
                price: "0".into(),
                ..base.clone()
            },
            VariantForm {
                price: "1000000.01".into(),
                ..base.clone()
            },
            VariantForm {
                price: "4.999".into(),
                ..base.clone()
            },
            VariantForm {
                compare_at: "48".into(),
                ..base.clone()
            },
            VariantForm {
                values: "L".into(),
                ..base.clone()
            },
            VariantForm {
                values: "m, blue".into(),
                ..base.clone()
            },
            VariantForm {
                sku: "shirt-m".into(),
                ..base.clone()
            },
            VariantForm {
                sku: "no spaces".into(),
                ..base.clone()
            },
            VariantForm {
                low_stock: "-2".into(),
                ..base.clone()
            },
            VariantForm {
                stock: "1e9".into(),
                ..base.clone()
            },
            VariantForm {
                id: "9".into(),
                stock: "3".into(),
                ..base.clone()
            },
        ] {
            let e = row(bad.clone());
            assert!(
                matches!(e, DomainError::Variant { row: 2, .. }),
                "{bad:?}: {e:?}"
            );
        }
        assert!(ProductInput::parse(
            &ProductForm {
                variants: vec![form().variants[0].clone(), base],
                ..form()
            },
            Currency::EUR
        )
        .is_ok());
    }
}
