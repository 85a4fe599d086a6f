//! Search and listing filters: the shopper's query, the filters in the URL, the sort orders of a result page and
//! its cursors, and the highlighting of matched words. Everything here parses strictly and never panics: a query
//! or parameter a person could type (or a bot could send) becomes a value or a `DomainError` naming the field.

use super::listing::{Cursor, CursorKey, SortOrder};
use super::DomainError;
use serde::{Deserialize, Serialize};

/// The longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// At most this many option filters (Size, Colour, …) at once.
pub const MAX_OPTION_FILTERS: usize = 8;

/// What the shopper typed, cleaned: only letters, digits, quotes and hyphens kept (the rest separate words),
/// whitespace collapsed, at most
/// [`MAX_QUERY_CHARS`] characters, and at least one letter or digit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchText(String);

impl SearchText {
    /// `Ok(None)` when there is nothing to search for (empty, or only punctuation and symbols).
    pub fn parse(raw: &str) -> Result<Option<Self>, DomainError> {
        if raw.chars().count() > MAX_QUERY_CHARS * 4 {
            return Err(DomainError::TooLong {
                field: "q",
                max: MAX_QUERY_CHARS,
            });
        }
        let cleaned: String = raw
            .chars()
            // Letters, digits, quotes (phrases) and hyphens (exclusions, SKUs) carry meaning; everything else
            // (punctuation, symbols, emoji, control characters) separates words.
            .map(|c| {
                if c.is_alphanumeric() || c == '"' || c == '-' {
                    c
                } else {
                    ' '
                }
            })
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if cleaned.chars().count() > MAX_QUERY_CHARS {
            return Err(DomainError::TooLong {
                field: "q",
                max: MAX_QUERY_CHARS,
            });
        }
        if !cleaned.chars().any(char::is_alphanumeric) {
            return Ok(None);
        }
        Ok(Some(Self(cleaned)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The words a product must match, lowercased, without operators: quoted phrases are split into their words,
    /// `-word` (excluded) and `or` are left out. Used for highlighting and typo correction.
    pub fn words(&self) -> Vec<String> {
        let mut words = Vec::new();
        for token in self.0.split_whitespace() {
            if token.starts_with('-') || token.eq_ignore_ascii_case("or") {
                continue;
            }
            for word in token.split(|c: char| !c.is_alphanumeric()) {
                if !word.is_empty() {
                    words.push(word.to_lowercase());
                }
            }
        }
        words
    }

    /// The last word when it can be the start of a longer one: a plain word of two or more letters or digits at
    /// the end of the query (not excluded, not inside quotes). "rain jack" also finds "rain jacket".
    pub fn prefix_word(&self) -> Option<String> {
        if self.0.matches('"').count() % 2 == 1 || self.0.ends_with('"') {
            return None;
        }
        let mut words = self.0.split_whitespace().rev();
        let last = words.next()?;
        // "coat or jack": the prefix search ANDs the rest with the last word, which would lose the `or`.
        let after_or = words.next().is_some_and(|w| w.eq_ignore_ascii_case("or"));
        let plain = last.chars().all(char::is_alphanumeric);
        (plain && !after_or && last.chars().count() >= 2 && !last.eq_ignore_ascii_case("or"))
            .then(|| last.to_lowercase())
    }

    /// Everything but the last word, for combining with [`Self::prefix_word`].
    pub fn without_last_word(&self) -> String {
        match self.0.rsplit_once(' ') {
            Some((head, _)) => head.to_string(),
            None => String::new(),
        }
    }

    /// The query as an upper-case SKU when it could be one (one token of letters, digits and hyphens).
    pub fn as_sku(&self) -> Option<String> {
        let upper = self.0.to_uppercase();
        super::sku::Sku::parse(&upper)
            .ok()
            .map(|s| s.as_str().to_string())
    }

    /// The query with words replaced: `corrections` pairs a lowercased word with its replacement.
    pub fn with_corrections(&self, corrections: &[(String, String)]) -> Self {
        let replaced = self
            .0
            .split_whitespace()
            .map(|token| {
                corrections
                    .iter()
                    .find(|(from, _)| token.to_lowercase() == *from)
                    .map(|(_, to)| to.clone())
                    .unwrap_or_else(|| token.to_string())
            })
            .collect::<Vec<_>>()
            .join(" ");
        Self(replaced)
    }
}

/// The sort of a search result page: relevance first, or one of the listing orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum SearchSort {
    #[default]
    Relevance,
    Listing(SortOrder),
}

impl SearchSort {
    pub fn parse(raw: Option<&str>) -> Result<Self, DomainError> {
        match raw.map(str::trim) {
            None | Some("") | Some("relevance") => Ok(SearchSort::Relevance),
            Some(other) => SortOrder::parse(Some(other))
                .map(SearchSort::Listing)
                .map_err(|_| DomainError::Sort {
                    allowed: "relevance, newest, price, price-desc, name",
                }),
        }
    }

    pub fn as_param(&self) -> &'static str {
        match self {
            SearchSort::Relevance => "relevance",
            SearchSort::Listing(s) => s.as_param(),
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            SearchSort::Relevance => "Best match",
            SearchSort::Listing(s) => s.label(),
        }
    }

    pub fn all() -> impl Iterator<Item = SearchSort> {
        std::iter::once(SearchSort::Relevance)
            .chain(SortOrder::ALL.into_iter().map(SearchSort::Listing))
    }
}

/// A price range in whole units of the shop's currency, from the `price` parameter: "25-50", "200-" or "-25".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceRange {
    pub min: Option<u32>,
    pub max: Option<u32>,
}

