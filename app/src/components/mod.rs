//! Reusable pieces of UI.

pub mod address_fields;
pub mod address_validation;
pub mod card_fields;
pub mod cart_state;
pub mod error_view;
pub mod layout;
pub mod order_summary;
pub mod page_meta;
pub mod price;
pub mod product_card;
pub mod recently_viewed;
pub mod results;
pub mod search_box;
pub mod signed_in;
