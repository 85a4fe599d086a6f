//! Structured logs: JSON in production (`BAZAAR_LOG_FORMAT=json`), readable text in development. `RUST_LOG`
//! filters as usual. Each request's span carries its request id (see `http::layers`).

use crate::config::{Config, LogFormat};
use std::io::IsTerminal;
use tracing_subscriber::{fmt, prelude::*, EnvFilter};

pub fn init(config: &Config) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let registry = tracing_subscriber::registry().with(filter);
    // try_init: a second call (tests) keeps the first subscriber.
    let _ = match config.log_format {
        LogFormat::Json => registry
            .with(
                fmt::layer()
                    .json()
                    .flatten_event(true)
                    .with_current_span(true),
            )
            .try_init(),
        // Colours only on a terminal: a log written to a file stays greppable.
        LogFormat::Pretty => registry
            .with(
                fmt::layer()
                    .compact()
                    .with_ansi(std::io::stdout().is_terminal()),
            )
            .try_init(),
    };
}
