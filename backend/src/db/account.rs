//! Accounts and sessions.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

pub struct CustomerRow {
    pub customer_id: i64,
    pub email: String,
    pub password_hash: String,
    pub role: String,
    /// Disabled by an admin: no sign-in, no sessions, no reset links.
    pub disabled: bool,
}

/// A new account; `None` when the email is taken.
pub async fn insert(
    conn: &mut PgConnection,
    email: &str,
    password_hash: &str,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "insert into customer (email, password_hash) values ($1, $2)
         on conflict (email) do nothing returning customer_id",
        email,
        password_hash
    )
    .fetch_optional(conn)
    .await
}

pub async fn by_email(conn: &mut PgConnection, email: &str) -> sqlx::Result<Option<CustomerRow>> {
    sqlx::query_as!(
        CustomerRow,
        r#"select customer_id, email::text as "email!", password_hash, role::text as "role!",
                  disabled_at is not null as "disabled!"
           from customer where email = $1::text::citext"#,
        email
    )
    .fetch_optional(conn)
    .await
}

pub async fn insert_session(
    conn: &mut PgConnection,
    token_hash: &[u8],
    customer_id: i64,
    expires_at: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into customer_session (token_hash, customer_id, expires_at) values ($1, $2, $3)",
        token_hash,
        customer_id,
        expires_at
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub struct SessionRow {
    pub customer_id: i64,
    pub email: String,
    pub role: String,
}

/// The live session with this token hash: not past its absolute end, and seen within `idle_secs`. Marks it seen
/// (at most once a minute, so browsing does not write on every request).
pub async fn touch_session(
    conn: &mut PgConnection,
    token_hash: &[u8],
    idle_secs: i64,
) -> sqlx::Result<Option<SessionRow>> {
    sqlx::query_as!(
        SessionRow,
        r#"with live as (
             select s.token_hash, c.customer_id, c.email::text as email, c.role::text as role,
                    s.last_seen_at
             from customer_session s join customer c using (customer_id)
             where s.token_hash = $1 and s.expires_at > now() and c.disabled_at is null
               and s.last_seen_at > now() - make_interval(secs => $2::bigint)),
           seen as (
             update customer_session set last_seen_at = now()
             where token_hash = (select token_hash from live where last_seen_at < now() - interval '1 minute'))
           select customer_id as "customer_id!", email as "email!", role as "role!" from live"#,
        token_hash,
        idle_secs
    )
    .fetch_optional(conn)
    .await
}

/// Forgets the account's sessions that have ended (idle too long, or past their absolute end).
pub async fn prune_sessions_of(
    conn: &mut PgConnection,
    customer_id: i64,
    idle_secs: i64,
) -> sqlx::Result<()> {
    sqlx::query!(
        "delete from customer_session where customer_id = $1
           and (expires_at <= now() or last_seen_at <= now() - make_interval(secs => $2::bigint))",
        customer_id,
        idle_secs
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn delete_session(conn: &mut PgConnection, token_hash: &[u8]) -> sqlx::Result<()> {
    sqlx::query!(
        "delete from customer_session where token_hash = $1",
        token_hash
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn delete_sessions_of(conn: &mut PgConnection, customer_id: i64) -> sqlx::Result<u64> {
    Ok(sqlx::query!(
        "delete from customer_session where customer_id = $1",
        customer_id
    )
    .execute(conn)
    .await?
    .rows_affected())
}

pub struct OrderListRow {
    pub number: String,
    pub access_token: String,
    pub status: String,
    pub total_minor: i64,
    pub currency: String,
    pub created_at: DateTime<Utc>,
}

/// The account's orders, newest first.
pub async fn orders_of(
    conn: &mut PgConnection,
    customer_id: i64,
    limit: i64,
) -> sqlx::Result<Vec<OrderListRow>> {
    sqlx::query_as!(
        OrderListRow,
        r#"select number, access_token, status::text as "status!", total_minor, currency as "currency!", created_at
           from customer_order where customer_id = $1 order by created_at desc limit $2"#,
        customer_id,
        limit
    )
    .fetch_all(conn)
    .await
}

pub async fn by_id(conn: &mut PgConnection, customer_id: i64) -> sqlx::Result<Option<CustomerRow>> {
    sqlx::query_as!(
        CustomerRow,
        r#"select customer_id, email::text as "email!", password_hash, role::text as "role!",
                  disabled_at is not null as "disabled!"
           from customer where customer_id = $1"#,
        customer_id
    )
    .fetch_optional(conn)
    .await
}

pub async fn set_password(
    conn: &mut PgConnection,
    customer_id: i64,
    password_hash: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update customer set password_hash = $2 where customer_id = $1",
        customer_id,
        password_hash
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// `false` when another account has the email.
pub async fn set_email(
    conn: &mut PgConnection,
    customer_id: i64,
    email: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update customer set email = $2::text::citext where customer_id = $1
           and not exists (select 1 from customer where email = $2::text::citext and customer_id <> $1)",
        customer_id,
        email
    )
    .execute(conn)
    .await;
    match done {
        Ok(done) => Ok(done.rows_affected() == 1),
        // Two accounts changing to one email at the same moment: the unique index decides.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(false),
        Err(e) => Err(e),
    }
}

pub async fn set_role(conn: &mut PgConnection, customer_id: i64, role: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "update customer set role = $2::text::customer_role where customer_id = $1",
        customer_id,
        role
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Ends the account's sessions but the one with `keep` (the browser that changed the password).
pub async fn delete_other_sessions(
    conn: &mut PgConnection,
    customer_id: i64,
    keep: &[u8],
) -> sqlx::Result<u64> {
    Ok(sqlx::query!(
        "delete from customer_session where customer_id = $1 and token_hash <> $2",
        customer_id,
        keep
    )
    .execute(conn)
    .await?
    .rows_affected())
}

pub async fn insert_reset(
    conn: &mut PgConnection,
    token_hash: &[u8],
    customer_id: i64,
    expires_at: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into password_reset (token_hash, customer_id, expires_at) values ($1, $2, $3)",
        token_hash,
        customer_id,
        expires_at
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The account a reset token belongs to, while it is unused and unexpired (read only: see [`use_reset`]).
pub async fn reset_owner(conn: &mut PgConnection, token_hash: &[u8]) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "select customer_id from password_reset
         where token_hash = $1 and used_at is null and expires_at > now()",
        token_hash
    )
    .fetch_optional(conn)
    .await
}

/// Uses a reset token up, if it is still good: of two requests with one token, one gets the account. Every
/// other outstanding token of the account is used up with it.
pub async fn use_reset(conn: &mut PgConnection, token_hash: &[u8]) -> sqlx::Result<Option<i64>> {
    let owner = sqlx::query_scalar!(
        "update password_reset set used_at = now()
         where token_hash = $1 and used_at is null and expires_at > now()
           and customer_id in (select customer_id from customer where disabled_at is null)
         returning customer_id",
        token_hash
    )
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(customer_id) = owner {
        sqlx::query!(
            "update password_reset set used_at = now() where customer_id = $1 and used_at is null",
            customer_id
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(owner)
}

/// Forgets reset tokens that can no longer be used, a day after they stopped working.
pub async fn prune_resets(conn: &mut PgConnection) -> sqlx::Result<u64> {
    Ok(sqlx::query!(
        "delete from password_reset where coalesce(used_at, expires_at) < now() - interval '1 day'"
    )
    .execute(conn)
    .await?
    .rows_affected())
}
