//! Counts for the admin area's start page.

use sqlx::PgConnection;

pub struct OverviewRow {
    pub orders_today: i64,
    pub awaiting_payment: i64,
    pub to_ship: i64,
    pub accounts: i64,
    pub low_stock_variants: i64,
}

pub async fn overview(conn: &mut PgConnection) -> sqlx::Result<OverviewRow> {
    sqlx::query_as!(
        OverviewRow,
        r#"select
             (select count(*) from customer_order where created_at >= date_trunc('day', now())) as "orders_today!",
             (select count(*) from customer_order where status = 'awaiting_payment') as "awaiting_payment!",
             (select count(*) from customer_order where status in ('paid', 'fulfilled')) as "to_ship!",
             (select count(*) from customer) as "accounts!",
             (select count(*) from variant where available < low_stock_threshold) as "low_stock_variants!""#
    )
    .fetch_one(conn)
    .await
}

/// One row of the admin order list.
pub struct OrderListRow {
    pub customer_order_id: i64,
    pub number: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub email: String,
    pub status: String,
    pub payment_method: String,
    pub currency: String,
    pub total_minor: i64,
    pub items: i64,
}

/// The list's filters, in SQL's terms.
pub struct OrderQuery<'a> {
    pub status: Option<&'a str>,
    pub method: Option<&'a str>,
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    pub until: Option<chrono::DateTime<chrono::Utc>>,
    pub number: Option<&'a str>,
    pub email: Option<&'a str>,
    pub after: Option<(chrono::DateTime<chrono::Utc>, i64)>,
    pub limit: i64,
}

/// Orders newest first, filtered, after the keyset `after`. Run in a transaction that forces a plan per call
/// (see `orders::list`), so every filter combination uses the index that suits it.
pub async fn orders(
    conn: &mut PgConnection,
    q: &OrderQuery<'_>,
) -> sqlx::Result<Vec<OrderListRow>> {
    let (after_at, after_id) = q.after.unzip();
    sqlx::query_as!(
        OrderListRow,
        r#"select o.customer_order_id, o.number, o.created_at, o.email::text as "email!",
                  o.status::text as "status!", o.payment_method::text as "payment_method!",
                  o.currency as "currency!", o.total_minor,
                  (select coalesce(sum(l.quantity), 0) from order_line l
                   where l.customer_order_id = o.customer_order_id)::bigint as "items!"
           from customer_order o
           where ($1::text is null or o.status = $1::text::order_status)
             and ($2::text is null or o.payment_method = $2::text::payment_method)
             and ($3::timestamptz is null or o.created_at >= $3)
             and ($4::timestamptz is null or o.created_at < $4)
             and ($5::text is null or o.number = $5)
             and ($6::text is null or o.email = $6::text::citext)
             and ($7::timestamptz is null or (o.created_at, o.customer_order_id) < ($7, $8))
           order by o.created_at desc, o.customer_order_id desc
           limit $9"#,
        q.status,
        q.method,
        q.from,
        q.until,
        q.number,
        q.email,
        after_at,
        after_id,
        q.limit
    )
    .fetch_all(conn)
    .await
}

