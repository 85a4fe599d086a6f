//! Accounts: sign up, sign in, sign out (here or everywhere), and the account with its orders. Plain form posts
//! land on the account page; the app's own calls get JSON.

use crate::domain::account::AccountView;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
fn start(state: &crate::server::AppState, token: &str) {
    use crate::server::{context, cookies};
    let max_age = u64::from(state.config.session_max_days) * 24 * 3600;
    cookies::set_session_cookie(Some(token), max_age, state.config.secure_cookies);
    if context::is_plain_form_post() {
        leptos_axum::redirect("/account");
    }
}

#[server(prefix = "/api", endpoint = "account/sign-up")]
pub async fn sign_up(email: String, password: String) -> Result<(), AppError> {
    use crate::server::{accounts, context};
    let state = context::state()?;
    let token = accounts::sign_up(&state, &email, &password).await?;
    start(&state, &token);
    Ok(())
}

#[server(prefix = "/api", endpoint = "account/sign-in")]
pub async fn sign_in(email: String, password: String) -> Result<(), AppError> {
    use crate::server::{accounts, context, cookies};
    let state = context::state()?;
    let previous = cookies::session_token(&context::headers());
    let token = accounts::sign_in(&state, &email, &password, previous.as_deref()).await?;
    start(&state, &token);
    Ok(())
}

#[server(prefix = "/api", endpoint = "account/sign-out")]
pub async fn sign_out(#[server(default)] everywhere: Option<String>) -> Result<(), AppError> {
    use crate::server::{accounts, context, cookies};
    let state = context::state()?;
    if let Some(token) = cookies::session_token(&context::headers()) {
        if everywhere.is_some_and(|v| v == "true" || v == "on") {
            if let Some(session) = accounts::current(&state, Some(&token)).await? {
                accounts::sign_out_everywhere(&state, &session).await?;
            }
        }
        accounts::sign_out(&state, &token).await?;
    }
    cookies::set_session_cookie(None, 0, state.config.secure_cookies);
    if context::is_plain_form_post() {
        leptos_axum::redirect("/");
    }
    Ok(())
}

#[server(prefix = "/api", endpoint = "account")]
pub async fn get_account() -> Result<AccountView, AppError> {
    use crate::server::{accounts, context, cookies};
    let state = context::state()?;
    let session = accounts::require(
        &state,
        cookies::session_token(&context::headers()).as_deref(),
    )
    .await?;
    accounts::view(&state, &session).await
}
