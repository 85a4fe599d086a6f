//! One routed page per file.

pub mod cart;
pub mod category;
pub mod home;
pub mod product;
