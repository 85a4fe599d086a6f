//! Sort orders and keyset-pagination cursors for product listings.
//!
//! A cursor names the last product of a page by its sort key and id, so the next page is an index range scan
//! (`(key, id) > (cursor)`) instead of an OFFSET that gets slower with every page. It is an opaque string to the
//! browser; here it is parsed strictly, and a cursor made for one sort order is refused for another.

use super::DomainError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum SortOrder {
    #[default]
    Newest,
    PriceLowHigh,
    PriceHighLow,
    Name,
}

impl SortOrder {
    pub const ALL: [SortOrder; 4] = [
        SortOrder::Newest,
        SortOrder::PriceLowHigh,
        SortOrder::PriceHighLow,
        SortOrder::Name,
    ];
    const ALLOWED: &'static str = "newest, price, price-desc, name";

    /// Parses the `sort` query parameter; absent or empty means the default.
    pub fn parse(raw: Option<&str>) -> Result<Self, DomainError> {
        match raw.map(str::trim) {
            None | Some("") => Ok(SortOrder::default()),
            Some("newest") => Ok(SortOrder::Newest),
            Some("price") => Ok(SortOrder::PriceLowHigh),
            Some("price-desc") => Ok(SortOrder::PriceHighLow),
            Some("name") => Ok(SortOrder::Name),
            Some(_) => Err(DomainError::Sort {
                allowed: Self::ALLOWED,
            }),
        }
    }

    pub fn as_param(&self) -> &'static str {
        match self {
            SortOrder::Newest => "newest",
            SortOrder::PriceLowHigh => "price",
            SortOrder::PriceHighLow => "price-desc",
            SortOrder::Name => "name",
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            SortOrder::Newest => "Newest",
            SortOrder::PriceLowHigh => "Price: low to high",
            SortOrder::PriceHighLow => "Price: high to low",
            SortOrder::Name => "Name: A to Z",
        }
    }
}

/// The sort key of the last product on a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CursorKey {
    /// Creation time in microseconds since the Unix epoch.
    Newest(i64),
    /// Lowest variant price in minor units.
    Price(i64),
    Name(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub key: CursorKey,
    pub id: i64,
}

impl Cursor {
    const MAX_LEN: usize = 1024;

    /// "n.<micros>.<id>", "p.<minor>.<id>" or "a.<hex of name>.<id>": readable, URL-safe, no dependencies.
    pub fn encode(&self) -> String {
        match &self.key {
            CursorKey::Newest(t) => format!("n.{t}.{}", self.id),
            CursorKey::Price(p) => format!("p.{p}.{}", self.id),
            CursorKey::Name(name) => {
                let hex: String = name.bytes().map(|b| format!("{b:02x}")).collect();
                format!("a.{hex}.{}", self.id)
            }
        }
    }

    /// Parses the `after` parameter for the given sort order.
    pub fn parse(raw: &str, sort: SortOrder) -> Result<Self, DomainError> {
        if raw.len() > Self::MAX_LEN {
            return Err(DomainError::Cursor);
        }
        let mut parts = raw.split('.');
        let (Some(kind), Some(key), Some(id), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(DomainError::Cursor);
        };
        let id: i64 = id
            .parse()
            .ok()
            .filter(|id| *id > 0)
            .ok_or(DomainError::Cursor)?;
        let key = match (kind, sort) {
            ("n", SortOrder::Newest) => {
                CursorKey::Newest(key.parse().map_err(|_| DomainError::Cursor)?)
            }
            ("p", SortOrder::PriceLowHigh | SortOrder::PriceHighLow) => CursorKey::Price(
                key.parse()
                    .ok()
                    .filter(|p: &i64| *p >= 0)
                    .ok_or(DomainError::Cursor)?,
            ),
            ("a", SortOrder::Name) => CursorKey::Name(decode_hex(key).ok_or(DomainError::Cursor)?),
            _ => return Err(DomainError::Cursor),
        };
        Ok(Cursor { key, id })
    }
}

fn decode_hex(hex: &str) -> Option<String> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    let bytes = (0..hex.len())
        .step_by(2)
        .map(|i| {
            hex.get(i..i + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
        })
        .collect::<Option<Vec<u8>>>()?;
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn sort_parses_known_values_and_defaults() {
        assert_eq!(SortOrder::parse(None), Ok(SortOrder::Newest));
        assert_eq!(SortOrder::parse(Some("")), Ok(SortOrder::Newest));
        for sort in SortOrder::ALL {
            assert_eq!(SortOrder::parse(Some(sort.as_param())), Ok(sort));
        }
        assert!(matches!(
            SortOrder::parse(Some("cheapest")),
            Err(DomainError::Sort { .. })
        ));
        assert!(matches!(
            SortOrder::parse(Some("PRICE")),
            Err(DomainError::Sort { .. })
        ));
    }

    #[test]
    fn cursors_round_trip() {
        let cases = [
            (
                Cursor {
                    key: CursorKey::Newest(1_764_000_000_000_000),
                    id: 7,
                },
                SortOrder::Newest,
            ),
            (
                Cursor {
                    key: CursorKey::Price(1299),
                    id: 42,
                },
                SortOrder::PriceLowHigh,
            ),
            (
                Cursor {
                    key: CursorKey::Price(0),
                    id: 1,
                },
                SortOrder::PriceHighLow,
            ),
            (
                Cursor {
                    key: CursorKey::Name("Linen shirt. Blue".into()),
                    id: 3,
                },
                SortOrder::Name,
            ),
        ];
        for (cursor, sort) in cases {
            assert_eq!(Cursor::parse(&cursor.encode(), sort), Ok(cursor));
        }
    }

    #[test]
    fn cursors_refuse_garbage_and_other_sorts() {
        let bad = [
            ("", SortOrder::Newest),
            ("n.1", SortOrder::Newest),
            ("n.1.2.3", SortOrder::Newest),
            ("n.x.2", SortOrder::Newest),
            ("n.1.-2", SortOrder::Newest),
            ("n.1.0", SortOrder::Newest),
            ("p.-5.2", SortOrder::PriceLowHigh),
            ("p.5.2", SortOrder::Newest),
            ("a.zz.2", SortOrder::Name),
            ("a.f.2", SortOrder::Name),
            ("a.ff.2", SortOrder::Name),
        ];
        for (raw, sort) in bad {
            assert_eq!(Cursor::parse(raw, sort), Err(DomainError::Cursor), "{raw}");
        }
        assert_eq!(
            Cursor::parse(&"n".repeat(2000), SortOrder::Newest),
            Err(DomainError::Cursor)
        );
    }

    proptest! {
        #[test]
        fn name_cursors_round_trip(name in ".{0,60}", id in 1i64..i64::MAX) {
            let cursor = Cursor { key: CursorKey::Name(name), id };
            prop_assert_eq!(Cursor::parse(&cursor.encode(), SortOrder::Name), Ok(cursor));
        }

        #[test]
        fn parse_never_panics(raw in ".{0,80}") {
            for sort in SortOrder::ALL {
                let _ = Cursor::parse(&raw, sort);
            }
        }
    }
}