impl PriceRange {
    /// The bands a listing offers as price facets.
    pub const BANDS: [PriceRange; 5] = [
        PriceRange {
            min: None,
            max: Some(25),
        },
        PriceRange {
            min: Some(25),
            max: Some(50),
        },
        PriceRange {
            min: Some(50),
            max: Some(100),
        },
        PriceRange {
            min: Some(100),
            max: Some(200),
        },
        PriceRange {
            min: Some(200),
            max: None,
        },
    ];

    pub fn parse(raw: &str) -> Result<Option<Self>, DomainError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(None);
        }
        let invalid = || DomainError::Field {
            field: "price",
            message: "Choose a price range like 25-50.",
        };
        let (min, max) = raw.split_once('-').ok_or_else(invalid)?;
        let bound = |s: &str| -> Result<Option<u32>, DomainError> {
            let s = s.trim();
            if s.is_empty() {
                return Ok(None);
            }
            if s.len() > 7 || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid());
            }
            s.parse().map(Some).map_err(|_| invalid())
        };
        let range = PriceRange {
            min: bound(min)?,
            max: bound(max)?,
        };
        match (range.min, range.max) {
            (None, None) => Err(invalid()),
            (Some(lo), Some(hi)) if lo > hi => Err(DomainError::Field {
                field: "price",
                message: "The lowest price must not be above the highest.",
            }),
            _ => Ok(Some(range)),
        }
    }

    pub fn as_param(&self) -> String {
        let part = |b: Option<u32>| b.map(|v| v.to_string()).unwrap_or_default();
        format!("{}-{}", part(self.min), part(self.max))
    }

    /// "Under €25.00", "€25.00 to €50.00", "€200.00 and above", with `money` formatting a bound.
    pub fn label(&self, money: impl Fn(u32) -> String) -> String {
        match (self.min, self.max) {
            (None, Some(hi)) => format!("Under {}", money(hi)),
            (Some(lo), None) => format!("{} and above", money(lo)),
            (Some(lo), Some(hi)) => format!("{} to {}", money(lo), money(hi)),
            (None, None) => "Any price".to_string(),
        }
    }

    /// Minor units, min inclusive and max exclusive, for a currency with `minor_per_unit` (100 for EUR).
    pub fn minor_bounds(&self, minor_per_unit: i64) -> (Option<i64>, Option<i64>) {
        (
            self.min.map(|v| i64::from(v) * minor_per_unit),
            self.max.map(|v| i64::from(v) * minor_per_unit),
        )
    }

    pub fn contains_minor(&self, price_minor: i64, minor_per_unit: i64) -> bool {
        let (lo, hi) = self.minor_bounds(minor_per_unit);
        lo.is_none_or(|lo| price_minor >= lo) && hi.is_none_or(|hi| price_minor < hi)
    }
}

