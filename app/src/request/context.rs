//! How server functions reach the server: the state that `leptos_routes_with_context` provides, and the request.

use crate::error::AppError;
use backend::AppState;
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

/// The signed-in account of this request, if its session cookie names a live session.
pub async fn session(state: &AppState) -> Result<Option<backend::accounts::Session>, AppError> {
    let token = super::cookies::session_token(&headers());
    backend::accounts::current(state, token.as_deref()).await
}

/// Like [`session`], but `SignInRequired` without a live session: for server functions that need an account.
pub async fn signed_in(state: &AppState) -> Result<backend::accounts::Session, AppError> {
    session(state).await?.ok_or(AppError::SignInRequired)
}

/// The signed-in staff member or admin acting in the admin area, with this request's id for the audit log:
/// `SignInRequired` for visitors and `Forbidden` for customers before any input is read. Whether an action
/// needs an admin, its service decides.
pub async fn staff(state: &AppState) -> Result<backend::admin::Staff, AppError> {
    let session = signed_in(state).await?;
    session.require(crate::domain::account::Role::Staff)?;
    let request_id = headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.chars().take(100).collect());
    Ok(backend::admin::Staff {
        session,
        request_id,
    })
}

/// A form checkbox's value: ticked when sent as `true` or as the browser's default `on`.
pub fn checked(value: Option<&str>) -> bool {
    matches!(value, Some("true" | "on"))
}

/// [`session`], read on checkout's own pool (checkout keeps working when the main pool is busy).
pub async fn checkout_session(
    state: &AppState,
) -> Result<Option<backend::accounts::Session>, AppError> {
    let token = super::cookies::session_token(&headers());
    backend::accounts::current_on(state, &state.checkout_pool, token.as_deref()).await
}

/// Whose cart a request with this session uses: the account's, or the guest cart behind the cookie.
pub fn owner_of(session: Option<&backend::accounts::Session>) -> backend::cart::CartOwner {
    use backend::cart::CartOwner;
    match session {
        Some(session) => CartOwner::Customer(session.customer_id),
        None => CartOwner::Guest(super::cookies::cart_token(&headers())),
    }
}

/// Whose cart this request uses.
pub async fn cart_owner(state: &AppState) -> Result<backend::cart::CartOwner, AppError> {
    Ok(owner_of(session(state).await?.as_ref()))
}

/// [`cart_owner`], with the session read on checkout's own pool.
pub async fn checkout_owner(state: &AppState) -> Result<backend::cart::CartOwner, AppError> {
    Ok(owner_of(checkout_session(state).await?.as_ref()))
}

/// A changed cart for the response: a guest cart made by the change gets its cookie here.
pub fn cart_changed(
    state: &AppState,
    changed: backend::cart::Changed,
) -> crate::domain::cart::CartView {
    if let Some(token) = changed.new_guest_token {
        super::cookies::set_cart_cookie(token, state.config.secure_cookies);
    }
    changed.cart
}

/// Was this request a plain HTML form post (no JavaScript)? Leptos then answers with a redirect.
pub fn is_plain_form_post() -> bool {
    headers()
        .get(http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

/// After a successful plain form post, send the shopper back to the page they came from with `key=value` added
/// to its query (replacing an earlier one, and dropping a previous error), ending at `#fragment`.
pub fn redirect_back_with(key: &str, value: &str, fragment: &str) {
    if !is_plain_form_post() {
        return;
    }
    let referer = headers()
        .get(http::header::REFERER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if let Some(location) = referer
        .as_deref()
        .and_then(|r| back_with(r, key, value, fragment))
    {
        leptos_axum::redirect(&location);
    }
}

/// The path and query of `referer` with `key=value` set; `None` when it has no path.
pub fn back_with(referer: &str, key: &str, value: &str, fragment: &str) -> Option<String> {
    let after_scheme = referer.split_once("://").map_or(referer, |(_, rest)| rest);
    let path_and_query = &after_scheme[after_scheme.find('/')?..];
    let path_and_query = path_and_query.split('#').next().unwrap_or("/");
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let mut pairs: Vec<&str> = query
        .split('&')
        .filter(|pair| {
            let name = pair.split('=').next().unwrap_or("");
            !pair.is_empty() && name != key && name != "__err" && name != "__path"
        })
        .collect();
    let own = format!("{key}={value}");
    pairs.push(&own);
    Some(format!("{path}?{}#{fragment}", pairs.join("&")))
}

#[cfg(test)]
mod tests {
    use super::back_with;

    #[test]
    fn back_with_sets_the_parameter_and_keeps_the_others() {
        assert_eq!(
            back_with(
                "http://shop.test/p/tee?variant=TEE-M&added=OLD&__err=x",
                "added",
                "TEE-M",
                "buy"
            )
            .as_deref(),
            Some("/p/tee?variant=TEE-M&added=TEE-M#buy")
        );
        assert_eq!(
            back_with("https://shop.test/p/tee", "added", "A", "buy").as_deref(),
            Some("/p/tee?added=A#buy")
        );
        assert_eq!(back_with("https://shop.test", "added", "A", "buy"), None);
    }
}
