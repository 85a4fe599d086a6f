//! The server half of the app: database access and services. Compiled only with the `ssr` feature (one `cfg` on
//! the `mod` line in lib.rs), so none of it, nor sqlx, reaches the browser bundle.

pub mod accounts;
pub mod addresses;
pub mod admin;
pub mod cart;
pub mod catalog;
pub mod checkout;
pub mod crypto;
pub mod db;
pub mod email;
pub mod jobs;
pub mod limits;
pub mod order_state;
pub mod orders;
pub mod passwords;
pub mod payment;
pub mod payments;
pub mod state;

pub use state::{AppState, ShopConfig};

use crate::error::AppError;

/// Logs an internal failure once, with its cause chain, and returns the error a shopper may see.
pub fn internal<E>(context: &'static str) -> impl FnOnce(E) -> AppError
where
    E: std::error::Error,
{
    move |e| {
        let mut chain = e.to_string();
        let mut source = e.source();
        while let Some(cause) = source {
            chain.push_str(": ");
            chain.push_str(&cause.to_string());
            source = cause.source();
        }
        tracing::error!(error = %chain, "{context}");
        AppError::Internal
    }
}