/// One option filter: `Size:M` in the `o` parameter.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OptionFilter {
    pub name: String,
    pub value: String,
}

impl OptionFilter {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let invalid = DomainError::Field {
            field: "o",
            message: "Choose an option filter like Size:M.",
        };
        let (name, value) = raw.split_once(':').ok_or(invalid.clone())?;
        let (name, value) = (name.trim(), value.trim());
        let ok = |s: &str, max: usize| {
            !s.is_empty() && s.chars().count() <= max && !s.chars().any(char::is_control)
        };
        if !ok(name, 60) || !ok(value, 100) {
            return Err(invalid);
        }
        Ok(Self {
            name: name.to_string(),
            value: value.to_string(),
        })
    }

    pub fn as_param(&self) -> String {
        format!("{}:{}", self.name, self.value)
    }

    /// The facet term the search index stores for this option value.
    pub fn term(&self) -> String {
        format!("o:{}={}", self.name, self.value)
    }

    /// The term of this value when some variant with it is in stock.
    pub fn stocked_term(&self) -> String {
        format!("s:{}={}", self.name, self.value)
    }
}

/// The filters of a search or listing page, as the URL carries them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filters {
    /// A category slug (search pages; a category page is its own category filter).
    pub category: Option<String>,
    pub price: Option<PriceRange>,
    pub options: Vec<OptionFilter>,
    pub in_stock: bool,
    pub on_sale: bool,
}

impl Filters {
    /// Parses the raw parameters: `category`, `price`, `o` (repeated), `in_stock`, `on_sale`.
    pub fn parse(
        category: Option<&str>,
        price: Option<&str>,
        options: &[String],
        in_stock: Option<&str>,
        on_sale: Option<&str>,
    ) -> Result<Self, DomainError> {
        let category = match category.map(str::trim) {
            None | Some("") => None,
            Some(slug) => Some(
                super::slug::Slug::parse(slug)
                    .map_err(|_| DomainError::Field {
                        field: "category",
                        message: "That category does not exist.",
                    })?
                    .as_str()
                    .to_string(),
            ),
        };
        if options.len() > MAX_OPTION_FILTERS {
            return Err(DomainError::Field {
                field: "o",
                message: "Choose at most 8 option filters.",
            });
        }
        let mut parsed: Vec<OptionFilter> = Vec::new();
        for raw in options.iter().filter(|o| !o.trim().is_empty()) {
            let filter = OptionFilter::parse(raw)?;
            if !parsed.contains(&filter) {
                parsed.push(filter);
            }
        }
        Ok(Self {
            category,
            price: price.map(PriceRange::parse).transpose()?.flatten(),
            options: parsed,
            in_stock: flag(in_stock, "in_stock")?,
            on_sale: flag(on_sale, "on_sale")?,
        })
    }

    pub fn is_empty(&self) -> bool {
        self == &Filters::default()
    }

    /// The facet terms a product must carry (all of them), besides the category's, which needs its id.
    /// With "in stock", an option filter asks for that value in stock ('s:Size=M'), not only listed.
    pub fn terms(&self) -> Vec<String> {
        let mut terms: Vec<String> = self
            .options
            .iter()
            .map(|o| {
                if self.in_stock {
                    o.stocked_term()
                } else {
                    o.term()
                }
            })
            .collect();
        if self.in_stock {
            terms.push("stock".into());
        }
        if self.on_sale {
            terms.push("sale".into());
        }
        terms
    }

