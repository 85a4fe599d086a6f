//! Plain Rust types that parse input and hold the shop's rules. No I/O and no `cfg`: the same code runs on the
//! server (which always parses) and in the browser (which may parse early for instant feedback).

pub mod cart;
pub mod catalog;
pub mod listing;
pub mod money;
pub mod quantity;
pub mod sku;
pub mod slug;

use serde::{Deserialize, Serialize};

/// Why a value was refused. Each variant names the input so the UI can point at the field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum DomainError {
    #[error("Quantity must be between 1 and {max}.")]
    Quantity { max: u32 },
    #[error("That is not a valid SKU.")]
    Sku,
    #[error("That is not a valid address.")]
    Slug,
    #[error("Unknown sort order: choose one of {allowed}.")]
    Sort { allowed: &'static str },
    #[error("That page link is not valid; start again from the first page.")]
    Cursor,
    #[error("That is not a valid currency code.")]
    Currency,
    #[error("Amounts in different currencies cannot be added.")]
    CurrencyMismatch,
    #[error("That amount is too large.")]
    Overflow,
}

impl DomainError {
    /// The form field or query parameter the error is about.
    pub fn field(&self) -> &'static str {
        match self {
            DomainError::Quantity { .. } => "quantity",
            DomainError::Sku => "sku",
            DomainError::Slug => "slug",
            DomainError::Sort { .. } => "sort",
            DomainError::Cursor => "after",
            DomainError::Currency | DomainError::CurrencyMismatch | DomainError::Overflow => {
                "amount"
            }
        }
    }
}
