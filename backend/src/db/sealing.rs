//! Sealing rows written before addresses were encrypted, and re-sealing rows under an old key.

use sqlx::PgConnection;

pub struct PlainAddress {
    pub id: i64,
    pub address: serde_json::Value,
}

pub async fn plain_order_addresses(
    conn: &mut PgConnection,
    limit: i64,
) -> sqlx::Result<Vec<PlainAddress>> {
    sqlx::query_as!(
        PlainAddress,
        r#"select customer_order_id as "id!", shipping_address as "address!" from customer_order
           where shipping_address is not null order by customer_order_id limit $1 for update skip locked"#,
        limit
    )
    .fetch_all(conn)
    .await
}

pub async fn seal_order_address(
    conn: &mut PgConnection,
    id: i64,
    sealed: &[u8],
) -> sqlx::Result<()> {
    sqlx::query!(
        "update customer_order set shipping_address_enc = $2, shipping_address = null where customer_order_id = $1",
        id,
        sealed
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn plain_checkout_addresses(
    conn: &mut PgConnection,
    limit: i64,
) -> sqlx::Result<Vec<PlainAddress>> {
    sqlx::query_as!(
        PlainAddress,
        r#"select cart_id as "id!", shipping_address as "address!" from checkout
           where shipping_address is not null order by cart_id limit $1 for update skip locked"#,
        limit
    )
    .fetch_all(conn)
    .await
}

pub async fn seal_checkout_address(
    conn: &mut PgConnection,
    id: i64,
    sealed: &[u8],
) -> sqlx::Result<()> {
    sqlx::query!(
        "update checkout set shipping_address_enc = $2, shipping_address = null where cart_id = $1",
        id,
        sealed
    )
    .execute(conn)
    .await?;
    Ok(())
}
