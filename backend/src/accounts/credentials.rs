//! Credentials after sign-up: password reset by an emailed single-use link, and changes of password or email that
//! need the current password. Each change ends the sessions it should and tells the account's address.

use super::{hash, new_token, start_session, token_hash, Session};
use crate::db::account as db;
use crate::domain::account::NewPassword;
use crate::domain::email::Email;
use crate::error::AppError;
use crate::jobs::{self, kind, NewJob};
use crate::limits::AccountAction;
use crate::{passwords, AppState, OrInternal};

fn reset_link_invalid() -> AppError {
    AppError::invalid(
        "token",
        "This password-reset link is invalid or has expired. Please ask for a new one.",
    )
}

/// Asks for a password-reset email. The same answer, after the same work, whether or not the email has an
/// account: the job that sends the link finds out, later and out of band.
#[tracing::instrument(skip_all)]
pub async fn request_password_reset(state: &AppState, email: &str) -> Result<(), AppError> {
    let email = Email::parse(email)?;
    state
        .account_limits
        .check(AccountAction::PasswordReset, email.as_str())?;
    let mut conn = state.conn("connecting for a password reset").await?;
    jobs::enqueue(
        &mut conn,
        &NewJob::new(
            kind::PASSWORD_RESET,
            serde_json::json!({ "email": email.as_str() }),
        ),
    )
    .await
    .or_internal("queueing a password-reset email")?;
    Ok(())
}

/// A reset link's secret and where to send it: made by the job, when `email` has an account.
pub struct IssuedReset {
    pub to: String,
    pub token: String,
    pub minutes: u32,
}

/// Stores a new single-use reset token for the account with `email`, if there is one.
pub async fn issue_reset(state: &AppState, email: &str) -> Result<Option<IssuedReset>, AppError> {
    let mut conn = state.conn("connecting for a password reset").await?;
    let Some(row) = db::by_email(&mut conn, email)
        .await
        .or_internal("finding an account")?
        .filter(|r| !r.disabled)
    else {
        return Ok(None);
    };
    db::prune_resets(&mut conn)
        .await
        .or_internal("pruning reset tokens")?;
    let token = new_token();
    let minutes = state.config.password_reset_minutes;
    let expires = chrono::Utc::now() + chrono::Duration::minutes(i64::from(minutes));
    db::insert_reset(&mut conn, &token_hash(&token), row.customer_id, expires)
        .await
        .or_internal("storing a reset token")?;
    Ok(Some(IssuedReset {
        to: row.email,
        token,
        minutes,
    }))
}

/// Whether a reset link still works (for the page that asks for the new password).
pub async fn reset_token_is_valid(state: &AppState, token: &str) -> Result<bool, AppError> {
    if token.is_empty() || token.len() > 64 {
        return Ok(false);
    }
    let mut conn = state.conn("connecting for a password reset").await?;
    Ok(db::reset_owner(&mut conn, &token_hash(token))
        .await
        .or_internal("reading a reset token")?
        .is_some())
}

/// Sets a new password with a reset link's token, once: the token (and every other outstanding one of the
/// account) is used up, every session of the account ends, and a new one starts here. Returns its token.
#[tracing::instrument(skip_all)]
pub async fn reset_password(
    state: &AppState,
    token: &str,
    password: &str,
) -> Result<String, AppError> {
    let password = NewPassword::parse(password)?;
    if !reset_token_is_valid(state, token).await? {
        return Err(reset_link_invalid());
    }
    let hash = hash(&password).await?;
    let mut tx = state.begin("starting a password reset").await?;
    let customer_id = db::use_reset(&mut tx, &token_hash(token))
        .await
        .or_internal("using a reset token")?
        .ok_or_else(reset_link_invalid)?;
    db::set_password(&mut tx, customer_id, &hash)
        .await
        .or_internal("saving a password")?;
    db::delete_sessions_of(&mut tx, customer_id)
        .await
        .or_internal("ending sessions")?;
    tx.commit()
        .await
        .or_internal("committing a password reset")?;
    tracing::info!(customer = customer_id, "password reset");
    start_session(state, customer_id).await
}

/// Checks the signed-in account's current password (for changes that need it). `SignInFailed` when wrong.
async fn confirm_password(
    state: &AppState,
    session: &Session,
    password: &str,
) -> Result<(), AppError> {
    let mut conn = state.conn("connecting for an account").await?;
    let row = db::by_id(&mut conn, session.customer_id)
        .await
        .or_internal("finding an account")?;
    drop(conn);
    state
        .account_limits
        .check(AccountAction::SignIn, &session.email)?;
    let matches = passwords::verify(password, row.as_ref().map(|r| r.password_hash.as_str()))
        .await
        .or_internal("checking a password")?;
    if matches {
        Ok(())
    } else {
        Err(AppError::invalid(
            "current_password",
            "Your current password is not right.",
        ))
    }
}

/// Changes the password, given the current one. Every other session of the account ends; this one stays.
#[tracing::instrument(skip_all, fields(customer = session.customer_id))]
pub async fn change_password(
    state: &AppState,
    session: &Session,
    this_session: &str,
    current: &str,
    new: &str,
) -> Result<(), AppError> {
    let new = NewPassword::parse(new)?;
    confirm_password(state, session, current).await?;
    let hash = hash(&new).await?;
    let mut tx = state.begin("starting a password change").await?;
    db::set_password(&mut tx, session.customer_id, &hash)
        .await
        .or_internal("saving a password")?;
    let ended = db::delete_other_sessions(&mut tx, session.customer_id, &token_hash(this_session))
        .await
        .or_internal("ending other sessions")?;
    notify(
        &mut tx,
        &session.email,
        serde_json::json!({ "change": "password" }),
    )
    .await?;
    tx.commit()
        .await
        .or_internal("committing a password change")?;
    tracing::info!(other_sessions_ended = ended, "password changed");
    Ok(())
}

/// Changes the account's email, given the password.
#[tracing::instrument(skip_all, fields(customer = session.customer_id))]
pub async fn change_email(
    state: &AppState,
    session: &Session,
    password: &str,
    new_email: &str,
) -> Result<(), AppError> {
    let email = Email::parse(new_email)?;
    confirm_password(state, session, password).await?;
    let mut tx = state.begin("starting an email change").await?;
    if !db::set_email(&mut tx, session.customer_id, email.as_str())
        .await
        .or_internal("changing an email")?
    {
        return Err(AppError::invalid(
            "email",
            "Another account uses this email.",
        ));
    }
    // To the old address: if someone else made the change, its owner hears of it where they still can.
    notify(
        &mut tx,
        &session.email,
        serde_json::json!({ "change": "email", "new_email": email.as_str() }),
    )
    .await?;
    tx.commit()
        .await
        .or_internal("committing an email change")?;
    tracing::info!("email changed");
    Ok(())
}

/// Queues a security notice to `to` about a change to the account (in the caller's transaction).
async fn notify(
    tx: &mut sqlx::PgConnection,
    to: &str,
    mut payload: serde_json::Value,
) -> Result<(), AppError> {
    payload["to"] = serde_json::Value::from(to);
    jobs::enqueue(tx, &NewJob::new(kind::ACCOUNT_NOTICE, payload))
        .await
        .or_internal("queueing an account notice")?;
    Ok(())
}
