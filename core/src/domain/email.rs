//! A shopper's email address, trimmed and checked for the shape mail servers accept. Deliverability is proven by
//! the confirmation email, not here.

use super::DomainError;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub const MAX_LEN: usize = 254;

    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let email = raw.trim();
        let (local, domain) = email.rsplit_once('@').ok_or(DomainError::Email)?;
        let ok = email.len() <= Self::MAX_LEN
            && (1..=64).contains(&local.len())
            && !local.contains('@')
            && domain.len() >= 3
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && local.chars().all(|c| {
                (!c.is_ascii() && !c.is_whitespace())
                    || c.is_ascii_alphanumeric()
                    || "!#$%&'*+/=?^_`{|}~.-".contains(c)
            })
            && !local.starts_with('.')
            && !local.ends_with('.')
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
        if !ok {
            return Err(DomainError::Email);
        }
        // The domain part is case-insensitive; the local part is kept as typed.
        Ok(Email(format!("{local}@{}", domain.to_lowercase())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Email {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Email::parse(&value)
    }
}

impl From<Email> for String {
    fn from(value: Email) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_addresses() {
        for (raw, parsed) in [
            ("ana@example.com", "ana@example.com"),
            (
                "  Ana.Perez+shop@Example.COM ",
                "Ana.Perez+shop@example.com",
            ),
            ("o'brien@mail.example.ie", "o'brien@mail.example.ie"),
            ("jörg@bücher.de", "jörg@bücher.de"),
        ] {
            assert_eq!(Email::parse(raw).unwrap().as_str(), parsed, "{raw}");
        }
    }

    #[test]
    fn refuses_malformed_ones() {
        for raw in [
            "",
            "ana",
            "ana@",
            "@example.com",
            "ana@example",
            "ana@@example.com",
            "ana @example.com",
            "ana@exa mple.com",
            "ana@.example.com",
            "ana@example..com",
            "ana@example.com.",
            "<script>@x.com",
        ] {
            assert_eq!(Email::parse(raw), Err(DomainError::Email), "{raw:?}");
        }
        let long = format!("{}@example.com", "a".repeat(65));
        assert!(Email::parse(&long).is_err());
    }
}
