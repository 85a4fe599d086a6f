use sqlx::PgConnection;
use uuid::Uuid;

/// Whose cart a request uses: a signed-in shopper's is the account's (on every device), a guest's is the one
/// behind the cart cookie. A guest token never reaches an account's cart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CartOwner {
    Guest(Option<Uuid>),
    Customer(i64),
}

impl CartOwner {
    pub fn customer_id(self) -> Option<i64> {
        match self {
            CartOwner::Customer(id) => Some(id),
            CartOwner::Guest(_) => None,
        }
    }

    /// (account, guest cart token), for SQL that matches either.
    pub fn parts(self) -> (Option<i64>, Option<Uuid>) {
        match self {
            CartOwner::Customer(id) => (Some(id), None),
            CartOwner::Guest(token) => (None, token),
        }
    }
}

/// A new cart for `owner`: a guest cart under a fresh token, or the account's cart (the existing one when two
/// requests race to create it).
pub async fn insert(conn: &mut PgConnection, token: Uuid, owner: CartOwner) -> sqlx::Result<i64> {
    match owner {
        CartOwner::Guest(_) => {
            sqlx::query_scalar!(
                "insert into cart (token) values ($1) returning cart_id",
                token
            )
            .fetch_one(conn)
            .await
        }
        CartOwner::Customer(customer_id) => {
            sqlx::query_scalar!(
                "insert into cart (token, customer_id) values ($1, $2)
                 on conflict (customer_id) where customer_id is not null do update set updated_at = now()
                 returning cart_id",
                token,
                customer_id
            )
            .fetch_one(conn)
            .await
        }
    }
}

/// The owner's cart, locked so that two requests changing one cart take turns. A guest token never reaches a
/// cart that belongs to an account.
pub async fn lock(conn: &mut PgConnection, owner: CartOwner) -> sqlx::Result<Option<i64>> {
    match owner {
        CartOwner::Guest(None) => Ok(None),
        CartOwner::Guest(Some(token)) => {
            sqlx::query_scalar!(
                "select cart_id from cart where token = $1 and customer_id is null for update",
                token
            )
            .fetch_optional(conn)
            .await
        }
        CartOwner::Customer(customer_id) => {
            sqlx::query_scalar!(
                "select cart_id from cart where customer_id = $1 for update",
                customer_id
            )
            .fetch_optional(conn)
            .await
        }
    }
}

/// The owner's cart, without locking it.
pub async fn find(conn: &mut PgConnection, owner: CartOwner) -> sqlx::Result<Option<i64>> {
    match owner {
        CartOwner::Guest(None) => Ok(None),
        CartOwner::Guest(Some(token)) => {
            sqlx::query_scalar!(
                "select cart_id from cart where token = $1 and customer_id is null",
                token
            )
            .fetch_optional(conn)
            .await
        }
        CartOwner::Customer(customer_id) => {
            sqlx::query_scalar!(
                "select cart_id from cart where customer_id = $1",
                customer_id
            )
            .fetch_optional(conn)
            .await
        }
    }
}

/// Gives a guest cart to an account that has none.
pub async fn give_to(conn: &mut PgConnection, cart_id: i64, customer_id: i64) -> sqlx::Result<()> {
    sqlx::query!(
        "update cart set customer_id = $2 where cart_id = $1",
        cart_id,
        customer_id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Adds the guest cart's lines to the account's cart: quantities add up, capped by what is available and by
/// the per-line maximum, never lowering what the account's cart already held; sold-out lines are dropped. The
/// guest's checkout details move along when the account's cart has none, and its orders now point at the account's
/// cart. Then the guest cart is deleted.
pub async fn merge(conn: &mut PgConnection, guest: i64, into: i64, max: i32) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into cart_line (cart_id, variant_id, quantity)
         select $2, g.variant_id, least(g.quantity, v.available, $3)
         from cart_line g join variant v using (variant_id)
         where g.cart_id = $1 and v.available > 0
         on conflict (cart_id, variant_id) do update
           set quantity = greatest(cart_line.quantity,
                                   least(cart_line.quantity + excluded.quantity,
                                         (select available from variant where variant_id = excluded.variant_id),
                                         $3))",
        guest,
        into,
        max
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "update checkout set cart_id = $2
         where cart_id = $1 and not exists (select 1 from checkout where cart_id = $2)",
        guest,
        into
    )
    .execute(&mut *conn)
    .await?;
    super::order::move_to_cart(conn, guest, into).await?;
    sqlx::query!("delete from cart where cart_id = $1", guest)
        .execute(&mut *conn)
        .await?;
    Ok(())
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
