//! Server functions, by area. Each is a thin shell: parse the primitive arguments into domain types, then call
//! the service in the `backend` crate. Explicit endpoints keep URLs stable across builds and deploys, so a form
//! rendered by the old version of a blue-green pair still posts to a route the new one has.

pub mod account;
pub mod admin;
pub mod cart;
pub mod catalog;
pub mod checkout;