pub struct EventRow {
    pub from_status: Option<String>,
    pub to_status: String,
    pub note: Option<String>,
    pub actor_email: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// An order's timeline, oldest first.
pub async fn events(conn: &mut PgConnection, order_id: i64) -> sqlx::Result<Vec<EventRow>> {
    sqlx::query_as!(
        EventRow,
        r#"select e.from_status::text as from_status, e.to_status::text as "to_status!", e.note,
                  c.email::text as "actor_email?", e.created_at
           from order_event e left join customer c on c.customer_id = e.actor_id
           where e.customer_order_id = $1
           order by e.order_event_id"#,
        order_id
    )
    .fetch_all(conn)
    .await
}

pub struct PaymentAttemptRow {
    pub provider: String,
    pub intent_id: Option<String>,
    pub amount_minor: i64,
    pub currency: String,
    pub status: String,
    pub failure_message: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// An order's payment attempts, oldest first.
pub async fn payments(
    conn: &mut PgConnection,
    order_id: i64,
) -> sqlx::Result<Vec<PaymentAttemptRow>> {
    sqlx::query_as!(
        PaymentAttemptRow,
        r#"select provider, intent_id, amount_minor, currency as "currency!", status::text as "status!",
                  failure_message, created_at
           from payment where customer_order_id = $1 order by created_at"#,
        order_id
    )
    .fetch_all(conn)
    .await
}

/// Records a bank transfer staff saw arrive, as the order's succeeded payment. `false` when the order already
/// has one.
pub async fn record_manual_payment(
    conn: &mut PgConnection,
    payment_id: uuid::Uuid,
    order_id: i64,
    amount_minor: i64,
    currency: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "insert into payment (payment_id, customer_order_id, provider, amount_minor, currency, status)
         values ($1, $2, 'manual', $3, $4, 'succeeded')
         on conflict do nothing",
        payment_id,
        order_id,
        amount_minor,
        currency
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The order statuses that count as sales: paid, whatever happened since, unless cancelled or refunded in full.
const SOLD: &str = "paid,fulfilled,shipped,delivered,partially_refunded";

pub struct DayRow {
    pub day: chrono::NaiveDate,
    pub orders: i64,
    pub revenue_minor: i64,
}

/// Sales per day (UTC) from `days - 1` days ago to today, in `currency`, days without sales included.
pub async fn sales_per_day(
    conn: &mut PgConnection,
    days: i64,
    currency: &str,
) -> sqlx::Result<Vec<DayRow>> {
    sqlx::query_as!(
        DayRow,
        r#"with span as (
             select generate_series((now() at time zone 'UTC')::date - ($1::int - 1),
                                    (now() at time zone 'UTC')::date, interval '1 day')::date as day),
           sold as (
             select (created_at at time zone 'UTC')::date as day, count(*) as orders,
                    sum(total_minor - refunded_minor) as revenue
             from customer_order
             where created_at >= (now() at time zone 'UTC')::date - ($1::int - 1)
               and status::text = any(string_to_array($2, ',')) and currency = $3
             group by 1)
           select span.day as "day!", coalesce(sold.orders, 0) as "orders!",
                  coalesce(sold.revenue, 0)::bigint as "revenue_minor!"
           from span left join sold using (day) order by span.day"#,
        days as i32,
        SOLD,
        currency
    )
    .fetch_all(conn)
    .await
}

pub struct StatusCountRow {
    pub status: String,
    pub orders: i64,
}

/// Orders placed in the last `days` days, by their status now.
pub async fn orders_by_status(
    conn: &mut PgConnection,
    days: i64,
) -> sqlx::Result<Vec<StatusCountRow>> {
    sqlx::query_as!(
        StatusCountRow,
        r#"select status::text as "status!", count(*) as "orders!"
           from customer_order where created_at >= (now() at time zone 'UTC')::date - ($1::int - 1)
           group by status order by status"#,
        days as i32
    )
    .fetch_all(conn)
    .await
}

pub struct TopProductRow {
    pub name: String,
    pub units: i64,
    pub revenue_minor: i64,
}

/// The products that sold most units in the last `days` days (by the name on the order line).
pub async fn top_products(
    conn: &mut PgConnection,
    days: i64,
    currency: &str,
    limit: i64,
) -> sqlx::Result<Vec<TopProductRow>> {
    sqlx::query_as!(
        TopProductRow,
        r#"select l.product_name as name, sum(l.quantity)::bigint as "units!",
                  sum(l.line_total_minor)::bigint as "revenue_minor!"
           from customer_order o join order_line l using (customer_order_id)
           where o.created_at >= (now() at time zone 'UTC')::date - ($1::int - 1)
             and o.status::text = any(string_to_array($2, ',')) and o.currency = $3
           group by l.product_name
           order by 2 desc, 3 desc, 1
           limit $4"#,
        days as i32,
        SOLD,
        currency,
        limit
    )
    .fetch_all(conn)
    .await
}
