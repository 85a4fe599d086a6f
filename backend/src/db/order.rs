//! Orders, their lines and history, and the stock they hold.

use sqlx::PgConnection;
use uuid::Uuid;

/// Holds `quantity` of `sku` for an order, only if that many are available. Returns false when they are not.
pub async fn reserve(conn: &mut PgConnection, sku: &str, quantity: i32) -> sqlx::Result<bool> {
    let updated = sqlx::query!(
        "update variant set reserved = reserved + $2 where sku = $1 and available >= $2",
        sku,
        quantity
    )
    .execute(conn)
    .await?;
    Ok(updated.rows_affected() == 1)
}

pub async fn available(conn: &mut PgConnection, sku: &str) -> sqlx::Result<i32> {
    sqlx::query_scalar!("select available from variant where sku = $1", sku)
        .fetch_optional(conn)
        .await
        .map(|a| a.unwrap_or(0).max(0))
}

#[derive(Debug, Clone)]
pub struct NewOrder<'a> {
    pub number: &'a str,
    pub access_token: &'a str,
    pub idempotency_key: Uuid,
    pub request_hash: &'a str,
    pub cart_id: i64,
    pub payment_method: &'a str,
    pub email: &'a str,
    /// Sealed with `crypto::Column::OrderAddress`.
    pub shipping_address_enc: &'a [u8],
    /// The signed-in account placing it, if any.
    pub customer_id: Option<i64>,
    pub shipping_method: &'a str,
    pub currency: &'a str,
    pub tax_inclusive: bool,
    pub tax_rate_bp: i32,
    pub subtotal_minor: i64,
    pub discount_code: Option<&'a str>,
    pub discount_minor: i64,
    pub shipping_minor: i64,
    pub tax_minor: i64,
    pub total_minor: i64,
    pub reserve_minutes: i32,
}

pub async fn insert(conn: &mut PgConnection, o: &NewOrder<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"insert into customer_order
             (number, access_token, idempotency_key, request_hash, cart_id, payment_method, email, shipping_address_enc,
              shipping_method, currency, tax_inclusive, tax_rate_bp, subtotal_minor, discount_code, discount_minor,
              shipping_minor, tax_minor, total_minor, reserved_until, customer_id)
           values ($1, $2, $3, $4, $5, $6::text::payment_method, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
                   $18, now() + make_interval(mins => $19), $20)
           returning customer_order_id"#,
        o.number,
        o.access_token,
        o.idempotency_key,
        o.request_hash,
        o.cart_id,
        o.payment_method,
        o.email,
        o.shipping_address_enc,
        o.shipping_method,
        o.currency,
        o.tax_inclusive,
        o.tax_rate_bp,
        o.subtotal_minor,
        o.discount_code,
        o.discount_minor,
        o.shipping_minor,
        o.tax_minor,
        o.total_minor,
        o.reserve_minutes,
        o.customer_id
    )
    .fetch_one(conn)
    .await
}

#[derive(Debug, Clone)]
pub struct NewLine<'a> {
    pub line_no: i32,
    pub sku: &'a str,
    pub product_name: &'a str,
    pub variant_label: &'a str,
    pub unit_price_minor: i64,
    pub quantity: i32,
    pub line_total_minor: i64,
}

