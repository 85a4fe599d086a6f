//! Headers every response carries so browsers hold the shop to safe defaults: no MIME sniffing, no framing by
//! other sites (clickjacking), no leaking full URLs (order links carry their key) to other sites, forms that post
//! only to the shop, and HSTS when the shop is served over HTTPS.
//!
//! Rendered pages carry a full policy with their script nonce (`backend::csp`, set while rendering); the
//! policy here is the default for every other response (JSON, files, errors), which runs no script.

use axum::http::{header, HeaderName, HeaderValue};
use tower_http::set_header::SetResponseHeaderLayer;

/// Two years, as the HSTS preload list asks.
const HSTS: &str = "max-age=63072000; includeSubDomains";
const CSP: &str = "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

/// The layers, outermost first. `https` turns on HSTS.
pub fn layers(https: bool) -> Vec<SetResponseHeaderLayer<HeaderValue>> {
    let mut layers = vec![
        set(header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        set(header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
        set(header::X_FRAME_OPTIONS, "DENY"),
        set(header::CONTENT_SECURITY_POLICY, CSP),
    ];
    if https {
        layers.push(set(header::STRICT_TRANSPORT_SECURITY, HSTS));
    }
    layers
}

fn set(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}
