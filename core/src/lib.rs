//! Bazaar's core: the domain types that parse what people type (money, SKUs, quantities, addresses, emails, cart
//! pricing, order states) and `AppError`, the one error type that crosses the wire. Plain Rust with no database
//! and no web framework, compiled for the server and for the browser alike.

pub mod domain;
pub mod error;
