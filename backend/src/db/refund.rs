//! Refunds: one row each, pending until the provider (or staff, for a bank transfer) has paid the money back.

use sqlx::PgConnection;
use uuid::Uuid;

/// Where a refund stands (the `refund_status` type).
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "refund_status", rename_all = "snake_case")]
pub enum RefundState {
    Pending,
    Succeeded,
    Failed,
}

#[derive(Debug, Clone)]
pub struct RefundRow {
    pub refund_id: Uuid,
    pub customer_order_id: i64,
    pub amount_minor: i64,
    pub currency: String,
    pub status: RefundState,
    pub cancels_order: bool,
    pub actor_id: Option<i64>,
    pub note: Option<String>,
    pub failure_message: Option<String>,
    pub actor_email: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// `query_as!` for refunds, with the given tail and arguments.
macro_rules! select_refund {
    ($tail:tt, $($arg:expr),*) => {
        sqlx::query_as!(
            RefundRow,
            r#"select r.refund_id, r.customer_order_id, r.amount_minor, r.currency as "currency!",
                      r.status as "status: RefundState", r.cancels_order, r.actor_id, r.note, r.failure_message,
                      c.email::text as "actor_email?", r.created_at
               from refund r left join customer c on c.customer_id = r.actor_id "# + $tail,
            $($arg),*
        )
    };
}

pub struct NewRefund<'a> {
    pub refund_id: Uuid,
    pub order_id: i64,
    pub payment_id: Option<Uuid>,
    pub amount_minor: i64,
    pub currency: &'a str,
    pub cancels_order: bool,
    pub actor_id: Option<i64>,
    pub note: Option<&'a str>,
}

pub async fn insert(conn: &mut PgConnection, r: &NewRefund<'_>) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into refund (refund_id, customer_order_id, payment_id, amount_minor, currency, cancels_order,
                             actor_id, note)
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
        r.refund_id,
        r.order_id,
        r.payment_id,
        r.amount_minor,
        r.currency,
        r.cancels_order,
        r.actor_id,
        r.note
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The order's refund still waiting for the provider, if any.
pub async fn pending_for(
    conn: &mut PgConnection,
    order_id: i64,
) -> sqlx::Result<Option<RefundRow>> {
    select_refund!(
        "where r.customer_order_id = $1 and r.status = 'pending'",
        order_id
    )
    .fetch_optional(conn)
    .await
}

/// The order a refund belongs to, read without a lock: callers lock that order first, then the refund.
pub async fn order_of(conn: &mut PgConnection, refund_id: Uuid) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "select customer_order_id from refund where refund_id = $1",
        refund_id
    )
    .fetch_optional(conn)
    .await
}

/// Locks a refund for settling.
pub async fn lock(conn: &mut PgConnection, refund_id: Uuid) -> sqlx::Result<Option<RefundRow>> {
    select_refund!("where r.refund_id = $1 for update of r", refund_id)
        .fetch_optional(conn)
        .await
}

pub async fn for_order(conn: &mut PgConnection, order_id: i64) -> sqlx::Result<Vec<RefundRow>> {
    select_refund!(
        "where r.customer_order_id = $1 order by r.created_at",
        order_id
    )
    .fetch_all(conn)
    .await
}

pub async fn settle(
    conn: &mut PgConnection,
    refund_id: Uuid,
    status: RefundState,
    provider_refund_id: Option<&str>,
    failure_message: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update refund set status = $2, provider_refund_id = coalesce($3, provider_refund_id), failure_message = $4
         where refund_id = $1",
        refund_id,
        status as RefundState,
        provider_refund_id,
        failure_message
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Adds a settled refund to the order's refunded amount; returns the new total refunded.
pub async fn add_to_order(
    conn: &mut PgConnection,
    order_id: i64,
    amount_minor: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "update customer_order set refunded_minor = refunded_minor + $2 where customer_order_id = $1
         returning refunded_minor",
        order_id,
        amount_minor
    )
    .fetch_one(conn)
    .await
}

/// The order's succeeded payment: which provider took it, and its intent there.
pub struct PaidWith {
    pub payment_id: uuid::Uuid,
    pub provider: String,
    pub intent_id: Option<String>,
}

pub async fn paid_with(conn: &mut PgConnection, order_id: i64) -> sqlx::Result<Option<PaidWith>> {
    sqlx::query_as!(
        PaidWith,
        "select payment_id, provider, intent_id from payment where customer_order_id = $1 and status = 'succeeded'",
        order_id
    )
    .fetch_optional(conn)
    .await
}
