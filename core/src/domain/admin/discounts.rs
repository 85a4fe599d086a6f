//! Discount codes as staff manage them: the list with use counts, and the form that creates or changes a code
//! (percent or fixed amount, minimum subtotal, a window of days, total and per-customer limits).

use super::Day;
use crate::domain::checkout::DiscountKind;
use crate::domain::money::{minor_from_decimal, Currency, Money};
use crate::domain::DomainError;
use serde::{Deserialize, Serialize};

/// Where a code stands now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DiscountState {
    Scheduled,
    Active,
    UsedUp,
    Ended,
}

impl DiscountState {
    pub fn label(self) -> &'static str {
        match self {
            DiscountState::Scheduled => "Scheduled",
            DiscountState::Active => "Active",
            DiscountState::UsedUp => "Used up",
            DiscountState::Ended => "Ended",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscountView {
    pub discount_id: i64,
    pub code: String,
    pub kind: DiscountKind,
    pub min_subtotal: Money,
    /// `YYYY-MM-DD` (UTC): the first day it works, and the last.
    pub first_day: Option<String>,
    pub last_day: Option<String>,
    pub usage_limit: Option<i32>,
    pub per_customer_limit: Option<i32>,
    pub used_count: i32,
    pub state: DiscountState,
}

impl DiscountView {
    /// "10 %" or "€5.00".
    pub fn amount_label(&self) -> String {
        match self.kind {
            DiscountKind::Percent(bp) if bp % 100 == 0 => format!("{} %", bp / 100),
            DiscountKind::Percent(bp) => format!("{}.{:02} %", bp / 100, bp % 100),
            DiscountKind::Fixed(m) => m.to_string(),
        }
    }
}

/// The discount form parsed. Days are in UTC: the code works from the start of `first_day` to the end of
/// `last_day`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscountInput {
    pub discount_id: Option<i64>,
    pub code: String,
    pub kind: DiscountKind,
    pub min_subtotal_minor: i64,
    pub first_day: Option<Day>,
    pub last_day: Option<Day>,
    pub usage_limit: Option<i32>,
    pub per_customer_limit: Option<i32>,
}

fn limit(raw: &str, field: &'static str) -> Result<Option<i32>, DomainError> {
    match raw.trim() {
        "" => Ok(None),
        raw => raw
            .parse::<i32>()
            .ok()
            .filter(|n| (1..=10_000_000).contains(n))
            .map(Some)
            .ok_or(DomainError::Field {
                field,
                message:
                    "A limit is a whole number of uses, at least 1; leave it blank for no limit.",
            }),
    }
}

impl DiscountInput {
    #[allow(clippy::too_many_arguments)]
    pub fn parse(
        discount_id: &str,
        code: &str,
        kind: &str,
        amount: &str,
        min_subtotal: &str,
        first_day: &str,
        last_day: &str,
        usage_limit: &str,
        per_customer_limit: &str,
        currency: Currency,
    ) -> Result<Self, DomainError> {
        let discount_id =
            match discount_id.trim() {
                "" => None,
                raw => Some(raw.parse::<i64>().ok().filter(|n| *n > 0).ok_or(
                    DomainError::Field {
                        field: "discount_id",
                        message: "That discount does not exist.",
                    },
                )?),
            };
        let code = code.trim().to_uppercase();
        let code_ok = (3..=40).contains(&code.len())
            && code
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !code_ok {
            return Err(DomainError::Field {
                field: "code",
                message:
                    "A code is 3 to 40 letters, digits, dashes or underscores, like WINTER-10.",
            });
        }
        let kind = match kind.trim() {
            "percent" => {
                let bp = minor_from_decimal(amount, 2)
                    .filter(|bp| (1..=10_000).contains(bp))
                    .ok_or(DomainError::Field {
                        field: "amount",
                        message: "A percentage is more than 0 and at most 100, like 10 or 12.5.",
                    })?;
                DiscountKind::Percent(bp as u32)
            }
            "fixed" => {
                let max = 1_000_000 * 10i64.pow(currency.exponent());
                let minor = minor_from_decimal(amount, currency.exponent())
                    .filter(|m| *m > 0 && *m <= max)
                    .ok_or(DomainError::Field {
                        field: "amount",
                        message: "Enter the amount taken off, like 5.00 (more than zero).",
                    })?;
                DiscountKind::Fixed(Money::new(minor, currency))
            }
            _ => {
                return Err(DomainError::Field {
                    field: "kind",
                    message: "Choose a percentage or a fixed amount.",
                })
            }
        };
        let min_subtotal_minor = match min_subtotal.trim() {
            "" => 0,
            raw => minor_from_decimal(raw, currency.exponent()).ok_or(DomainError::Field {
                field: "min_subtotal",
                message: "Enter a minimum subtotal like 50.00, or leave it blank.",
            })?,
        };
        let first_day = Day::parse(first_day, "first_day")?;
        let last_day = Day::parse(last_day, "last_day")?;
        if let (Some(a), Some(b)) = (first_day, last_day) {
            if b < a {
                return Err(DomainError::Field {
                    field: "last_day",
                    message: "The last day comes on or after the first day.",
                });
            }
        }
        Ok(DiscountInput {
            discount_id,
            code,
            kind,
            min_subtotal_minor,
            first_day,
            last_day,
            usage_limit: limit(usage_limit, "usage_limit")?,
            per_customer_limit: limit(per_customer_limit, "per_customer_limit")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(
        code: &str,
        kind: &str,
        amount: &str,
        first: &str,
        last: &str,
    ) -> Result<DiscountInput, DomainError> {
        DiscountInput::parse(
            "",
            code,
            kind,
            amount,
            "",
            first,
            last,
            "",
            "",
            Currency::EUR,
        )
    }

    #[test]
    fn percent_and_fixed_codes_parse() {
        let d = parse(" winter-10 ", "percent", "12.5", "2026-12-01", "2026-12-31").unwrap();
        assert_eq!(d.code, "WINTER-10");
        assert_eq!(d.kind, DiscountKind::Percent(1250));
        assert_eq!(d.first_day.unwrap().day, 1);
        let d = parse("FIVER", "fixed", "5", "", "").unwrap();
        assert_eq!(d.kind, DiscountKind::Fixed(Money::new(500, Currency::EUR)));
    }

    #[test]
    fn bad_fields_are_named() {
        let field = |r: Result<DiscountInput, DomainError>| r.unwrap_err().field();
        assert_eq!(field(parse("X", "percent", "10", "", "")), "code");
        assert_eq!(field(parse("HAS SPACE", "percent", "10", "", "")), "code");
        assert_eq!(field(parse("ABC", "percent", "101", "", "")), "amount");
        assert_eq!(field(parse("ABC", "percent", "0", "", "")), "amount");
        assert_eq!(field(parse("ABC", "fixed", "-5", "", "")), "amount");
        assert_eq!(field(parse("ABC", "free", "5", "", "")), "kind");
        assert_eq!(
            field(parse("ABC", "fixed", "5", "2026-12-31", "2026-12-01")),
            "last_day"
        );
        assert_eq!(
            field(parse("ABC", "fixed", "5", "2026-13-01", "")),
            "first_day"
        );
        let limits =
            DiscountInput::parse("", "ABC", "fixed", "5", "", "", "", "0", "", Currency::EUR);
        assert_eq!(field(limits), "usage_limit");
    }

    #[test]
    fn amounts_read_as_people_write_them() {
        let view = |kind| DiscountView {
            discount_id: 1,
            code: "A".into(),
            kind,
            min_subtotal: Money::new(0, Currency::EUR),
            first_day: None,
            last_day: None,
            usage_limit: None,
            per_customer_limit: None,
            used_count: 0,
            state: DiscountState::Active,
        };
        assert_eq!(view(DiscountKind::Percent(1000)).amount_label(), "10 %");
        assert_eq!(view(DiscountKind::Percent(1250)).amount_label(), "12.50 %");
    }
}
