//! Payment attempts and the provider events already handled.

use sqlx::PgConnection;
use uuid::Uuid;

/// Where a payment attempt stands (the `payment_status` type).
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "payment_status", rename_all = "snake_case")]
pub enum PaymentStatus {
    /// Started, or the provider is still processing it.
    Pending,
    /// Waiting for the shopper's bank (3-D Secure).
    RequiresAction,
    Succeeded,
    Failed,
}

impl PaymentStatus {
    /// Still open: the provider may yet report success or failure.
    pub fn is_open(self) -> bool {
        matches!(self, PaymentStatus::Pending | PaymentStatus::RequiresAction)
    }
}

#[derive(Debug, Clone)]
pub struct PaymentRow {
    pub payment_id: Uuid,
    pub customer_order_id: i64,
    pub intent_id: Option<String>,
    pub amount_minor: i64,
    pub currency: String,
    pub status: PaymentStatus,
    pub failure_message: Option<String>,
    pub client_secret: Option<String>,
}

/// Starts an attempt. `None` when the order already has one in flight (or has been paid): the unique indexes
/// decide, so concurrent attempts cannot both start.
pub async fn start(
    conn: &mut PgConnection,
    payment_id: Uuid,
    order_id: i64,
    provider: &str,
    amount_minor: i64,
    currency: &str,
) -> sqlx::Result<bool> {
    let inserted = sqlx::query!(
        "insert into payment (payment_id, customer_order_id, provider, amount_minor, currency)
         select $1, $2, $3, $4, $5
         where not exists (select 1 from payment where customer_order_id = $2 and status = 'succeeded')
         on conflict do nothing",
        payment_id,
        order_id,
        provider,
        amount_minor,
        currency
    )
    .execute(conn)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// Records what the provider answered for an attempt.
pub async fn update(
    conn: &mut PgConnection,
    payment_id: Uuid,
    intent_id: Option<&str>,
    status: PaymentStatus,
    failure_message: Option<&str>,
    client_secret: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update payment set intent_id = coalesce($2, intent_id), status = $3,
                failure_message = $4, client_secret = $5
         where payment_id = $1",
        payment_id,
        intent_id,
        status as PaymentStatus,
        failure_message,
        client_secret
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The order of the attempt a provider event is about (see [`lock_for_intent`]), read without a lock: callers
/// lock that order first, then the attempt.
pub async fn order_for_intent(
    conn: &mut PgConnection,
    intent_id: &str,
    payment_id: Option<Uuid>,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        r#"select customer_order_id from payment where intent_id = $1 or payment_id = $2
           order by (intent_id = $1) desc nulls last limit 1"#,
        intent_id,
        payment_id
    )
    .fetch_optional(conn)
    .await
}

/// The attempt a provider event is about: by the provider's intent id, or by our id in the intent's metadata.
/// Locked for the rest of the transaction.
pub async fn lock_for_intent(
    conn: &mut PgConnection,
    intent_id: &str,
    payment_id: Option<Uuid>,
) -> sqlx::Result<Option<PaymentRow>> {
    sqlx::query_as!(
        PaymentRow,
        r#"select payment_id, customer_order_id, intent_id, amount_minor, currency as "currency!",
                  status as "status!: PaymentStatus", failure_message, client_secret
           from payment where intent_id = $1 or payment_id = $2
           order by (intent_id = $1) desc nulls last limit 1
           for update"#,
        intent_id,
        payment_id
    )
    .fetch_optional(conn)
    .await
}

/// The order's latest attempt.
pub async fn latest(conn: &mut PgConnection, order_id: i64) -> sqlx::Result<Option<PaymentRow>> {
    sqlx::query_as!(
        PaymentRow,
        r#"select payment_id, customer_order_id, intent_id, amount_minor, currency as "currency!",
                  status as "status!: PaymentStatus", failure_message, client_secret
           from payment where customer_order_id = $1
           order by created_at desc, payment_id limit 1"#,
        order_id
    )
    .fetch_optional(conn)
    .await
}

/// How many attempts an order has had (tests and the admin view).
pub async fn count_for(conn: &mut PgConnection, order_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select count(*) as "n!" from payment where customer_order_id = $1"#,
        order_id
    )
    .fetch_one(conn)
    .await
}

/// Stores a provider event by its id. False when it was received before.
pub async fn claim_event(
    conn: &mut PgConnection,
    event_id: &str,
    provider: &str,
    event_type: &str,
    payload: &serde_json::Value,
) -> sqlx::Result<bool> {
    let inserted = sqlx::query!(
        "insert into payment_event (event_id, provider, event_type, payload) values ($1, $2, $3, $4)
         on conflict (event_id) do nothing",
        event_id,
        provider,
        event_type,
        payload
    )
    .execute(conn)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

pub struct StoredEvent {
    pub payload: serde_json::Value,
    /// Set once the event has been acted on.
    pub handled_outcome: Option<String>,
}

/// A stored event, locked while it is acted on.
pub async fn lock_event(
    conn: &mut PgConnection,
    event_id: &str,
) -> sqlx::Result<Option<StoredEvent>> {
    sqlx::query_as!(
        StoredEvent,
        r#"select coalesce(payload, '{}'::jsonb) as "payload!",
                  case when handled_at is not null then outcome end as handled_outcome
           from payment_event where event_id = $1 for update"#,
        event_id
    )
    .fetch_optional(conn)
    .await
}

pub async fn set_event_outcome(
    conn: &mut PgConnection,
    event_id: &str,
    outcome: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update payment_event set outcome = $2, handled_at = now() where event_id = $1",
        event_id,
        outcome
    )
    .execute(conn)
    .await?;
    Ok(())
}
