//! Plain Rust types that parse input and hold the shop's rules. No I/O and no `cfg`: the same code runs on the
//! server (which always parses) and in the browser (which may parse early for instant feedback).

pub mod account;
pub mod address;
pub mod admin;
pub mod cart;
pub mod catalog;
pub mod checkout;
pub mod email;
pub mod flags;
pub mod listing;
pub mod money;
pub mod order;
pub mod quantity;
pub mod results;
pub mod returns;
pub mod search;
pub mod seo;
pub mod shipment;
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
    #[error("Please enter a valid email address, like name@example.com.")]
    Email,
    #[error("We do not ship to that country.")]
    Country,
    #[error("That postal code does not look right for this country (for example {example}).")]
    PostalCode { example: &'static str },
    #[error("Please fill in this field.")]
    Required { field: &'static str },
    #[error("Please use at most {max} characters.")]
    TooLong { field: &'static str, max: usize },
    #[error("Please enter a phone number with 6 to 15 digits.")]
    Phone,
    #[error("An order that is {from} cannot become {to}.")]
    Transition {
        from: &'static str,
        to: &'static str,
    },
    #[error("That discount code is not valid yet.")]
    DiscountNotStarted,
    #[error("That discount code has expired.")]
    DiscountExpired,
    #[error("This code needs an order of at least {minimum}.")]
    DiscountMinimum { minimum: String },
    #[error("Please choose how you would like to pay.")]
    PaymentMethod,
    #[error("Please enter your card details in the card fields.")]
    CardToken,
    #[error("Please choose a password of {min} to {max} characters.")]
    PasswordLength { min: usize, max: usize },
    #[error("That password is too easy to guess; please choose another.")]
    PasswordCommon,
    /// One row of a product's variants was refused; `row` counts from 1 as the form shows them.
    #[error("Variant {row}: {message}")]
    Variant { row: usize, message: String },
    /// An uploaded file refused as a whole (not a CSV, a column missing), in words for people.
    #[error("{message}")]
    File { message: String },
    /// A field refused for a reason of its own, in words for people.
    #[error("{message}")]
    Field {
        field: &'static str,
        message: &'static str,
    },
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
            DomainError::Email => "email",
            DomainError::Country => "country",
            DomainError::PostalCode { .. } => "postal_code",
            DomainError::Required { field }
            | DomainError::TooLong { field, .. }
            | DomainError::Field { field, .. } => field,
            DomainError::Phone => "phone",
            DomainError::Variant { .. } => "variants",
            DomainError::File { .. } => "file",
            DomainError::Transition { .. } => "status",
            DomainError::DiscountNotStarted
            | DomainError::DiscountExpired
            | DomainError::DiscountMinimum { .. } => "discount_code",
            DomainError::PaymentMethod => "payment_method",
            DomainError::CardToken => "card",
            DomainError::PasswordLength { .. } | DomainError::PasswordCommon => "password",
        }
    }
}
