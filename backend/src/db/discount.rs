//! Discount codes as staff manage them. Checkout's reads and redemptions are in `db::checkout`.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

pub struct DiscountRow {
    pub discount_id: i64,
    pub code: String,
    pub kind: String,
    pub amount: i64,
    pub currency: Option<String>,
    pub min_subtotal_minor: i64,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub usage_limit: Option<i32>,
    pub per_customer_limit: Option<i32>,
    pub used_count: i32,
}

/// Every code, the newest first.
pub async fn list(conn: &mut PgConnection) -> sqlx::Result<Vec<DiscountRow>> {
    sqlx::query_as!(
        DiscountRow,
        r#"select discount_id, code::text as "code!", kind::text as "kind!", amount, currency::text,
                  min_subtotal_minor, starts_at, ends_at, usage_limit, per_customer_limit, used_count
           from discount order by discount_id desc"#
    )
    .fetch_all(conn)
    .await
}

/// One code, its row locked (redemptions of it wait), for a change.
pub async fn lock(conn: &mut PgConnection, id: i64) -> sqlx::Result<Option<DiscountRow>> {
    sqlx::query_as!(
        DiscountRow,
        r#"select discount_id, code::text as "code!", kind::text as "kind!", amount, currency::text,
                  min_subtotal_minor, starts_at, ends_at, usage_limit, per_customer_limit, used_count
           from discount where discount_id = $1 for update"#,
        id
    )
    .fetch_optional(conn)
    .await
}

pub struct DiscountWrite<'a> {
    pub code: &'a str,
    pub kind: &'a str,
    pub amount: i64,
    pub currency: Option<&'a str>,
    pub min_subtotal_minor: i64,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub usage_limit: Option<i32>,
    pub per_customer_limit: Option<i32>,
}

pub async fn insert(conn: &mut PgConnection, d: &DiscountWrite<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "insert into discount (code, kind, amount, currency, min_subtotal_minor, starts_at, ends_at, usage_limit,
                               per_customer_limit)
         values ($1, $2::text::discount_kind, $3, $4, $5, $6, $7, $8, $9) returning discount_id",
        d.code,
        d.kind,
        d.amount,
        d.currency,
        d.min_subtotal_minor,
        d.starts_at,
        d.ends_at,
        d.usage_limit,
        d.per_customer_limit
    )
    .fetch_one(conn)
    .await
}

pub async fn update(conn: &mut PgConnection, id: i64, d: &DiscountWrite<'_>) -> sqlx::Result<()> {
    sqlx::query!(
        "update discount set code = $2, kind = $3::text::discount_kind, amount = $4, currency = $5,
                min_subtotal_minor = $6, starts_at = $7, ends_at = $8, usage_limit = $9, per_customer_limit = $10
         where discount_id = $1",
        id,
        d.code,
        d.kind,
        d.amount,
        d.currency,
        d.min_subtotal_minor,
        d.starts_at,
        d.ends_at,
        d.usage_limit,
        d.per_customer_limit
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Ends the code now (a code that had not started yet simply never starts). The end is a whole second:
/// checkout compares whole seconds, and a fractional end would round up and leave the code working for up to
/// one more second.
pub async fn end_now(conn: &mut PgConnection, id: i64) -> sqlx::Result<()> {
    sqlx::query!(
        "update discount
         set starts_at = case when starts_at >= date_trunc('second', now()) then null else starts_at end,
             ends_at = date_trunc('second', now())
         where discount_id = $1 and (ends_at is null or ends_at > date_trunc('second', now()))",
        id
    )
    .execute(conn)
    .await?;
    Ok(())
}
