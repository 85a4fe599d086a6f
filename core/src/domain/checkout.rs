//! What an order costs: discount, shipping and tax on top of the cart's subtotal, all computed here from what the
//! server loaded, never from anything the browser sent. Amounts are integer minor units; every division rounds
//! half away from zero, once.

use super::money::Money;
use super::DomainError;
use serde::{Deserialize, Serialize};

/// A discount code's terms. Usage limits are counted by the database, atomically with the order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscountRule {
    pub code: String,
    pub kind: DiscountKind,
    pub min_subtotal: Money,
    /// Unix seconds; `None`: no bound.
    pub starts_at: Option<i64>,
    pub ends_at: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DiscountKind {
    /// Basis points of the subtotal: 1000 is 10 %.
    Percent(u32),
    Fixed(Money),
}

impl DiscountRule {
    /// The amount taken off `subtotal` at `now`, never more than the subtotal; or why the code does not apply.
    pub fn amount(&self, subtotal: Money, now: i64) -> Result<Money, DomainError> {
        if self.starts_at.is_some_and(|t| now < t) {
            return Err(DomainError::DiscountNotStarted);
        }
        if self.ends_at.is_some_and(|t| now >= t) {
            return Err(DomainError::DiscountExpired);
        }
        if subtotal.minor < self.min_subtotal.minor {
            return Err(DomainError::DiscountMinimum {
                minimum: self.min_subtotal.to_string(),
            });
        }
        let off = match self.kind {
            DiscountKind::Percent(bp) => share(subtotal.minor, bp.min(10_000) as i64, 10_000),
            DiscountKind::Fixed(amount) => {
                if amount.currency != subtotal.currency {
                    return Err(DomainError::CurrencyMismatch);
                }
                amount.minor
            }
        };
        Ok(Money::new(off.clamp(0, subtotal.minor), subtotal.currency))
    }
}

/// A shipping method as the shopper's zone offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingRate {
    pub code: String,
    pub name: String,
    pub price: Money,
    /// Free when the discounted subtotal reaches this.
    pub free_over: Option<Money>,
}

impl ShippingRate {
    pub fn cost(&self, discounted_subtotal: Money) -> Money {
        match self.free_over {
            Some(threshold) if discounted_subtotal.minor >= threshold.minor => {
                Money::zero(self.price.currency)
            }
            _ => self.price,
        }
    }
}

/// How tax applies: the zone's rate, and whether catalog prices already include it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxRule {
    /// Basis points: 2000 is 20 %.
    pub rate_bp: u32,
    pub prices_include_tax: bool,
}

/// An order's totals, as shown in the summary and copied onto the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub subtotal: Money,
    pub discount: Money,
    pub shipping: Money,
    /// Included in `total` either way: part of the prices when they include tax, added on top when not.
    pub tax: Money,
    pub total: Money,
    pub prices_include_tax: bool,
    /// Basis points.
    pub tax_rate_bp: u32,
}

/// `value × num / den`, rounded half away from zero, without overflow.
fn share(value: i64, num: i64, den: i64) -> i64 {
    let product = value as i128 * num as i128;
    let den = den as i128;
    let rounded = (2 * product + product.signum() * den) / (2 * den);
    rounded.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

/// Prices an order. `discount` is the amount a rule allowed (see [`DiscountRule::amount`]).
pub fn totals(
    subtotal: Money,
    discount: Money,
    shipping: &ShippingRate,
    tax: TaxRule,
) -> Result<Totals, DomainError> {
    let currency = subtotal.currency;
    if discount.currency != currency || shipping.price.currency != currency {
        return Err(DomainError::CurrencyMismatch);
    }
    let discount = Money::new(discount.minor.clamp(0, subtotal.minor), currency);
    let discounted = Money::new(subtotal.minor - discount.minor, currency);
    let shipping_cost = shipping.cost(discounted);
    let taxable = discounted.checked_add(shipping_cost)?;
    let rate = tax.rate_bp.min(10_000) as i64;
    let (tax_amount, total) = if tax.prices_include_tax {
        let included = share(taxable.minor, rate, 10_000 + rate);
        (included, taxable.minor)
    } else {
        let added = share(taxable.minor, rate, 10_000);
        (
            added,
            taxable
                .minor
                .checked_add(added)
                .ok_or(DomainError::Overflow)?,
        )
    };
    Ok(Totals {
        subtotal,
        discount,
        shipping: shipping_cost,
        tax: Money::new(tax_amount, currency),
        total: Money::new(total, currency),
        prices_include_tax: tax.prices_include_tax,
        tax_rate_bp: tax.rate_bp,
    })
}

/// How the shopper pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    /// Bank transfer or pay on delivery: the order waits for the merchant to record the payment.
    Manual,
    /// A card through the payment provider's hosted fields.
    Card,
}

