use super::DomainError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The URL name of a product, category or collection: lower-case words of letters and digits joined by single
/// dashes, at most 120 characters. Matches the `slug` check constraints.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Slug(String);

impl Slug {
    pub const MAX_LEN: usize = 120;

    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let valid = !raw.is_empty()
            && raw.len() <= Self::MAX_LEN
            && raw.split('-').all(|word| {
                !word.is_empty()
                    && word
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            });
        valid
            .then(|| Slug(raw.to_string()))
            .ok_or(DomainError::Slug)
    }

    /// Makes a slug from a display name: "Linen Shirt — Blue" becomes "linen-shirt-blue".
    pub fn from_name(name: &str) -> Result<Self, DomainError> {
        let mut out = String::with_capacity(name.len());
        for c in name.chars() {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            } else if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        }
        while out.ends_with('-') {
            out.pop();
        }
        out.truncate(Self::MAX_LEN);
        Slug::parse(out.trim_end_matches('-'))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_valid_slugs() {
        for ok in ["shirts", "linen-shirt-2", "a", "x1-y2"] {
            assert!(Slug::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn refuses_bad_slugs() {
        let long = "a".repeat(121);
        for bad in [
            "",
            "-a",
            "a-",
            "a--b",
            "A",
            "a b",
            "a_b",
            "../etc",
            "%20",
            long.as_str(),
        ] {
            assert_eq!(Slug::parse(bad), Err(DomainError::Slug), "{bad}");
        }
    }

    #[test]
    fn derives_from_names() {
        assert_eq!(
            Slug::from_name("Linen Shirt — Blue").unwrap().as_str(),
            "linen-shirt-blue"
        );
        assert_eq!(
            Slug::from_name("  Mugs & Cups ").unwrap().as_str(),
            "mugs-cups"
        );
        assert!(Slug::from_name("——").is_err());
    }
}
