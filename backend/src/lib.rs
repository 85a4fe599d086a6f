//! Bazaar's backend: the services (catalog, cart, checkout, orders, payments, accounts, addresses), their SQL
//! (`db/`), background jobs and email, over PostgreSQL. No web framework: services take plain inputs (domain
//! types, a `CartOwner`, a clock reading) and return plain results (views, tokens, `AppError`); the app's request
//! glue turns those into cookies, headers and redirects. The app pulls this crate in only for its server build,
//! so none of it, nor sqlx, reaches the browser bundle.

// The shared core under the paths the services use (`crate::domain::…`, `crate::error::AppError`).
use bazaar_core::{domain, error};

pub mod accounts;
pub mod addresses;
pub mod admin;
pub mod cart;
pub mod catalog;
pub mod categories;
pub mod checkout;
pub mod crypto;
pub mod db;
pub mod email;
pub mod flags;
pub mod images;
pub mod jobs;
pub mod limits;
pub mod media;
pub mod order_state;
pub mod orders;
pub mod passwords;
pub mod payment;
pub mod payments;
pub mod refunds;
pub mod returns;
pub mod search;
pub mod seo;
pub mod state;

pub use state::{AppState, ShopConfig};

use crate::error::AppError;

/// `Internal` for a failure the shopper can do nothing about (the database, a key, a file): logged once, with its
/// cause chain and what it was for, and never shown.
pub trait OrInternal<T> {
    fn or_internal(self, what: &'static str) -> Result<T, AppError>;
}

impl<T, E: std::error::Error> OrInternal<T> for Result<T, E> {
    fn or_internal(self, what: &'static str) -> Result<T, AppError> {
        self.map_err(internal(what))
    }
}

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