impl PaymentMethod {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        match raw.trim() {
            "manual" => Ok(PaymentMethod::Manual),
            "card" => Ok(PaymentMethod::Card),
            _ => Err(DomainError::PaymentMethod),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Manual => "manual",
            PaymentMethod::Card => "card",
        }
    }
}

/// One line of a checkout summary or an order, at the price it is (or was) sold at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummaryLine {
    pub sku: String,
    pub product_name: String,
    pub variant_label: String,
    pub unit_price: Money,
    pub quantity: u32,
    pub line_total: Money,
}

/// An item's name as orders, emails and returns show it: the product, and its variant in brackets when it has one.
pub fn item_name(product: &str, variant: &str) -> String {
    if variant.is_empty() {
        product.to_string()
    } else {
        format!("{product} ({variant})")
    }
}

impl SummaryLine {
    /// The item's name with its variant ([`item_name`]).
    pub fn name(&self) -> String {
        item_name(&self.product_name, &self.variant_label)
    }
}

/// What the checkout pages show: what has been entered so far and, once a shipping method is chosen, the totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckoutSummary {
    pub lines: Vec<SummaryLine>,
    pub subtotal: Money,
    pub email: Option<String>,
    pub address: Option<super::address::Address>,
    /// The methods for the address's zone (empty until there is an address).
    pub methods: Vec<ShippingRate>,
    pub shipping_method: Option<String>,
    pub discount_code: Option<String>,
    pub totals: Option<Totals>,
    /// A digest of everything above, carried by the review form: an order is placed only for what was shown.
    pub fingerprint: Option<String>,
}

/// A placed order as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderView {
    pub number: String,
    pub status: super::order::OrderStatus,
    pub payment_method: PaymentMethod,
    pub email: String,
    pub address: super::address::Address,
    pub shipping_method: String,
    pub lines: Vec<SummaryLine>,
    pub totals: Totals,
    pub discount_code: Option<String>,
    /// RFC 3339.
    pub placed_at: String,
    /// Where a card payment stands; `None` for manual orders and card orders not yet tried.
    pub payment: Option<PaymentState>,
    /// What the browser needs to take a card payment for this order, while it still can be paid by card.
    pub card: Option<CardSetup>,
    /// A card order waiting for its payment while card payments are offline (the kill switch): it can be paid
    /// once they are back.
    #[serde(default)]
    pub cards_paused: bool,
    /// Until when an unpaid order holds its stock (RFC 3339); after it, the order is cancelled.
    pub pay_by: Option<String>,
    /// The parcel, once shipped.
    pub shipment: Option<super::shipment::Shipment>,
    /// Returns asked for, oldest first.
    #[serde(default)]
    pub returns: Vec<super::returns::ReturnView>,
    /// What may still be sent back, while the return window is open.
    #[serde(default)]
    pub returnable: Option<super::returns::Returnable>,
}

/// The latest card payment attempt of an order, as its owner may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaymentState {
    /// Sent to the provider; the answer is on its way.
    Processing,
    /// The card issuer wants the shopper to confirm (3-D Secure): the browser finishes it with this secret.
    RequiresAction {
        client_secret: String,
    },
    Succeeded,
    /// Refused, with the provider's words for the shopper (e.g. "Your card was declined.").
    Failed {
        message: String,
    },
}

/// The provider's browser script and publishable key: card fields come from the provider, so card numbers never
/// reach Bazaar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardSetup {
    pub script_url: String,
    pub publishable_key: String,
}

/// A one-time card token from the provider's script (`tok_…`): the only card-related thing Bazaar receives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardToken(String);