    /// The filters as query parameters (`&`-joined, URL-encoded), in a fixed order.
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        let mut params = Vec::new();
        if let Some(c) = &self.category {
            params.push(("category", c.clone()));
        }
        if let Some(p) = &self.price {
            params.push(("price", p.as_param()));
        }
        for o in &self.options {
            params.push(("o", o.as_param()));
        }
        if self.in_stock {
            params.push(("in_stock", "1".into()));
        }
        if self.on_sale {
            params.push(("on_sale", "1".into()));
        }
        params
    }

    /// A short fingerprint of the filters, so a cursor made for one set of filters is refused for another.
    fn fingerprint_into(&self, hash: &mut Fnv) {
        for (k, v) in self.to_query() {
            hash.write(k.as_bytes());
            hash.write(v.as_bytes());
        }
    }
}

fn flag(raw: Option<&str>, field: &'static str) -> Result<bool, DomainError> {
    match raw.map(str::trim) {
        None | Some("") | Some("0") | Some("false") => Ok(false),
        Some("1") | Some("true") | Some("on") => Ok(true),
        Some(_) => Err(DomainError::Field {
            field,
            message: "Use 1 to turn this filter on.",
        }),
    }
}

/// URL-encodes one query parameter value.
pub fn encode_param(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Builds `path?k=v&…` from pairs, leaving out empty values.
pub fn href(path: &str, params: &[(&str, String)]) -> String {
    let query: Vec<String> = params
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", encode_param(v)))
        .collect();
    if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

/// 32-bit FNV-1a: a stable, dependency-free fingerprint (not a security measure; cursors carry no secrets).
struct Fnv(u32);
impl Fnv {
    fn new() -> Self {
        Fnv(0x811c_9dc5)
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes.iter().chain(std::iter::once(&0xff)) {
            self.0 ^= u32::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0193);
        }
    }
}

/// The position after the last product of a result page: its sort key and id, tied to the query, filters and
/// sort it was made for.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchCursor {
    pub key: SearchKey,
    pub id: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SearchKey {
    /// Relevance, higher first; the score's bits so the cursor round-trips exactly.
    Rank(u32),
    Listing(CursorKey),
}

impl SearchCursor {
    fn fingerprint(scope: &str, filters: &Filters, sort: SearchSort) -> String {
        let mut hash = Fnv::new();
        hash.write(scope.to_lowercase().as_bytes());
        filters.fingerprint_into(&mut hash);
        hash.write(sort.as_param().as_bytes());
        format!("{:08x}", hash.0)
    }

    /// `scope` is the query text (search) or the listing's slug (category, collection).
    pub fn encode(&self, scope: &str, filters: &Filters, sort: SearchSort) -> String {
        let body = match &self.key {
            SearchKey::Rank(bits) => format!("r.{bits}.{}", self.id),
            SearchKey::Listing(key) => Cursor {
                key: key.clone(),
                id: self.id,
            }
            .encode(),
        };
        format!("{body}.{}", Self::fingerprint(scope, filters, sort))
    }

    pub fn parse(
        raw: &str,
        scope: &str,
        filters: &Filters,
        sort: SearchSort,
    ) -> Result<Self, DomainError> {
        let (body, fingerprint) = raw.rsplit_once('.').ok_or(DomainError::Cursor)?;
        if fingerprint != Self::fingerprint(scope, filters, sort) {
            return Err(DomainError::Cursor);
        }
        match sort {
            SearchSort::Relevance => {
                let mut parts = body.split('.');
                let (Some("r"), Some(bits), Some(id), None) =
                    (parts.next(), parts.next(), parts.next(), parts.next())
                else {
                    return Err(DomainError::Cursor);
                };
                let bits: u32 = bits.parse().map_err(|_| DomainError::Cursor)?;
                let id: i64 = id
                    .parse()
                    .ok()
                    .filter(|id| *id > 0)
                    .ok_or(DomainError::Cursor)?;
                if !f32::from_bits(bits).is_finite() {
                    return Err(DomainError::Cursor);
                }
                Ok(Self {
                    key: SearchKey::Rank(bits),
                    id,
                })
            }
            SearchSort::Listing(order) => {
                let cursor = Cursor::parse(body, order)?;
                Ok(Self {
                    key: SearchKey::Listing(cursor.key),
                    id: cursor.id,
                })
            }
        }
    }
}

/// A piece of a highlighted name: text and whether it matched the query.
pub type Segment = (String, bool);

/// Splits `text` into segments, marking each word that starts with one of `words` (lowercase). Matching by prefix
/// covers plurals and other stems ("jacket" marks "Jackets") and the half-typed last word.
pub fn highlight(text: &str, words: &[String]) -> Vec<Segment> {
    let mut segments: Vec<Segment> = Vec::new();
    let mut push = |s: &str, marked: bool| match segments.last_mut() {
        Some((last, m)) if *m == marked => last.push_str(s),
        _ => segments.push((s.to_string(), marked)),
    };
    let mut rest = text;
    while !rest.is_empty() {
        let start = rest.find(char::is_alphanumeric).unwrap_or(rest.len());
        if start > 0 {
            push(&rest[..start], false);
            rest = &rest[start..];
            continue;
        }
        let end = rest
            .find(|c: char| !c.is_alphanumeric())
            .unwrap_or(rest.len());
        let word = &rest[..end];
        let lower = word.to_lowercase();
        let marked = words
            .iter()
            .any(|w| w.chars().count() >= 2 && lower.starts_with(w.as_str()));
        push(word, marked);
        rest = &rest[end..];
    }
    segments
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn queries_are_cleaned_and_bounded() {
        assert_eq!(SearchText::parse(""), Ok(None));
        assert_eq!(SearchText::parse("  !!! ??? "), Ok(None));
        assert_eq!(SearchText::parse("\0\u{1}"), Ok(None));
        let q = SearchText::parse(" rain\0  jacket\t").unwrap().unwrap();
        assert_eq!(q.as_str(), "rain jacket");
        assert!(SearchText::parse(&"a".repeat(10_000)).is_err());
        assert!(SearchText::parse(&"a".repeat(201)).is_err());
        assert!(SearchText::parse(&"a".repeat(200)).unwrap().is_some());
        assert_eq!(
            SearchText::parse("🧥 jacket!").unwrap().unwrap().as_str(),
            "jacket"
        );
        assert_eq!(
            SearchText::parse("a&!(b|c:*)").unwrap().unwrap().as_str(),
            "a b c"
        );
    }

    #[test]
    fn words_and_prefix() {
        let q = SearchText::parse(r#""rain jacket" or coat -wool jack"#)
            .unwrap()
            .unwrap();
        assert_eq!(q.words(), vec!["rain", "jacket", "coat", "jack"]);
        assert_eq!(q.prefix_word().as_deref(), Some("jack"));
        assert_eq!(q.without_last_word(), r#""rain jacket" or coat -wool"#);
        let quoted = SearchText::parse(r#""rain jack"#).unwrap().unwrap();
        assert_eq!(quoted.prefix_word(), None);
        let negated = SearchText::parse("coat -wool").unwrap().unwrap();
        assert_eq!(negated.prefix_word(), None);
        let either = SearchText::parse("coat or jack").unwrap().unwrap();
        assert_eq!(either.prefix_word(), None);
    }

    #[test]
    fn skus_are_recognised() {
        let q = SearchText::parse("tee-org-m").unwrap().unwrap();
        assert_eq!(q.as_sku().as_deref(), Some("TEE-ORG-M"));
        let q = SearchText::parse("rain jacket").unwrap().unwrap();
        assert_eq!(q.as_sku(), None);
    }

    #[test]
    fn corrections_replace_whole_words() {
        let q = SearchText::parse("Jaket blue").unwrap().unwrap();
        let fixed = q.with_corrections(&[("jaket".into(), "jacket".into())]);
        assert_eq!(fixed.as_str(), "jacket blue");
    }

    #[test]
    fn price_ranges() {
        assert_eq!(
            PriceRange::parse("25-50"),
            Ok(Some(PriceRange {
                min: Some(25),
                max: Some(50)
            }))
        );
        assert_eq!(
            PriceRange::parse("200-"),
            Ok(Some(PriceRange {
                min: Some(200),
                max: None
            }))
        );
        assert_eq!(PriceRange::parse(""), Ok(None));
        for bad in ["50-25", "-", "abc", "1e3-", "-99999999", "25", "1-2-3"] {
            assert!(PriceRange::parse(bad).is_err(), "{bad}");
        }
        for band in PriceRange::BANDS {
            assert_eq!(PriceRange::parse(&band.as_param()), Ok(Some(band)));
        }
        let band = PriceRange::BANDS[1];
        assert!(band.contains_minor(2500, 100));
        assert!(!band.contains_minor(5000, 100));
    }

    #[test]
    fn filters_parse_and_round_trip() {
        let f = Filters::parse(
            Some("t-shirts"),
            Some("25-50"),
            &["Size:M".into(), "Colour: Blue ".into(), "Size:M".into()],
            Some("1"),
            None,
        )
        .unwrap();
        assert_eq!(f.options.len(), 2);
        assert_eq!(f.terms(), vec!["s:Size=M", "s:Colour=Blue", "stock"]);
        assert!(Filters::parse(Some("Not A Slug"), None, &[], None, None).is_err());
        assert!(Filters::parse(None, None, &["nocolon".into()], None, None).is_err());
        assert!(Filters::parse(None, None, &[], Some("yes please"), None).is_err());
        let many: Vec<String> = (0..9).map(|i| format!("Size:{i}")).collect();
        assert!(Filters::parse(None, None, &many, None, None).is_err());
    }

    #[test]
    fn cursors_are_tied_to_their_query() {
        let filters = Filters::default();
        let cursor = SearchCursor {
            key: SearchKey::Rank(0.5f32.to_bits()),
            id: 42,
        };
        let raw = cursor.encode("jacket", &filters, SearchSort::Relevance);
        assert_eq!(
            SearchCursor::parse(&raw, "jacket", &filters, SearchSort::Relevance),
            Ok(cursor)
        );
        assert!(SearchCursor::parse(&raw, "coat", &filters, SearchSort::Relevance).is_err());
        let other = Filters {
            in_stock: true,
            ..Filters::default()
        };
        assert!(SearchCursor::parse(&raw, "jacket", &other, SearchSort::Relevance).is_err());
        let price = SearchSort::Listing(SortOrder::PriceLowHigh);
        assert!(SearchCursor::parse(&raw, "jacket", &filters, price).is_err());
        let listed = SearchCursor {
            key: SearchKey::Listing(CursorKey::Price(1999)),
            id: 7,
        };
        let raw = listed.encode("jacket", &filters, price);
        assert_eq!(
            SearchCursor::parse(&raw, "jacket", &filters, price),
            Ok(listed)
        );
    }

    #[test]
    fn highlighting_marks_word_starts() {
        let words = vec!["jacket".to_string(), "ra".to_string()];
        assert_eq!(
            highlight("Rain Jackets & coats", &words),
            vec![
                ("Rain".to_string(), true),
                (" ".to_string(), false),
                ("Jackets".to_string(), true),
                (" & coats".to_string(), false),
            ]
        );
    }

    proptest! {
        #[test]
        fn any_input_parses_or_errs_without_panicking(raw in ".{0,400}") {
            if let Ok(Some(q)) = SearchText::parse(&raw) {
                let _ = (q.words(), q.prefix_word(), q.without_last_word(), q.as_sku());
            }
            let _ = PriceRange::parse(&raw);
            let _ = OptionFilter::parse(&raw);
            let _ = SearchCursor::parse(&raw, "x", &Filters::default(), SearchSort::Relevance);
        }

        #[test]
        fn highlight_keeps_the_text(text in ".{0,80}", word in "[a-z]{0,6}") {
            let joined: String = highlight(&text, &[word]).into_iter().map(|(s, _)| s).collect();
            prop_assert_eq!(joined, text);
        }
    }
}
