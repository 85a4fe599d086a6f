//! Cross-site request protection: a state-changing request (anything but GET, HEAD and OPTIONS) that a browser
//! sent from another site is refused with 403, whatever its path. Browsers say where a request comes from:
//! `Sec-Fetch-Site` (all current browsers) and `Origin` (on every cross-origin request, and on same-origin POSTs).
//! The check follows them in that order:
//!
//! 1. `Sec-Fetch-Site: same-origin` passes; any other value (`same-site`, `cross-site`, `none`) is refused;
//! 2. else an `Origin` equal to the shop's own origin passes; any other `Origin` (including `null`) is refused;
//! 3. a request with neither header is not from a browser that could carry a shopper's cookies across sites
//!    (curl, the payment provider's webhooks, server-to-server calls) and passes: CSRF needs a victim's browser.
//!
//! GET never changes state here: server functions that write are POST-only.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// The origins the shop is served from (`https://shop.example`), lower case, no trailing slash.
#[derive(Clone)]
pub struct SiteOrigins(pub Arc<Vec<String>>);

impl SiteOrigins {
    pub fn new(origins: impl IntoIterator<Item = String>) -> Self {
        SiteOrigins(Arc::new(
            origins
                .into_iter()
                .map(|o| o.trim_end_matches('/').to_ascii_lowercase())
                .collect(),
        ))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allow,
    Refuse,
}

/// Judges one request by its method and headers.
pub fn judge(method: &Method, headers: &HeaderMap, origins: &[String]) -> Verdict {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return Verdict::Allow;
    }
    if let Some(site) = headers.get("sec-fetch-site") {
        return if site.as_bytes().eq_ignore_ascii_case(b"same-origin") {
            Verdict::Allow
        } else {
            Verdict::Refuse
        };
    }
    match headers.get(header::ORIGIN) {
        None => Verdict::Allow,
        Some(origin) => {
            let origin = origin.to_str().unwrap_or("null").to_ascii_lowercase();
            if origins.contains(&origin) {
                Verdict::Allow
            } else {
                Verdict::Refuse
            }
        }
    }
}

pub async fn layer(State(origins): State<SiteOrigins>, request: Request, next: Next) -> Response {
    match judge(request.method(), request.headers(), &origins.0) {
        Verdict::Allow => next.run(request).await,
        Verdict::Refuse => {
            tracing::warn!(
                method = %request.method(),
                path = %request.uri().path(),
                origin = ?request.headers().get(header::ORIGIN),
                fetch_site = ?request.headers().get("sec-fetch-site"),
                "cross-site request refused"
            );
            (
                StatusCode::FORBIDDEN,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                "This request came from another website, so it was refused. \
                 Please go back to the shop and try again.",
            )
                .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(
                axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        h
    }

    #[test]
    fn judges_by_fetch_site_then_origin() {
        let site = vec!["https://shop.example".to_string()];
        let post = Method::POST;
        let cases: &[(&[(&str, &str)], Verdict)] = &[
            (&[], Verdict::Allow),
            (&[("sec-fetch-site", "same-origin")], Verdict::Allow),
            (&[("sec-fetch-site", "same-site")], Verdict::Refuse),
            (&[("sec-fetch-site", "cross-site")], Verdict::Refuse),
            (&[("sec-fetch-site", "none")], Verdict::Refuse),
            (
                &[
                    ("sec-fetch-site", "cross-site"),
                    ("origin", "https://shop.example"),
                ],
                Verdict::Refuse,
            ),
            (&[("origin", "https://shop.example")], Verdict::Allow),
            (&[("origin", "HTTPS://SHOP.EXAMPLE")], Verdict::Allow),
            (&[("origin", "https://evil.example")], Verdict::Refuse),
            (
                &[("origin", "https://shop.example.evil.example")],
                Verdict::Refuse,
            ),
            (&[("origin", "null")], Verdict::Refuse),
        ];
        for (pairs, want) in cases {
            assert_eq!(judge(&post, &headers(pairs), &site), *want, "{pairs:?}");
        }
        let evil = headers(&[("sec-fetch-site", "cross-site")]);
        assert_eq!(judge(&Method::GET, &evil, &site), Verdict::Allow);
        assert_eq!(judge(&Method::DELETE, &evil, &site), Verdict::Refuse);
    }
}
