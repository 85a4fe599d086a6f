//! The cart cookie: an opaque random token, HttpOnly so scripts cannot read it, SameSite=Lax so other sites
//! cannot use it in their forms, and Secure when the shop is served over HTTPS.

use http::header::{COOKIE, SET_COOKIE};
use http::{HeaderMap, HeaderValue};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use uuid::Uuid;

pub const CART_COOKIE: &str = "bazaar_cart";
const CART_MAX_AGE_SECS: u32 = 60 * 60 * 24 * 30;

/// The session cookie: an opaque random token (the server keeps only its hash), with the same flags.
pub const SESSION_COOKIE: &str = "bazaar_session";

fn cookie<'a>(headers: &'a HeaderMap, wanted: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == wanted)
        .map(|(_, value)| value.trim())
}

/// The cart token from the request's cookies, when there is a well-formed one.
pub fn cart_token(headers: &HeaderMap) -> Option<Uuid> {
    cookie(headers, CART_COOKIE).and_then(|value| Uuid::parse_str(value).ok())
}

/// The session token from the request's cookies, if any.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    cookie(headers, SESSION_COOKIE)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// The key a feature flag's rollout knows a shopper by: their cart, else their session (see `domain::flags`).
pub fn rollout_key(headers: &HeaderMap) -> Option<String> {
    cart_token(headers)
        .map(|t| t.to_string())
        .or_else(|| session_token(headers))
}

/// Sets the session cookie (`Some`), or removes it (`None`), on the current response.
pub fn set_session_cookie(token: Option<&str>, max_age_secs: u64, secure: bool) {
    let secure = if secure { "; Secure" } else { "" };
    let value = match token {
        Some(token) => format!(
            "{SESSION_COOKIE}={token}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite=Lax{secure}"
        ),
        None => format!("{SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{secure}"),
    };
    append_set_cookie(&value);
}

pub fn cart_cookie(token: Uuid, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{CART_COOKIE}={token}; Path=/; Max-Age={CART_MAX_AGE_SECS}; HttpOnly; SameSite=Lax{secure}")
}

/// Adds the cart cookie to the response of the current server function or page.
pub fn set_cart_cookie(token: Uuid, secure: bool) {
    append_set_cookie(&cart_cookie(token, secure));
}

/// Adds a `Set-Cookie` to the response of the current server function or page (none outside a request).
fn append_set_cookie(value: &str) {
    if let (Some(response), Ok(value)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(value),
    ) {
        response.append_header(SET_COOKIE, value);
    }
}

/// Removes the cart cookie (at sign-out: the cart stays with the account, not with the browser).
pub fn clear_cart_cookie(secure: bool) {
    let secure = if secure { "; Secure" } else { "" };
    let value = format!("{CART_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{secure}");
    append_set_cookie(&value);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_cart_token_among_other_cookies() {
        let token = Uuid::new_v4();
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_str(&format!("a=1; {CART_COOKIE}={token}; b=2")).unwrap(),
        );
        assert_eq!(cart_token(&headers), Some(token));
    }

    #[test]
    fn ignores_malformed_tokens() {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_static("bazaar_cart=not-a-uuid"));
        assert_eq!(cart_token(&headers), None);
        assert_eq!(cart_token(&HeaderMap::new()), None);
    }

    #[test]
    fn cookie_is_http_only_and_lax() {
        let c = cart_cookie(Uuid::nil(), true);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.ends_with("; Secure"));
        assert!(!cart_cookie(Uuid::nil(), false).contains("Secure"));
    }
}
