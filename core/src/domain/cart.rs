//! The cart as the shopper sees it. The server fills it from the database; totals are computed here from those
//! unit prices and never taken from the browser.

use super::money::{Currency, Money};
use super::DomainError;
use serde::{Deserialize, Serialize};

/// A cart form's two fields, parsed: the SKU, and a quantity typed as text (so "abc", "-1" and "1e9" get the same
/// clear message as 0 or 1000).
pub fn parse_line(
    sku: &str,
    quantity: &str,
) -> Result<(super::sku::Sku, super::quantity::Quantity), DomainError> {
    use super::{quantity::Quantity, sku::Sku};
    let sku = Sku::parse(sku)?;
    let quantity = quantity
        .trim()
        .parse::<i64>()
        .map_err(|_| DomainError::Quantity { max: Quantity::MAX })
        .and_then(Quantity::parse)?;
    Ok((sku, quantity))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartLineView {
    pub sku: String,
    pub product_slug: String,
    pub product_name: String,
    pub variant_label: String,
    pub image_url: Option<String>,
    pub unit_price: Money,
    pub quantity: u32,
    pub line_total: Money,
    /// Units in stock now, so the page can warn when the cart holds more than can be bought.
    pub available: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartView {
    pub lines: Vec<CartLineView>,
    pub item_count: u32,
    pub subtotal: Money,
}

/// What the server knows of a cart line before pricing.
#[derive(Debug, Clone)]
pub struct PricedLine {
    pub sku: String,
    pub product_slug: String,
    pub product_name: String,
    pub variant_label: String,
    pub image_url: Option<String>,
    pub unit_price: Money,
    pub quantity: u32,
    pub available: u32,
}

impl CartView {
    pub fn empty(currency: Currency) -> Self {
        CartView {
            lines: Vec::new(),
            item_count: 0,
            subtotal: Money::zero(currency),
        }
    }

    /// Prices each line and adds them up; a cart mixing currencies is refused rather than summed wrongly.
    pub fn price(lines: Vec<PricedLine>, currency: Currency) -> Result<Self, DomainError> {
        let mut subtotal = Money::zero(currency);
        let mut item_count = 0u32;
        let mut out = Vec::with_capacity(lines.len());
        for line in lines {
            let line_total = line.unit_price.checked_mul(line.quantity)?;
            subtotal = subtotal.checked_add(line_total)?;
            item_count = item_count.saturating_add(line.quantity);
            out.push(CartLineView {
                sku: line.sku,
                product_slug: line.product_slug,
                product_name: line.product_name,
                variant_label: line.variant_label,
                image_url: line.image_url,
                unit_price: line.unit_price,
                quantity: line.quantity,
                line_total,
                available: line.available,
            });
        }
        Ok(CartView {
            lines: out,
            item_count,
            subtotal,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

/// What the header needs, also kept in localStorage so other tabs and the next page load show it at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CartSnapshot {
    pub item_count: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(sku: &str, minor: i64, currency: Currency, quantity: u32) -> PricedLine {
        PricedLine {
            sku: sku.into(),
            product_slug: "p".into(),
            product_name: "P".into(),
            variant_label: String::new(),
            image_url: None,
            unit_price: Money::new(minor, currency),
            quantity,
            available: 10,
        }
    }

    #[test]
    fn prices_lines_and_subtotal() {
        let cart = CartView::price(
            vec![
                line("A", 1250, Currency::EUR, 2),
                line("B", 399, Currency::EUR, 1),
            ],
            Currency::EUR,
        )
        .unwrap();
        assert_eq!(cart.lines[0].line_total.minor, 2500);
        assert_eq!(cart.subtotal.minor, 2899);
        assert_eq!(cart.item_count, 3);
    }

    #[test]
    fn refuses_mixed_currencies() {
        let mixed = vec![
            line("A", 100, Currency::EUR, 1),
            line("B", 100, Currency::USD, 1),
        ];
        assert_eq!(
            CartView::price(mixed, Currency::EUR),
            Err(DomainError::CurrencyMismatch)
        );
    }

    #[test]
    fn empty_cart_has_zero_subtotal() {
        let cart = CartView::price(vec![], Currency::EUR).unwrap();
        assert!(cart.is_empty());
        assert_eq!(cart.subtotal, Money::zero(Currency::EUR));
    }
}
