//! The Bazaar server: configuration, telemetry, the HTTP router around the Leptos app, and the seed command.

pub mod cli;
pub mod config;
pub mod http;
pub mod metrics;
pub mod seed;
pub mod startup;
pub mod telemetry;

/// Errors that end a command (start-up, migrations, seeding). Request handlers use `app::error::AppError`.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;