pub async fn insert_line(
    conn: &mut PgConnection,
    order_id: i64,
    l: &NewLine<'_>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into order_line (customer_order_id, line_no, variant_id, sku, product_name, variant_label,
                                 unit_price_minor, quantity, line_total_minor)
         values ($1, $2, (select variant_id from variant where sku = $3), $3, $4, $5, $6, $7, $8)",
        order_id,
        l.line_no,
        l.sku,
        l.product_name,
        l.variant_label,
        l.unit_price_minor,
        l.quantity,
        l.line_total_minor
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn insert_event(
    conn: &mut PgConnection,
    order_id: i64,
    from: Option<&str>,
    to: &str,
    note: Option<&str>,
    actor: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into order_event (customer_order_id, from_status, to_status, note, actor_id)
         values ($1, $2::text::order_status, $3::text::order_status, $4, $5)",
        order_id,
        from,
        to,
        note,
        actor
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn insert_redemption(
    conn: &mut PgConnection,
    discount_id: i64,
    order_id: i64,
    email: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into discount_redemption (discount_id, customer_order_id, email) values ($1, $2, $3)",
        discount_id,
        order_id,
        email
    )
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct OrderRow {
    pub customer_order_id: i64,
    pub number: String,
    pub access_token: String,
    pub request_hash: String,
    pub status: String,
    pub payment_method: String,
    pub email: String,
    /// Written before addresses were sealed; cleared at start-up.
    pub shipping_address: Option<serde_json::Value>,
    pub shipping_address_enc: Option<Vec<u8>>,
    pub shipping_method: String,
    pub currency: String,
    pub tax_inclusive: bool,
    pub subtotal_minor: i64,
    pub discount_code: Option<String>,
    pub discount_minor: i64,
    pub shipping_minor: i64,
    pub tax_minor: i64,
    pub total_minor: i64,
    pub stock_state: String,
    pub reserved_until: Option<chrono::DateTime<chrono::Utc>>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
    pub tracking_url: Option<String>,
    pub customer_id: Option<i64>,
    pub refunded_minor: i64,
    /// Handed to a carrier (a shipment was recorded): its goods have left the shelf for good.
    pub shipped: bool,
}

/// `query_as!` for one order, with the given `where` clause and arguments.
macro_rules! select_order {
    ($where:tt, $($arg:expr),*) => {
        sqlx::query_as!(
            OrderRow,
            r#"select customer_order_id, number, access_token, request_hash, status::text as "status!",
                      payment_method::text as "payment_method!", email::text as "email!", shipping_address,
                      shipping_address_enc,
                      shipping_method, currency as "currency!", tax_inclusive, subtotal_minor,
                      discount_code::text, discount_minor, shipping_minor, tax_minor, total_minor, stock_state,
                      reserved_until, created_at, carrier, tracking_number, tracking_url, customer_id,
                      refunded_minor, shipped_at is not null as "shipped!"
               from customer_order "# + $where,
            $($arg),*
        )
    };
}

/// The order placed under an idempotency key, as its replay sees it.
#[derive(Debug, Clone)]
pub struct KeyedOrder {
    pub customer_order_id: i64,
    pub number: String,
    pub access_token: String,
    pub request_hash: String,
    /// Whether the one asking placed it: the same account, or the same cart (which may since have become an
    /// account's cart at sign-in).
    pub owned: bool,
}

/// The order placed under `key`, and whether `customer` (signed in) or the guest cart `token` placed it.
/// A guest token only matches a cart that no account holds, as everywhere else.
pub async fn by_idempotency_key(
    conn: &mut PgConnection,
    key: Uuid,
    customer: Option<i64>,
    token: Option<Uuid>,
) -> sqlx::Result<Option<KeyedOrder>> {
    sqlx::query_as!(
        KeyedOrder,
        r#"select o.customer_order_id, o.number, o.access_token, o.request_hash,
                  coalesce(case when $2::bigint is not null then o.customer_id = $2 or c.customer_id = $2
                                else c.customer_id is null and c.token = $3 end,
                           false) as "owned!"
           from customer_order o left join cart c on c.cart_id = o.cart_id
           where o.idempotency_key = $1"#,
        key,
        customer,
        token
    )
    .fetch_optional(conn)
    .await
}

/// Orders placed from a guest cart follow it into the account's cart when the two merge at sign-in, so the
/// shopper who placed them is still known as their owner.
pub async fn move_to_cart(conn: &mut PgConnection, from: i64, to: i64) -> sqlx::Result<()> {
    sqlx::query!(
        "update customer_order set cart_id = $2 where cart_id = $1",
        from,
        to
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn by_number(conn: &mut PgConnection, number: &str) -> sqlx::Result<Option<OrderRow>> {
    select_order!("where number = $1", number)
        .fetch_optional(conn)
        .await
}

pub async fn by_id(conn: &mut PgConnection, order_id: i64) -> sqlx::Result<Option<OrderRow>> {
    select_order!("where customer_order_id = $1", order_id)
        .fetch_optional(conn)
        .await
}

/// Locks the order row for a status change.
pub async fn lock(conn: &mut PgConnection, order_id: i64) -> sqlx::Result<Option<OrderRow>> {
    select_order!("where customer_order_id = $1 for update", order_id)
        .fetch_optional(conn)
        .await
}

/// Locks the order with this number (staff's actions name orders by number).
pub async fn lock_by_number(
    conn: &mut PgConnection,
    number: &str,
) -> sqlx::Result<Option<OrderRow>> {
    select_order!("where number = $1 for update", number)
        .fetch_optional(conn)
        .await
}

#[derive(Debug, Clone)]
pub struct LineRow {
    pub line_no: i32,
    pub sku: String,
    pub product_name: String,
    pub variant_label: String,
    pub unit_price_minor: i64,
    pub quantity: i32,
    pub line_total_minor: i64,
}

pub async fn lines(conn: &mut PgConnection, order_id: i64) -> sqlx::Result<Vec<LineRow>> {
    sqlx::query_as!(
        LineRow,
        "select line_no, sku, product_name, variant_label, unit_price_minor, quantity, line_total_minor
         from order_line where customer_order_id = $1 order by line_no",
        order_id
    )
    .fetch_all(conn)
    .await
}

pub async fn set_status(conn: &mut PgConnection, order_id: i64, status: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "update customer_order set status = $2::text::order_status where customer_order_id = $1",
        order_id,
        status
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Gives the order's held stock back (`released`) or takes it off the shelf (`sold`, a movement in the stock
/// ledger per variant); once per order.
pub async fn settle_stock(
    conn: &mut PgConnection,
    order_id: i64,
    sold: bool,
) -> sqlx::Result<bool> {
    let changed = sqlx::query!(
        "update customer_order set stock_state = case when $2 then 'sold' else 'released' end, reserved_until = null
         where customer_order_id = $1 and stock_state = 'reserved'",
        order_id,
        sold
    )
    .execute(&mut *conn)
    .await?;
    if changed.rows_affected() == 0 {
        return Ok(false);
    }
    // Variants in a stable order, so two settlements never wait on each other in a cycle.
    sqlx::query!(
        "with moved as (
           update variant v
           set reserved = v.reserved - l.qty,
               stock_on_hand = v.stock_on_hand - case when $2 then l.qty else 0 end
           from (select variant_id, sum(quantity)::int as qty from order_line
                 where customer_order_id = $1 and variant_id is not null group by variant_id) l
           where v.variant_id = l.variant_id
           returning v.variant_id, l.qty)
         insert into stock_movement (variant_id, delta, reason, customer_order_id)
         select variant_id, -qty, 'sold', $1 from moved where $2",
        order_id,
        sold
    )
    .execute(conn)
    .await?;
    Ok(true)
}

/// Puts sold stock back on the shelf (a cancelled or refunded order whose goods never left), in the ledger as
/// `released` by `actor`.
pub async fn restock(
    conn: &mut PgConnection,
    order_id: i64,
    actor: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "with moved as (
           update variant v set stock_on_hand = v.stock_on_hand + l.qty
           from (select variant_id, sum(quantity)::int as qty from order_line
                 where customer_order_id = $1 and variant_id is not null group by variant_id) l
           where v.variant_id = l.variant_id
           returning v.variant_id, l.qty)
         insert into stock_movement (variant_id, delta, reason, customer_order_id, actor_id)
         select variant_id, qty, 'released', $1, $2 from moved",
        order_id,
        actor
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "update customer_order set stock_state = 'released' where customer_order_id = $1",
        order_id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Unpaid orders whose reservation has run out at `now` and that no card payment is under way for (just `only`,
/// when given).
pub async fn expired(
    conn: &mut PgConnection,
    now: chrono::DateTime<chrono::Utc>,
    limit: i64,
    only: Option<i64>,
) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar!(
        "select customer_order_id from customer_order o
         where stock_state = 'reserved' and status = 'awaiting_payment' and reserved_until <= $1
           and ($3::bigint is null or customer_order_id = $3)
           and not exists (select 1 from payment p where p.customer_order_id = o.customer_order_id
                             and p.status in ('pending', 'requires_action')
                             and p.created_at > $1 - interval '30 minutes')
         order by reserved_until limit $2",
        now,
        limit,
        only
    )
    .fetch_all(conn)
    .await
}

/// Records the parcel of an order being shipped.
pub async fn set_shipment(
    conn: &mut PgConnection,
    order_id: i64,
    carrier: &str,
    tracking_number: &str,
    tracking_url: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update customer_order set carrier = $2, tracking_number = $3, tracking_url = $4, shipped_at = now()
         where customer_order_id = $1",
        order_id,
        carrier,
        tracking_number,
        tracking_url
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn discount_id_of(conn: &mut PgConnection, order_id: i64) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "select discount_id from discount_redemption where customer_order_id = $1",
        order_id
    )
    .fetch_optional(conn)
    .await
}
