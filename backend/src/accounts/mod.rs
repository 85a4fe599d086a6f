//! Accounts and sessions: sign-up, sign-in (the same answer and the same work whether or not the email has an
//! account), sessions kept server-side and known only by the hash of their cookie's token, a new session at every
//! sign-in (a token planted before sign-in never becomes signed in), idle and absolute expiry, sign-out here or
//! everywhere. Orders placed while signed in belong to the account.

mod credentials;

pub use credentials::{
    change_email, change_password, issue_reset, request_password_reset, reset_password,
    reset_token_is_valid, IssuedReset,
};

use super::db::account as db;
use super::limits::AccountAction;
use super::{cart, passwords, AppState};
use crate::domain::account::{AccountOrder, AccountView, NewPassword, Role};
use crate::domain::email::Email;
use crate::domain::money::Money;
use crate::domain::order::OrderStatus;
use crate::error::AppError;
use crate::OrInternal;
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
pub(super) async fn hash(password: &NewPassword) -> Result<String, AppError> {
    passwords::hash(password.expose())
        .await
        .or_internal("hashing a password")
}

pub(super) fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// 32 random bytes, URL-safe base64: the session cookie's value.
pub(super) fn new_token() -> String {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    bytes[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    bytes[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub(super) async fn start_session(state: &AppState, customer_id: i64) -> Result<String, AppError> {
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
    .or_internal("pruning ended sessions")?;
    db::insert_session(&mut conn, &token_hash(&token), customer_id, expires)
        .await
        .or_internal("starting a session")?;
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
        .or_internal("creating an account")?
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
                .or_internal("finding an account")?
        }
        Err(_) => None,
    };
    let matches = passwords::verify(password, row.as_ref().map(|r| r.password_hash.as_str()))
        .await
        .or_internal("checking a password")?;
    let Some(row) = row.filter(|r| matches && !r.disabled) else {
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
        .or_internal("connecting for a session")?;
    let row = db::touch_session(
        &mut conn,
        &token_hash(token),
        i64::from(state.config.session_idle_minutes) * 60,
    )
    .await
    .or_internal("reading a session")?;
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
        .or_internal("ending a session")
}

/// Ends every session of the account (a lost phone, a shared computer).
pub async fn sign_out_everywhere(state: &AppState, session: &Session) -> Result<u64, AppError> {
    let mut conn = state.conn("connecting for sign-out").await?;
    db::delete_sessions_of(&mut conn, session.customer_id)
        .await
        .or_internal("ending sessions")
}

/// The account page: who is signed in and their orders, newest first.
pub async fn view(state: &AppState, session: &Session) -> Result<AccountView, AppError> {
    let mut conn = state.conn("connecting for an account").await?;
    let rows = db::orders_of(&mut conn, session.customer_id, 100)
        .await
        .or_internal("listing orders")?;
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
        .or_internal("connecting for an account")?;
    if let Some(row) = db::by_email(&mut conn, email.as_str())
        .await
        .or_internal("finding an account")?
    {
        db::set_role(&mut conn, row.customer_id, Role::Admin.as_db())
            .await
            .or_internal("setting a role")?;
        tracing::info!(customer = row.customer_id, "account made admin");
        return Ok(false);
    }
    let password = NewPassword::parse(password.unwrap_or_default())?;
    let hash = hash(&password).await?;
    let id = db::insert(&mut conn, email.as_str(), &hash)
        .await
        .or_internal("creating an account")?
        .ok_or(AppError::Internal)?;
    db::set_role(&mut conn, id, Role::Admin.as_db())
        .await
        .or_internal("setting a role")?;
    tracing::info!(customer = id, "admin account created");
    Ok(true)
}
