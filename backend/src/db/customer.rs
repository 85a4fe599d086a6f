//! Accounts as staff see them: the customer list, one account's outline and orders, and disabling. The
//! account's own reads and writes (sign-in, sessions, resets) are in `db::account`.

use sqlx::PgConnection;

pub struct ListRow {
    pub customer_id: i64,
    pub email: String,
    pub role: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub disabled: bool,
    pub orders: i64,
    pub last_order_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Accounts newest first, filtered, after the keyset `after`. `email_like` is a LIKE pattern on the lower-case
/// email with its wildcards escaped.
pub async fn list(
    conn: &mut PgConnection,
    email_like: Option<&str>,
    role: Option<&str>,
    disabled: Option<bool>,
    after: Option<i64>,
    limit: i64,
) -> sqlx::Result<Vec<ListRow>> {
    sqlx::query_as!(
        ListRow,
        r#"select c.customer_id, c.email::text as "email!", c.role::text as "role!", c.created_at,
                  c.disabled_at is not null as "disabled!",
                  (select count(*) from customer_order o where o.customer_id = c.customer_id) as "orders!",
                  (select max(o.created_at) from customer_order o where o.customer_id = c.customer_id) as last_order_at
           from customer c
           where ($1::text is null or lower(c.email::text) like $1)
             and ($2::text is null or c.role = $2::text::customer_role)
             and ($3::boolean is null or (c.disabled_at is not null) = $3)
             and ($4::bigint is null or c.customer_id < $4)
           order by c.customer_id desc
           limit $5"#,
        email_like,
        role,
        disabled,
        after,
        limit
    )
    .fetch_all(conn)
    .await
}

pub struct DetailRow {
    pub customer_id: i64,
    pub email: String,
    pub role: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub disabled_at: Option<chrono::DateTime<chrono::Utc>>,
    pub sessions: i64,
}

pub async fn detail(conn: &mut PgConnection, customer_id: i64) -> sqlx::Result<Option<DetailRow>> {
    sqlx::query_as!(
        DetailRow,
        r#"select c.customer_id, c.email::text as "email!", c.role::text as "role!", c.created_at, c.disabled_at,
                  (select count(*) from customer_session s
                   where s.customer_id = c.customer_id and s.expires_at > now()) as "sessions!"
           from customer c where c.customer_id = $1"#,
        customer_id
    )
    .fetch_optional(conn)
    .await
}

/// Disables (`true`) or enables the account, its row locked; returns whether it was disabled before, or `None`
/// when there is no such account. Disabling also uses up its outstanding password-reset links.
pub async fn set_disabled(
    conn: &mut PgConnection,
    customer_id: i64,
    disabled: bool,
) -> sqlx::Result<Option<bool>> {
    let before = sqlx::query_scalar!(
        r#"select disabled_at is not null as "disabled!" from customer where customer_id = $1 for update"#,
        customer_id
    )
    .fetch_optional(&mut *conn)
    .await?;
    if before.is_some() {
        sqlx::query!(
            "update customer set disabled_at = case when $2 then coalesce(disabled_at, now()) end
             where customer_id = $1",
            customer_id,
            disabled
        )
        .execute(&mut *conn)
        .await?;
        if disabled {
            sqlx::query!(
                "update password_reset set used_at = now() where customer_id = $1 and used_at is null",
                customer_id
            )
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(before)
}
