//! How server functions reach the server: the state that `leptos_routes_with_context` provides, and the request.

use super::AppState;
use crate::error::AppError;
use leptos::prelude::use_context;

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the Leptos context; is the router built with leptos_routes_with_context?");
        AppError::Internal
    })
}

/// The request's headers. Present for server functions and during SSR.
pub fn headers() -> http::HeaderMap {
    use_context::<http::request::Parts>()
        .map(|parts| parts.headers)
        .unwrap_or_default()
}