impl CardToken {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let raw = raw.trim();
        let valid = raw.len() <= 255
            && raw.strip_prefix("tok_").is_some_and(|rest| {
                !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            });
        if valid {
            Ok(CardToken(raw.to_owned()))
        } else {
            Err(DomainError::CardToken)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where a placed order can be seen: its number and the secret of its link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlacedOrder {
    pub number: String,
    pub access_token: String,
}

impl PlacedOrder {
    pub fn url(&self) -> String {
        format!("/orders/{}?key={}", self.number, self.access_token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Currency;
    use proptest::prelude::*;

    #[test]
    fn card_tokens_are_provider_tokens_only() {
        assert!(CardToken::parse(" tok_1Abc_9 ").is_ok());
        for bad in [
            "",
            "tok_",
            "4242424242424242",
            "pm_123",
            "tok_12 34",
            "tok_<script>",
        ] {
            assert_eq!(CardToken::parse(bad), Err(DomainError::CardToken), "{bad}");
        }
        assert!(CardToken::parse(&format!("tok_{}", "a".repeat(300))).is_err());
    }

    fn eur(minor: i64) -> Money {
        Money::new(minor, Currency::EUR)
    }

    fn standard() -> ShippingRate {
        ShippingRate {
            code: "standard".into(),
            name: "Standard".into(),
            price: eur(495),
            free_over: Some(eur(5000)),
        }
    }

    fn rule(kind: DiscountKind) -> DiscountRule {
        DiscountRule {
            code: "SPRING".into(),
            kind,
            min_subtotal: eur(0),
            starts_at: Some(1_000),
            ends_at: Some(2_000),
        }
    }

    #[test]
    fn tax_inclusive_and_exclusive() {
        let incl = TaxRule {
            rate_bp: 2000,
            prices_include_tax: true,
        };
        let t = totals(eur(2000), eur(0), &standard(), incl).unwrap();
        // 20.00 + 4.95 shipping = 24.95, of which 20 % VAT is 24.95 / 6 = 4.158… → 4.16
        assert_eq!(
            (t.shipping, t.tax, t.total),
            (eur(495), eur(416), eur(2495))
        );

        let excl = TaxRule {
            rate_bp: 825,
            prices_include_tax: false,
        };
        let t = totals(eur(2000), eur(0), &standard(), excl).unwrap();
        // 24.95 × 8.25 % = 2.0583… → 2.06 on top
        assert_eq!((t.tax, t.total), (eur(206), eur(2701)));
    }

    #[test]
    fn free_shipping_counts_the_discounted_subtotal() {
        let tax = TaxRule {
            rate_bp: 0,
            prices_include_tax: true,
        };
        assert_eq!(
            totals(eur(5000), eur(0), &standard(), tax)
                .unwrap()
                .shipping,
            eur(0)
        );
        assert_eq!(
            totals(eur(5000), eur(1), &standard(), tax)
                .unwrap()
                .shipping,
            eur(495)
        );
    }

    #[test]
    fn discounts_follow_their_terms() {
        let ten_percent = rule(DiscountKind::Percent(1000));
        assert_eq!(ten_percent.amount(eur(1995), 1_500), Ok(eur(200))); // 199.5 rounds up
        assert_eq!(
            ten_percent.amount(eur(1995), 999),
            Err(DomainError::DiscountNotStarted)
        );
        assert_eq!(
            ten_percent.amount(eur(1995), 2_000),
            Err(DomainError::DiscountExpired)
        );
        let fixed = rule(DiscountKind::Fixed(eur(1500)));
        assert_eq!(
            fixed.amount(eur(1000), 1_500),
            Ok(eur(1000)),
            "never more than the subtotal"
        );
        let usd = rule(DiscountKind::Fixed(Money::new(500, Currency::USD)));
        assert_eq!(
            usd.amount(eur(1000), 1_500),
            Err(DomainError::CurrencyMismatch)
        );
        let minimum = DiscountRule {
            min_subtotal: eur(3000),
            ..ten_percent
        };
        assert_eq!(
            minimum.amount(eur(2999), 1_500).unwrap_err().to_string(),
            "This code needs an order of at least €30.00."
        );
    }

    proptest! {
        #[test]
        fn totals_add_up(subtotal in 0i64..10_000_000, off in 0i64..20_000_000, rate in 0u32..5000, incl: bool) {
            let tax = TaxRule { rate_bp: rate, prices_include_tax: incl };
            let t = totals(eur(subtotal), eur(off), &standard(), tax).unwrap();
            prop_assert!(t.discount.minor <= subtotal && t.discount.minor >= 0);
            let taxable = subtotal - t.discount.minor + t.shipping.minor;
            if incl {
                prop_assert_eq!(t.total.minor, taxable);
                prop_assert!(t.tax.minor <= taxable);
            } else {
                prop_assert_eq!(t.total.minor, taxable + t.tax.minor);
            }
            prop_assert!(t.tax.minor >= 0 && t.total.minor >= 0);
        }
    }
}
