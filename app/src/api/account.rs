//! Accounts: sign up, sign in, sign out (here or everywhere), password reset and change, email change, the
//! address book, and the account with its orders. Plain form posts land on a page (the account, or back with the
//! error); the app's own calls get JSON.

use crate::domain::account::{AccountView, SavedAddress};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
fn start(state: &backend::AppState, token: &str) {
    use crate::request::{context, cookies};
    let max_age = u64::from(state.config.session_max_days) * 24 * 3600;
    cookies::set_session_cookie(Some(token), max_age, state.config.secure_cookies);
    if context::is_plain_form_post() {
        leptos_axum::redirect("/account");
    }
}

#[server(prefix = "/api", endpoint = "account/sign-up")]
pub async fn sign_up(email: String, password: String) -> Result<(), AppError> {
    use crate::request::{context, cookies};
    use backend::accounts;
    let state = context::state()?;
    let guest_cart = cookies::cart_token(&context::headers());
    let token = accounts::sign_up(&state, &email, &password, guest_cart).await?;
    start(&state, &token);
    Ok(())
}

#[server(prefix = "/api", endpoint = "account/sign-in")]
pub async fn sign_in(email: String, password: String) -> Result<(), AppError> {
    use crate::request::{context, cookies};
    use backend::accounts;
    let state = context::state()?;
    let headers = context::headers();
    let previous = cookies::session_token(&headers);
    let guest_cart = cookies::cart_token(&headers);
    let token =
        accounts::sign_in(&state, &email, &password, previous.as_deref(), guest_cart).await?;
    start(&state, &token);
    Ok(())
}

#[server(prefix = "/api", endpoint = "account/sign-out")]
pub async fn sign_out(#[server(default)] everywhere: Option<String>) -> Result<(), AppError> {
    use crate::request::{context, cookies};
    use backend::accounts;
    let state = context::state()?;
    if let Some(token) = cookies::session_token(&context::headers()) {
        if context::checked(everywhere.as_deref()) {
            if let Some(session) = accounts::current(&state, Some(&token)).await? {
                accounts::sign_out_everywhere(&state, &session).await?;
            }
        }
        accounts::sign_out(&state, &token).await?;
    }
    cookies::set_session_cookie(None, 0, state.config.secure_cookies);
    cookies::clear_cart_cookie(state.config.secure_cookies);
    if context::is_plain_form_post() {
        leptos_axum::redirect("/");
    }
    Ok(())
}

#[server(prefix = "/api", endpoint = "account")]
pub async fn get_account() -> Result<AccountView, AppError> {
    use crate::request::context;
    use backend::accounts;
    let state = context::state()?;
    let session = context::signed_in(&state).await?;
    accounts::view(&state, &session).await
}

/// Sends a reset link if the email has an account; the answer is the same either way.
#[server(prefix = "/api", endpoint = "account/forgot")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    use crate::request::context;
    use backend::accounts;
    let state = context::state()?;
    accounts::request_password_reset(&state, &email).await?;
    if context::is_plain_form_post() {
        leptos_axum::redirect("/account/forgot?sent=1");
    }
    Ok(())
}

/// Whether a reset link still works, for the page that asks for the new password.
#[server(prefix = "/api", endpoint = "account/reset-check")]
pub async fn check_reset_token(token: String) -> Result<bool, AppError> {
    use crate::request::context;
    use backend::accounts;
    let state = context::state()?;
    accounts::reset_token_is_valid(&state, token.trim()).await
}

/// Sets a new password with a reset link's token, and signs in.
#[server(prefix = "/api", endpoint = "account/reset")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    use crate::request::context;
    use backend::accounts;
    let state = context::state()?;
    let session_token = accounts::reset_password(&state, token.trim(), &password).await?;
    start(&state, &session_token);
    Ok(())
}

#[server(prefix = "/api", endpoint = "account/password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    use crate::request::{context, cookies};
    use backend::accounts;
    let state = context::state()?;
    let session = context::signed_in(&state).await?;
    let token = cookies::session_token(&context::headers()).unwrap_or_default();
    accounts::change_password(&state, &session, &token, &current_password, &new_password).await?;
    context::redirect_back_with("changed", "password", "password");
    Ok(())
}

#[server(prefix = "/api", endpoint = "account/email")]
pub async fn change_email(password: String, email: String) -> Result<(), AppError> {
    use crate::request::context;
    use backend::accounts;
    let state = context::state()?;
    let session = context::signed_in(&state).await?;
    accounts::change_email(&state, &session, &password, &email).await?;
    context::redirect_back_with("changed", "email", "email");
    Ok(())
}

#[server(prefix = "/api", endpoint = "account/addresses")]
pub async fn list_addresses() -> Result<Vec<SavedAddress>, AppError> {
    use crate::request::context;
    use backend::addresses;
    let state = context::state()?;
    let session = context::signed_in(&state).await?;
    addresses::list(&state, &session).await
}

/// An address id from a form: anything but a positive number is not found.
#[cfg(feature = "ssr")]
fn address_id(raw: &str) -> Result<i64, AppError> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(AppError::NotFound)
}

/// Adds an address, or changes the one with `id`.
#[server(prefix = "/api", endpoint = "account/addresses/save")]
pub async fn save_address(
    #[server(default)] id: Option<String>,
    #[server(flatten)] address: crate::domain::address::AddressInput,
    #[server(default)] make_default: Option<String>,
) -> Result<i64, AppError> {
    use crate::request::context;
    use backend::addresses;
    let state = context::state()?;
    let session = context::signed_in(&state).await?;
    let id = match id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(raw) => Some(address_id(raw)?),
        None => None,
    };
    let address = address.parse()?;
    let make_default = context::checked(make_default.as_deref());
    let id = addresses::save(&state, &session, id, &address, make_default).await?;
    if context::is_plain_form_post() {
        leptos_axum::redirect("/account/addresses?saved=1");
    }
    Ok(id)
}

#[server(prefix = "/api", endpoint = "account/addresses/delete")]
pub async fn delete_address(id: String) -> Result<(), AppError> {
    use crate::request::context;
    use backend::addresses;
    let state = context::state()?;
    let session = context::signed_in(&state).await?;
    addresses::delete(&state, &session, address_id(&id)?).await?;
    if context::is_plain_form_post() {
        leptos_axum::redirect("/account/addresses");
    }
    Ok(())
}

#[server(prefix = "/api", endpoint = "account/addresses/default")]
pub async fn make_default_address(id: String) -> Result<(), AppError> {
    use crate::request::context;
    use backend::addresses;
    let state = context::state()?;
    let session = context::signed_in(&state).await?;
    addresses::make_default(&state, &session, address_id(&id)?).await?;
    if context::is_plain_form_post() {
        leptos_axum::redirect("/account/addresses");
    }
    Ok(())
}
