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
