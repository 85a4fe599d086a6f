//! What the admin area shows and the input its forms send: the start page, orders, stock and the audit log.

pub mod audit;
pub mod catalog;
pub mod categories;
pub mod customers;
pub mod dashboard;
pub mod discounts;
pub mod imports;
pub mod orders;
pub mod product_form;
pub mod stock;

use super::DomainError;
use serde::{Deserialize, Serialize};

/// The shop at a glance: the work waiting for staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminOverview {
    /// Who is looking, and as what.
    pub email: String,
    pub role: super::account::Role,
    pub orders_today: i64,
    pub awaiting_payment: i64,
    /// Paid and not yet shipped.
    pub to_ship: i64,
    pub accounts: i64,
    pub low_stock_variants: i64,
}

/// An id typed or sent back by a form: blank is `None`; anything but a positive whole number is refused with
/// `message` on `field`.
pub fn optional_id(
    raw: &str,
    field: &'static str,
    message: &'static str,
) -> Result<Option<i64>, DomainError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .map(Some)
        .ok_or(DomainError::Field { field, message })
}

/// A display name (required, at most 200 characters) and its web address: the one typed, or one made from the
/// name when blank. `example` shows the form a slug takes.
pub fn name_and_slug(
    name: &str,
    slug: &str,
    example: &'static str,
) -> Result<(String, super::slug::Slug), DomainError> {
    use super::slug::Slug;
    let name = name.trim();
    if name.is_empty() {
        return Err(DomainError::Required { field: "name" });
    }
    if name.chars().count() > 200 {
        return Err(DomainError::TooLong {
            field: "name",
            max: 200,
        });
    }
    let slug = match slug.trim() {
        "" => Slug::from_name(name).map_err(|_| DomainError::Field {
            field: "slug",
            message: "Enter a web address of letters, digits and dashes: the name has none to suggest one.",
        })?,
        raw => Slug::parse(raw).map_err(|_| DomainError::Field {
            field: "slug",
            message: example,
        })?,
    };
    Ok((name.to_string(), slug))
}

/// A free-text note staff add to an action: trimmed, at most `max` characters, `None` when blank.
pub fn note(raw: &str, field: &'static str, max: usize) -> Result<Option<String>, DomainError> {
    let raw = raw.trim();
    if raw.chars().count() > max {
        return Err(DomainError::TooLong { field, max });
    }
    Ok((!raw.is_empty()).then(|| raw.to_string()))
}

/// A calendar day typed as `YYYY-MM-DD` (what `<input type="date">` sends); the server checks it is a real day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Day {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Day {
    pub fn parse(raw: &str, field: &'static str) -> Result<Option<Day>, DomainError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(None);
        }
        let refuse = DomainError::Field {
            field,
            message: "Please enter a date like 2026-12-31.",
        };
        let bytes = raw.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return Err(refuse);
        }
        let num = |r: std::ops::Range<usize>| raw[r].parse::<u32>().ok();
        match (num(0..4), num(5..7), num(8..10)) {
            (Some(y), Some(m), Some(d))
                if (2000..=2999).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d) =>
            {
                Ok(Some(Day {
                    year: y as i32,
                    month: m,
                    day: d,
                }))
            }
            _ => Err(refuse),
        }
    }
}

impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_parse_or_say_why() {
        assert_eq!(Day::parse("", "from"), Ok(None));
        assert_eq!(
            Day::parse("2026-02-03", "from")
                .unwrap()
                .unwrap()
                .to_string(),
            "2026-02-03"
        );
        for bad in [
            "2026-2-3",
            "03/02/2026",
            "2026-13-01",
            "2026-00-10",
            "1999-01-01",
            "x",
        ] {
            assert!(Day::parse(bad, "from").is_err(), "{bad}");
        }
    }

    #[test]
    fn notes_are_trimmed_and_bounded() {
        assert_eq!(note("  ", "note", 10), Ok(None));
        assert_eq!(note(" hi ", "note", 10), Ok(Some("hi".into())));
        assert!(note(&"x".repeat(11), "note", 10).is_err());
    }
}
