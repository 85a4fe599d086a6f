//! Status codes for server-function errors. Leptos answers every server-function error with 500; ours carry an
//! `AppError` whose `status()` says what it really is (400 bad input, 404, 409 out of stock, …). This middleware
//! reads the error body (small JSON) and sets that status, so only real internal errors are 5xx.
//! It also turns a panic into the same generic `Internal` answer, never a stack trace.
//!
//! Each such answer also says what the error says to a shopper, in `Bazaar-Message` (percent-encoded UTF-8): the
//! cart script (app/js/cart.js) shows it without knowing the error type, and the text is written in one place.

use app::error::AppError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use http_body_util::BodyExt;

const MAX_ERROR_BODY: usize = 64 * 1024;

pub async fn status_from_app_error(req: Request, next: Next) -> Response {
    let is_server_fn = req.uri().path().starts_with("/api/");
    let response = next.run(req).await;
    if !is_server_fn || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (parts, body) = response.into_parts();
    let bytes = match http_body_util::Limited::new(body, MAX_ERROR_BODY)
        .collect()
        .await
    {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return internal_response(),
    };
    let mut response = Response::from_parts(parts, Body::from(bytes.clone()));
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        set_error_status(&mut response, &error);
        set_message(&mut response, &error);
    }
    response
}

/// The one place an `AppError` becomes a status and headers: its status, and `Retry-After` when it has a wait.
pub fn set_error_status(response: &mut Response, error: &AppError) {
    *response.status_mut() = error.status();
    if let Some(secs) = error.retry_after_secs() {
        if let Ok(value) = HeaderValue::from_str(&secs.to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
    }
}

/// An `AppError` answered as the app's server functions answer it: JSON, with its status and headers.
pub fn error_response(error: &AppError) -> Response {
    let body = serde_json::to_vec(error).unwrap_or_default();
    let mut response = Response::new(Body::from(body));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    set_error_status(&mut response, error);
    set_message(&mut response, error);
    response
}

pub const MESSAGE_HEADER: &str = "bazaar-message";

fn set_message(response: &mut Response, error: &AppError) {
    let text = error.to_string();
    let encoded = percent_encoding::utf8_percent_encode(&text, percent_encoding::NON_ALPHANUMERIC);
    if let Ok(value) = HeaderValue::from_str(&encoded.to_string()) {
        response.headers_mut().insert(MESSAGE_HEADER, value);
    }
}

pub(crate) fn internal_response() -> Response {
    error_response(&AppError::Internal)
}

pub fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    tracing::error!(panic = detail, "request handler panicked");
    internal_response()
}
