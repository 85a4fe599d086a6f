//! Checkouts in progress, shipping zones and methods, discount codes.

use sqlx::PgConnection;

#[derive(Debug, Clone, Default)]
pub struct CheckoutRow {
    pub email: Option<String>,
    /// Written before addresses were sealed; cleared at start-up.
    pub shipping_address: Option<serde_json::Value>,
    pub shipping_address_enc: Option<Vec<u8>>,
    pub shipping_method: Option<String>,
    pub discount_code: Option<String>,
}

pub async fn get(conn: &mut PgConnection, cart_id: i64) -> sqlx::Result<Option<CheckoutRow>> {
    sqlx::query_as!(
        CheckoutRow,
        r#"select email::text, shipping_address, shipping_address_enc, shipping_method, discount_code::text
           from checkout where cart_id = $1"#,
        cart_id
    )
    .fetch_optional(conn)
    .await
}

pub async fn save_contact(
    conn: &mut PgConnection,
    cart_id: i64,
    email: &str,
    sealed_address: &[u8],
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into checkout (cart_id, email, shipping_address_enc) values ($1, $2, $3)
         on conflict (cart_id) do update
         set email = excluded.email, shipping_address_enc = excluded.shipping_address_enc, shipping_address = null",
        cart_id,
        email,
        sealed_address
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn save_shipping(
    conn: &mut PgConnection,
    cart_id: i64,
    method: &str,
    discount_code: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update checkout set shipping_method = $2, discount_code = $3 where cart_id = $1",
        cart_id,
        method,
        discount_code
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn delete(conn: &mut PgConnection, cart_id: i64) -> sqlx::Result<()> {
    sqlx::query!("delete from checkout where cart_id = $1", cart_id)
        .execute(conn)
        .await?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct MethodRow {
    pub code: String,
    pub name: String,
    pub price_minor: i64,
    pub currency: String,
    pub free_over_minor: Option<i64>,
    pub tax_rate_bp: i32,
}

/// The shipping methods of the zone `country` is in, with that zone's tax rate.
pub async fn methods_for(conn: &mut PgConnection, country: &str) -> sqlx::Result<Vec<MethodRow>> {
    sqlx::query_as!(
        MethodRow,
        r#"select m.code, m.name, m.price_minor, m.currency as "currency!", m.free_over_minor, z.tax_rate_bp
           from shipping_zone_country c
           join shipping_zone z on z.shipping_zone_id = c.shipping_zone_id
           join shipping_method m on m.shipping_zone_id = z.shipping_zone_id
           where c.country = $1
           order by m.position, m.code"#,
        country
    )
    .fetch_all(conn)
    .await
}

/// Does some shipping zone serve this country?
pub async fn ships_to(conn: &mut PgConnection, country: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists (select 1 from shipping_zone_country c
                          join shipping_method m on m.shipping_zone_id = c.shipping_zone_id
                          where c.country = $1) as "ships!""#,
        country
    )
    .fetch_one(conn)
    .await
}

#[derive(Debug, Clone)]
pub struct DiscountRow {
    pub discount_id: i64,
    pub code: String,
    pub kind: String,
    pub amount: i64,
    pub currency: Option<String>,
    pub min_subtotal_minor: i64,
    pub starts_at: Option<i64>,
    pub ends_at: Option<i64>,
    pub usage_limit: Option<i32>,
    pub per_customer_limit: Option<i32>,
    pub used_count: i32,
}

/// Finds a code; `lock` takes its row lock, so that redemptions of one code take turns.
pub async fn discount(
    conn: &mut PgConnection,
    code: &str,
    lock: bool,
) -> sqlx::Result<Option<DiscountRow>> {
    if lock {
        sqlx::query_as!(
            DiscountRow,
            r#"select discount_id, code::text as "code!", kind::text as "kind!", amount, currency::text,
                      min_subtotal_minor, extract(epoch from starts_at)::bigint as starts_at,
                      extract(epoch from ends_at)::bigint as ends_at, usage_limit, per_customer_limit, used_count
               from discount where code = $1::text::citext for update"#,
            code
        )
        .fetch_optional(conn)
        .await
    } else {
        sqlx::query_as!(
            DiscountRow,
            r#"select discount_id, code::text as "code!", kind::text as "kind!", amount, currency::text,
                      min_subtotal_minor, extract(epoch from starts_at)::bigint as starts_at,
                      extract(epoch from ends_at)::bigint as ends_at, usage_limit, per_customer_limit, used_count
               from discount where code = $1::text::citext"#,
            code
        )
        .fetch_optional(conn)
        .await
    }
}

pub async fn redemptions_by(
    conn: &mut PgConnection,
    discount_id: i64,
    email: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select count(*) as "n!" from discount_redemption r
           join customer_order o using (customer_order_id)
           where r.discount_id = $1 and r.email = $2::text::citext and o.status <> 'cancelled'"#,
        discount_id,
        email
    )
    .fetch_one(conn)
    .await
}

/// Counts one use, only while under the limit: false when the code is used up.
pub async fn count_use(conn: &mut PgConnection, discount_id: i64) -> sqlx::Result<bool> {
    let updated = sqlx::query!(
        "update discount set used_count = used_count + 1
         where discount_id = $1 and (usage_limit is null or used_count < usage_limit)",
        discount_id
    )
    .execute(conn)
    .await?;
    Ok(updated.rows_affected() == 1)
}

pub async fn uncount_use(conn: &mut PgConnection, discount_id: i64) -> sqlx::Result<()> {
    sqlx::query!(
        "update discount set used_count = used_count - 1 where discount_id = $1 and used_count > 0",
        discount_id
    )
    .execute(conn)
    .await?;
    Ok(())
}
