//! One routed page per file.

pub mod account;
pub mod admin;
pub mod cart;
pub mod category;
pub mod checkout;
pub mod collection;
pub mod home;
pub mod order;
pub mod product;
pub mod search;
