use sqlx::PgConnection;
use uuid::Uuid;

pub async fn insert(conn: &mut PgConnection, token: Uuid) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "insert into cart (token) values ($1) returning cart_id",
        token
    )
    .fetch_one(conn)
    .await
}

/// Locks the cart row, so that two requests changing one cart take turns.
pub async fn lock_by_token(conn: &mut PgConnection, token: Uuid) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "select cart_id from cart where token = $1 for update",
        token
    )
    .fetch_optional(conn)
    .await
}

pub async fn id_by_token<'e>(
    exec: impl sqlx::PgExecutor<'e>,
    token: Uuid,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!("select cart_id from cart where token = $1", token)
        .fetch_optional(exec)
        .await
}

pub async fn has_lines(conn: &mut PgConnection, cart_id: i64) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists (select 1 from cart_line where cart_id = $1) as "has!""#,
        cart_id
    )
    .fetch_one(conn)
    .await
}

pub async fn touch(conn: &mut PgConnection, cart_id: i64) -> sqlx::Result<()> {
    sqlx::query!(
        "update cart set updated_at = now() where cart_id = $1",
        cart_id
    )
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct VariantStock {
    pub variant_id: i64,
    pub available: i32,
}

pub async fn variant_stock(
    conn: &mut PgConnection,
    sku: &str,
) -> sqlx::Result<Option<VariantStock>> {
    sqlx::query_as!(
        VariantStock,
        "select v.variant_id, v.available from variant v join product p on p.product_id = v.product_id
         where v.sku = $1 and p.published",
        sku
    )
    .fetch_optional(conn)
    .await
}

pub async fn variant_id(conn: &mut PgConnection, sku: &str) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!("select variant_id from variant where sku = $1", sku)
        .fetch_optional(conn)
        .await
}

pub async fn line_quantity(
    conn: &mut PgConnection,
    cart_id: i64,
    variant_id: i64,
) -> sqlx::Result<Option<i32>> {
    sqlx::query_scalar!(
        "select quantity from cart_line where cart_id = $1 and variant_id = $2",
        cart_id,
        variant_id
    )
    .fetch_optional(conn)
    .await
}

pub async fn upsert_line(
    conn: &mut PgConnection,
    cart_id: i64,
    variant_id: i64,
    quantity: i32,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into cart_line (cart_id, variant_id, quantity) values ($1, $2, $3)
         on conflict (cart_id, variant_id) do update set quantity = excluded.quantity",
        cart_id,
        variant_id,
        quantity
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Returns whether a line was removed.
pub async fn delete_line(
    conn: &mut PgConnection,
    cart_id: i64,
    variant_id: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "delete from cart_line where cart_id = $1 and variant_id = $2",
        cart_id,
        variant_id
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

#[derive(Debug, Clone)]
pub struct LineRow {
    pub sku: String,
    pub options: serde_json::Value,
    pub option_order: Vec<String>,
    pub product_slug: String,
    pub product_name: String,
    pub image_url: Option<String>,
    pub price_minor: i64,
    pub currency: String,
    pub quantity: i32,
    pub available: i32,
}

/// The cart's lines with today's prices and stock, oldest line first.
pub async fn lines<'e>(
    exec: impl sqlx::PgExecutor<'e>,
    cart_id: i64,
) -> sqlx::Result<Vec<LineRow>> {
    sqlx::query_as!(
        LineRow,
        r#"select v.sku, v.options,
                  array(select o.name from product_option o where o.product_id = p.product_id
                        order by o.position, o.name) as "option_order!",
                  p.slug as product_slug, p.name as product_name,
                  (select i.url from product_image i where i.product_id = p.product_id
                   order by i.position limit 1) as image_url,
                  v.price_minor, v.currency as "currency!", l.quantity, v.available
           from cart_line l
           join variant v on v.variant_id = l.variant_id
           join product p on p.product_id = v.product_id
           where l.cart_id = $1
           order by l.created_at, v.sku"#,
        cart_id
    )
    .fetch_all(exec)
    .await
}

/// Empties a cart (its order now holds the goods).
pub async fn clear(conn: &mut PgConnection, cart_id: i64) -> sqlx::Result<()> {
    sqlx::query!("delete from cart_line where cart_id = $1", cart_id)
        .execute(conn)
        .await?;
    Ok(())
}
