//! Pages of rows for CSV exports, each page found by keyset (never by offset), so an export of a million rows
//! reads each row once and holds no transaction between pages.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

pub struct VariantRow {
    pub variant_id: i64,
    pub sku: String,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub category: String,
    pub status: String,
    pub option_names: Vec<String>,
    pub options: serde_json::Value,
    pub price_minor: i64,
    pub compare_at_minor: Option<i64>,
    pub low_stock_threshold: i32,
    pub stock_on_hand: i32,
    pub currency: String,
}

/// Variants after `after` (a variant id), by id.
pub async fn variants(
    conn: &mut PgConnection,
    after: i64,
    limit: i64,
) -> sqlx::Result<Vec<VariantRow>> {
    sqlx::query_as!(
        VariantRow,
        r#"select v.variant_id, v.sku, p.slug, p.name, p.description, c.slug as category,
                  p.status::text as "status!",
                  array(select o.name from product_option o where o.product_id = p.product_id
                        order by o.position) as "option_names!",
                  v.options, v.price_minor, v.compare_at_minor, v.low_stock_threshold, v.stock_on_hand,
                  v.currency::text as "currency!"
           from variant v
           join product p on p.product_id = v.product_id
           join category c on c.category_id = p.category_id
           where v.variant_id > $1
           order by v.variant_id
           limit $2"#,
        after,
        limit
    )
    .fetch_all(conn)
    .await
}

pub struct OrderRow {
    pub customer_order_id: i64,
    pub number: String,
    pub created_at: DateTime<Utc>,
    pub status: String,
    pub payment_method: String,
    pub email: String,
    pub items: i64,
    pub subtotal_minor: i64,
    pub discount_code: Option<String>,
    pub discount_minor: i64,
    pub shipping_minor: i64,
    pub tax_minor: i64,
    pub total_minor: i64,
    pub refunded_minor: i64,
    pub currency: String,
    pub shipping_method: String,
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
    pub shipped_at: Option<DateTime<Utc>>,
}

/// Orders placed in [`from`, `until`) after (`after_at`, `after_id`), oldest first.
pub async fn orders(
    conn: &mut PgConnection,
    from: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
    after: Option<(DateTime<Utc>, i64)>,
    limit: i64,
) -> sqlx::Result<Vec<OrderRow>> {
    let (after_at, after_id) = after.unzip();
    sqlx::query_as!(
        OrderRow,
        r#"select o.customer_order_id, o.number, o.created_at, o.status::text as "status!",
                  o.payment_method::text as "payment_method!", o.email::text as "email!",
                  (select coalesce(sum(l.quantity), 0) from order_line l
                   where l.customer_order_id = o.customer_order_id)::bigint as "items!",
                  o.subtotal_minor, o.discount_code::text as discount_code, o.discount_minor,
                  o.shipping_minor, o.tax_minor, o.total_minor, o.refunded_minor,
                  o.currency::text as "currency!", o.shipping_method, o.carrier, o.tracking_number,
                  o.shipped_at
           from customer_order o
           where ($1::timestamptz is null or o.created_at >= $1)
             and ($2::timestamptz is null or o.created_at < $2)
             and ($3::timestamptz is null or (o.created_at, o.customer_order_id) > ($3, $4::bigint))
           order by o.created_at, o.customer_order_id
           limit $5"#,
        from,
        until,
        after_at,
        after_id,
        limit
    )
    .fetch_all(conn)
    .await
}
