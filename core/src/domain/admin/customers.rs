//! Customers as staff see them: the list and its filters, one account with its orders and its saved addresses
//! (masked until a staff member opens them, which the audit log records), and what admins can do to an account.

use crate::domain::account::Role;
use crate::domain::address::Address;
use crate::domain::money::Money;
use crate::domain::order::OrderStatus;
use crate::domain::DomainError;
use serde::{Deserialize, Serialize};

/// The customer list's filters as typed; every field may be blank.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerFilter {
    /// Part of an email address.
    pub q: Option<String>,
    pub role: Option<Role>,
    /// `Some(true)`: disabled accounts only; `Some(false)`: active ones only.
    pub disabled: Option<bool>,
    /// Keyset cursor: accounts with a smaller id than this (newest first).
    pub after: Option<i64>,
}

impl CustomerFilter {
    pub fn parse(q: &str, role: &str, state: &str, after: &str) -> Result<Self, DomainError> {
        let q = super::note(q, "q", 100)?.map(|q| q.to_lowercase());
        let role = match role.trim() {
            "" => None,
            r => Some(Role::from_db(r).ok_or(DomainError::Field {
                field: "role",
                message: "Choose a role from the list.",
            })?),
        };
        let disabled = match state.trim() {
            "" => None,
            "active" => Some(false),
            "disabled" => Some(true),
            _ => {
                return Err(DomainError::Field {
                    field: "state",
                    message: "Choose active or disabled.",
                })
            }
        };
        let after = match after.trim() {
            "" => None,
            raw => Some(
                raw.parse::<i64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or(DomainError::Cursor)?,
            ),
        };
        Ok(CustomerFilter {
            q,
            role,
            disabled,
            after,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerSummary {
    pub customer_id: i64,
    pub email: String,
    pub role: Role,
    pub created_at: String,
    pub disabled: bool,
    pub orders: i64,
    pub last_order_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerList {
    pub customers: Vec<CustomerSummary>,
    pub next: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerOrder {
    pub number: String,
    pub placed_at: String,
    pub status: OrderStatus,
    pub total: Money,
}

/// A saved address: always its masked outline; the whole address only when opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerAddress {
    pub masked: String,
    pub is_default: bool,
    pub address: Option<Address>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerDetail {
    pub customer_id: i64,
    pub email: String,
    pub role: Role,
    pub created_at: String,
    pub disabled_at: Option<String>,
    /// Sessions signed in now.
    pub sessions: i64,
    /// The latest 50 orders, newest first.
    pub orders: Vec<CustomerOrder>,
    pub addresses: Vec<CustomerAddress>,
    /// Whether the addresses were opened for this view (and the opening audited).
    pub revealed: bool,
}

/// What an admin does to an account from its page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CustomerAction {
    /// Ends its sessions; it cannot sign in or reset its password until enabled again.
    Disable,
    Enable,
    /// Emails a password-reset link to the account's address.
    SendPasswordReset,
}

impl CustomerAction {
    pub fn as_str(self) -> &'static str {
        match self {
            CustomerAction::Disable => "disable",
            CustomerAction::Enable => "enable",
            CustomerAction::SendPasswordReset => "send_password_reset",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        [
            CustomerAction::Disable,
            CustomerAction::Enable,
            CustomerAction::SendPasswordReset,
        ]
        .into_iter()
        .find(|a| a.as_str() == raw.trim())
        .ok_or(DomainError::Field {
            field: "action",
            message: "Choose an action from the page.",
        })
    }
}

/// An address reduced to what identifies it without revealing it: `J••• · 75••• · France`.
pub fn mask(address: &Address) -> String {
    let first = |s: &str, n: usize| s.chars().take(n).collect::<String>();
    format!(
        "{}••• · {}••• · {}",
        first(address.name.trim(), 1),
        first(address.postal_code.trim(), 2),
        address.country.name()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::address::Country;

    #[test]
    fn filters_parse_or_name_the_field() {
        let f = CustomerFilter::parse(" Ana@Example ", "staff", "disabled", "12").unwrap();
        assert_eq!(f.q.as_deref(), Some("ana@example"));
        assert_eq!(f.role, Some(Role::Staff));
        assert_eq!(f.disabled, Some(true));
        assert_eq!(f.after, Some(12));
        assert_eq!(
            CustomerFilter::parse("", "", "", "").unwrap(),
            CustomerFilter::default()
        );
        assert_eq!(
            CustomerFilter::parse("", "boss", "", "")
                .unwrap_err()
                .field(),
            "role"
        );
        assert_eq!(
            CustomerFilter::parse("", "", "gone", "")
                .unwrap_err()
                .field(),
            "state"
        );
        assert_eq!(
            CustomerFilter::parse("", "", "", "-4").unwrap_err().field(),
            "after"
        );
    }

    #[test]
    fn a_masked_address_shows_no_street_name_or_full_postal_code() {
        let a = Address {
            name: "Jeanne Dupont".into(),
            line1: "12 rue de la Paix".into(),
            line2: None,
            city: "Paris".into(),
            postal_code: "75002".into(),
            country: Country::parse("FR").unwrap(),
            phone: Some("+33123456789".into()),
        };
        let m = mask(&a);
        assert_eq!(m, "J••• · 75••• · France");
        for secret in ["Dupont", "Paix", "75002", "Paris", "+33"] {
            assert!(!m.contains(secret), "{secret}");
        }
    }

    #[test]
    fn actions_parse() {
        assert_eq!(
            CustomerAction::parse("disable"),
            Ok(CustomerAction::Disable)
        );
        assert_eq!(
            CustomerAction::parse("send_password_reset"),
            Ok(CustomerAction::SendPasswordReset)
        );
        assert!(CustomerAction::parse("delete").is_err());
    }
}
