use super::DomainError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A stock keeping unit: upper-case letters, digits and dashes, starting with a letter or digit, at most 64.
/// Matches the `variant.sku` check constraint.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Sku(String);

impl Sku {
    pub const MAX_LEN: usize = 64;

    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let s = raw.trim();
        let valid = !s.is_empty()
            && s.len() <= Self::MAX_LEN
            && s.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-');
        valid.then(|| Sku(s.to_string())).ok_or(DomainError::Sku)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Sku {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_valid_skus() {
        assert_eq!(Sku::parse("TEE-001-M").unwrap().as_str(), "TEE-001-M");
        assert_eq!(Sku::parse("  A1 ").unwrap().as_str(), "A1");
    }

    #[test]
    fn refuses_everything_else() {
        let long = "A".repeat(65);
        for bad in [
            "",
            " ",
            "-A",
            "tee-1",
            "A B",
            "A_B",
            "Ä",
            "1;drop table",
            long.as_str(),
        ] {
            assert_eq!(Sku::parse(bad), Err(DomainError::Sku), "{bad}");
        }
    }
}
