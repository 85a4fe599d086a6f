//! Accounts: a new password's rules (NIST SP 800-63B: length over composition, no known-weak passwords) and the
//! roles an account can have.

use super::DomainError;
use serde::{Deserialize, Serialize};

/// A password a shopper chose, checked but never stored: only its hash is.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

/// Passwords that pass the length rule and are still among the first an attacker tries.
const COMMON: [&str; 12] = [
    "password123",
    "password1234",
    "1234567890",
    "12345678910",
    "qwertyuiop",
    "1q2w3e4r5t",
    "iloveyou123",
    "qwerty12345",
    "abc1234567",
    "0987654321",
    "1111111111",
    "passwordpassword",
];

impl NewPassword {
    pub const MIN: usize = 10;
    /// Long passphrases are welcome; the cap only bounds the hashing work an attacker can ask for.
    pub const MAX: usize = 128;

    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let chars = raw.chars().count();
        if !(Self::MIN..=Self::MAX).contains(&chars) {
            return Err(DomainError::PasswordLength {
                min: Self::MIN,
                max: Self::MAX,
            });
        }
        let lower = raw.to_lowercase();
        let one_char = raw.chars().all(|c| raw.starts_with(c));
        if one_char || COMMON.contains(&lower.as_str()) {
            return Err(DomainError::PasswordCommon);
        }
        Ok(NewPassword(raw.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword([redacted])")
    }
}

/// What an account may do. Staff run the shop's daily work; admins also manage staff and settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Role {
    Customer,
    Staff,
    Admin,
}

impl Role {
    pub fn as_db(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Staff => "staff",
            Role::Admin => "admin",
        }
    }

    pub fn from_db(raw: &str) -> Option<Role> {
        [Role::Customer, Role::Staff, Role::Admin]
            .into_iter()
            .find(|r| r.as_db() == raw)
    }

    /// Whether this role includes everything `needed` may do.
    pub fn can(self, needed: Role) -> bool {
        self >= needed
    }
}

/// One order in an account's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountOrder {
    pub number: String,
    /// The order's own page (its secret link: the account owns it).
    pub link: String,
    pub status: super::order::OrderStatus,
    pub total: super::money::Money,
    /// RFC 3339.
    pub placed_at: String,
}

/// What the account page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub email: String,
    pub orders: Vec<AccountOrder>,
}

/// An address in the account's address book.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedAddress {
    pub id: i64,
    pub address: super::address::Address,
    /// Offered first at checkout.
    pub is_default: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_need_length_not_composition() {
        assert!(NewPassword::parse("correct horse battery staple").is_ok());
        assert!(NewPassword::parse("abcdefghij").is_ok());
        assert!(
            NewPassword::parse(&"é".repeat(10)).is_err(),
            "one repeated character"
        );
        assert!(
            NewPassword::parse("çàéèùâêîôû").is_ok(),
            "counted in characters, not bytes"
        );
        for short in ["", "short", "123456789"] {
            assert!(matches!(
                NewPassword::parse(short),
                Err(DomainError::PasswordLength { .. })
            ));
        }
        assert!(NewPassword::parse(&"ab".repeat(65)).is_err());
        assert_eq!(
            NewPassword::parse("Password123").map(|_| ()),
            Err(DomainError::PasswordCommon)
        );
        assert_eq!(
            NewPassword::parse("aaaaaaaaaaaa").map(|_| ()),
            Err(DomainError::PasswordCommon)
        );
    }

    #[test]
    fn passwords_do_not_print() {
        let p = NewPassword::parse("correct horse battery").unwrap();
        assert!(!format!("{p:?}").contains("horse"));
    }

    #[test]
    fn roles_are_ordered_by_what_they_may_do() {
        assert!(Role::Admin.can(Role::Staff) && Role::Staff.can(Role::Customer));
        assert!(!Role::Staff.can(Role::Admin) && !Role::Customer.can(Role::Staff));
        for r in [Role::Customer, Role::Staff, Role::Admin] {
            assert_eq!(Role::from_db(r.as_db()), Some(r));
        }
        assert_eq!(Role::from_db("root"), None);
    }
}
