//! Integration tests: the real app on port 0 against a fresh PostgreSQL database per test (`#[sqlx::test]`).

mod account_security;
mod accounts;
mod admin;
mod admin_catalog;
mod admin_categories;
mod admin_customers;
mod admin_dashboard;
mod admin_discounts;
mod admin_images;
mod admin_imports;
mod cart;
mod catalog;
mod checkout;
mod helpers;
mod idempotency;
mod jobs;
mod live_stock;
mod payments;
mod pools;
mod privacy;
mod refunds;
mod returns;
mod search;
mod seo;
mod server;
mod tls;
