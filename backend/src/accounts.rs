//! Accounts and sessions: sign-up, sign-in (the same answer and the same work whether or not the email has an
//! account), sessions kept server-side and known only by the hash of their cookie's token, a new session at every
//! sign-in (a token planted before sign-in never becomes signed in), idle and absolute expiry, sign-out here or
//! everywhere. Orders placed while signed in belong to the account.

use super::db::account as db;
use super::jobs::{self, kind, NewJob};
use super::limits::AccountAction;
use super::{cart, internal, passwords, AppState};
use crate::domain::account::{AccountOrder, AccountView, NewPassword, Role};
use crate::domain::email::Email;
use crate::domain::money::Money;
use crate::domain::order::OrderStatus;
use crate::error::AppError;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// Who is signed in on this request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub customer_id: i64,
    pub email: String,
    pub role: Role,
}

impl Session {
    /// The service layer's role check: `Forbidden` unless this account may act as `needed`.
    pub fn require(&self, needed: Role) -> Result<(), AppError> {
        if self.role.can(needed) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// The Argon2id hash of a new password (on the blocking pool).
async fn hash(password: &NewPassword) -> Result<String, AppError> {
    passwords::hash(password.expose())
        .await
        .map_err(internal("hashing a password"))
}

fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// 32 random bytes, URL-safe base64: the session cookie's value.
fn new_token() -> String {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    bytes[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    bytes[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

async fn start_session(state: &AppState, customer_id: i64) -> Result<String, AppError> {
    let token = new_token();
    let expires =
        chrono::Utc::now() + chrono::Duration::days(i64::from(state.config.session_max_days));
    let mut conn = state.conn("connecting for a session").await?;
    // Ended sessions are forgotten when the account next signs in, so the table holds live ones and a few more.
    db::prune_sessions_of(
        &mut conn,
        customer_id,
        i64::from(state.config.session_idle_minutes) * 60,
    )
    .await
    .map_err(internal("pruning ended sessions"))?;
    db::insert_session(&mut conn, &token_hash(&token), customer_id, expires)
        .await
        .map_err(internal("starting a session"))?;
    Ok(token)
}

/// Creates an account and signs it in. Returns the new session's token.
#[tracing::instrument(skip_all)]
pub async fn sign_up(
    state: &AppState,
    email: &str,
    password: &str,
    guest_cart: Option<Uuid>,
) -> Result<String, AppError> {
    let email = Email::parse(email)?;
    let password = NewPassword::parse(password)?;
    state
        .account_limits
        .check(AccountAction::SignIn, email.as_str())?;
    let hash = hash(&password).await?;
    let mut conn = state.conn("connecting for sign-up").await?;
    let Some(id) = db::insert(&mut conn, email.as_str(), &hash)
        .await
        .map_err(internal("creating an account"))?
    else {
        return Err(AppError::Conflict {
            message: "There is already an account with this email. Please sign in instead.".into(),
        });
    };
    drop(conn);
    tracing::info!(customer = id, "account created");
    cart::merge_guest_cart(state, guest_cart, id).await?;
    start_session(state, id).await
}

/// Checks the password and starts a new session, ending `previous` (the cookie the browser came with, if any),
/// and brings the guest cart along. Every failure is the same `SignInFailed`, after the same hashing work.
#[tracing::instrument(skip_all)]
pub async fn sign_in(
    state: &AppState,
    email: &str,
    password: &str,
    previous: Option<&str>,
    guest_cart: Option<Uuid>,
) -> Result<String, AppError> {
    let row = match Email::parse(email) {
        Ok(email) => {
            state
                .account_limits
                .check(AccountAction::SignIn, email.as_str())?;
            let mut conn = state.conn("connecting for sign-in").await?;
            db::by_email(&mut conn, email.as_str())
                .await
                .map_err(internal("finding an account"))?
        }
        Err(_) => None,
    };
    let matches = passwords::verify(password, row.as_ref().map(|r| r.password_hash.as_str()))
        .await
        .map_err(internal("checking a password"))?;
    let Some(row) = row.filter(|_| matches) else {
        return Err(AppError::SignInFailed);
    };
    if let Some(previous) = previous {
        sign_out(state, previous).await?;
    }
    tracing::info!(customer = row.customer_id, "signed in");
    cart::merge_guest_cart(state, guest_cart, row.customer_id).await?;
    start_session(state, row.customer_id).await
}

/// The account signed in with `token`, if its session is live; marks it as seen.
pub async fn current(state: &AppState, token: Option<&str>) -> Result<Option<Session>, AppError> {
    current_on(state, &state.pool, token).await
}

/// [`current`] on the given pool (checkout reads the session on its own pool).
pub async fn current_on(
    state: &AppState,
    pool: &sqlx::PgPool,
    token: Option<&str>,
) -> Result<Option<Session>, AppError> {
    let Some(token) = token.filter(|t| !t.is_empty() && t.len() <= 64) else {
        return Ok(None);
    };
    let mut conn = pool
        .acquire()
        .await
        .map_err(internal("connecting for a session"))?;
    let row = db::touch_session(
        &mut conn,
        &token_hash(token),
        i64::from(state.config.session_idle_minutes) * 60,
    )
    .await
    .map_err(internal("reading a session"))?;
    Ok(row.map(|r| Session {
        customer_id: r.customer_id,
        email: r.email,
        role: Role::from_db(&r.role).unwrap_or(Role::Customer),
    }))
}

/// Like [`current`], but `SignInRequired` without a live session.
pub async fn require(state: &AppState, token: Option<&str>) -> Result<Session, AppError> {
    current(state, token).await?.ok_or(AppError::SignInRequired)
}

pub async fn sign_out(state: &AppState, token: &str) -> Result<(), AppError> {
    let mut conn = state.conn("connecting for sign-out").await?;
    db::delete_session(&mut conn, &token_hash(token))
        .await
        .map_err(internal("ending a session"))
}

/// Ends every session of the account (a lost phone, a shared computer).
pub async fn sign_out_everywhere(state: &AppState, session: &Session) -> Result<u64, AppError> {
    let mut conn = state.conn("connecting for sign-out").await?;
    db::delete_sessions_of(&mut conn, session.customer_id)
        .await
        .map_err(internal("ending sessions"))
}

/// The account page: who is signed in and their orders, newest first.
pub async fn view(state: &AppState, session: &Session) -> Result<AccountView, AppError> {
    let mut conn = state.conn("connecting for an account").await?;
    let rows = db::orders_of(&mut conn, session.customer_id, 100)
        .await
        .map_err(internal("listing orders"))?;
    let mut orders = Vec::with_capacity(rows.len());
    for r in rows {
        let currency = super::catalog::currency(&r.currency)?;
        orders.push(AccountOrder {
            link: format!("/orders/{}?key={}", r.number, r.access_token),
            number: r.number,
            status: OrderStatus::from_db(&r.status).ok_or(AppError::Internal)?,
            total: Money::new(r.total_minor, currency),
            placed_at: r.created_at.to_rfc3339(),
        });
    }
    Ok(AccountView {
        email: session.email.clone(),
        orders,
    })
}

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
    .map_err(internal("queueing a password-reset email"))?;
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
        .map_err(internal("finding an account"))?
    else {
        return Ok(None);
    };
    db::prune_resets(&mut conn)
        .await
        .map_err(internal("pruning reset tokens"))?;
    let token = new_token();
    let minutes = state.config.password_reset_minutes;
    let expires = chrono::Utc::now() + chrono::Duration::minutes(i64::from(minutes));
    db::insert_reset(&mut conn, &token_hash(&token), row.customer_id, expires)
        .await
        .map_err(internal("storing a reset token"))?;
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
        .map_err(internal("reading a reset token"))?
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
        .map_err(internal("using a reset token"))?
        .ok_or_else(reset_link_invalid)?;
    db::set_password(&mut tx, customer_id, &hash)
        .await
        .map_err(internal("saving a password"))?;
    db::delete_sessions_of(&mut tx, customer_id)
        .await
        .map_err(internal("ending sessions"))?;
    tx.commit()
        .await
        .map_err(internal("committing a password reset"))?;
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
        .map_err(internal("finding an account"))?;
    drop(conn);
    state
        .account_limits
        .check(AccountAction::SignIn, &session.email)?;
    let matches = passwords::verify(password, row.as_ref().map(|r| r.password_hash.as_str()))
        .await
        .map_err(internal("checking a password"))?;
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
        .map_err(internal("saving a password"))?;
    let ended = db::delete_other_sessions(&mut tx, session.customer_id, &token_hash(this_session))
        .await
        .map_err(internal("ending other sessions"))?;
    notify(
        &mut tx,
        &session.email,
        serde_json::json!({ "change": "password" }),
    )
    .await?;
    tx.commit()
        .await
        .map_err(internal("committing a password change"))?;
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
        .map_err(internal("changing an email"))?
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
        .map_err(internal("committing an email change"))?;
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
        .map_err(internal("queueing an account notice"))?;
    Ok(())
}

/// Makes the account with `email` an admin, creating it with `password` when there is none. For the
/// `server create-admin` command, which has a pool but no running shop. Returns whether an account was created.
pub async fn create_admin(
    pool: &sqlx::PgPool,
    email: &str,
    password: Option<&str>,
) -> Result<bool, AppError> {
    let email = Email::parse(email)?;
    let mut conn = pool
        .acquire()
        .await
        .map_err(internal("connecting for an account"))?;
    if let Some(row) = db::by_email(&mut conn, email.as_str())
        .await
        .map_err(internal("finding an account"))?
    {
        db::set_role(&mut conn, row.customer_id, Role::Admin.as_db())
            .await
            .map_err(internal("setting a role"))?;
        tracing::info!(customer = row.customer_id, "account made admin");
        return Ok(false);
    }
    let password = NewPassword::parse(password.unwrap_or_default())?;
    let hash = hash(&password).await?;
    let id = db::insert(&mut conn, email.as_str(), &hash)
        .await
        .map_err(internal("creating an account"))?
        .ok_or(AppError::Internal)?;
    db::set_role(&mut conn, id, Role::Admin.as_db())
        .await
        .map_err(internal("setting a role"))?;
    tracing::info!(customer = id, "admin account created");
    Ok(true)
}

/// Gives the account with `email` a role: admins only.
#[tracing::instrument(skip_all, fields(by = session.customer_id))]
pub async fn set_role(
    state: &AppState,
    session: &Session,
    email: &str,
    role: Role,
) -> Result<(), AppError> {
    session.require(Role::Admin)?;
    let email = Email::parse(email)?;
    let mut conn = state.conn("connecting for an account").await?;
    let row = db::by_email(&mut conn, email.as_str())
        .await
        .map_err(internal("finding an account"))?
        .ok_or_else(|| AppError::invalid("email", "There is no account with this email."))?;
    if row.customer_id == session.customer_id && role != Role::Admin {
        return Err(AppError::invalid(
            "role",
            "You cannot take away your own admin role; ask another admin.",
        ));
    }
    db::set_role(&mut conn, row.customer_id, role.as_db())
        .await
        .map_err(internal("setting a role"))?;
    tracing::info!(
        customer = row.customer_id,
        role = role.as_db(),
        "role changed"
    );
    Ok(())
}
