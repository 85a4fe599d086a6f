//! Stock on hand and its ledger. Every change of `variant.stock_on_hand` writes a `stock_movement` row in the
//! same statement, so on hand is always the ledger's sum.

use sqlx::PgConnection;

pub struct LevelRow {
    pub variant_id: i64,
    pub sku: String,
    pub product_name: String,
    pub options: serde_json::Value,
    pub stock_on_hand: i32,
    pub reserved: i32,
    pub available: i32,
    pub low_stock_threshold: i32,
}

/// `query_as!` for stock levels, with the given tail (`where …`, `order by …`) and arguments.
macro_rules! select_level {
    ($tail:tt, $($arg:expr),*) => {
        sqlx::query_as!(
            LevelRow,
            r#"select v.variant_id, v.sku, p.name as product_name, v.options, v.stock_on_hand, v.reserved,
                      v.available as "available!", v.low_stock_threshold
               from variant v join product p on p.product_id = v.product_id "# + $tail,
            $($arg),*
        )
    };
}

pub async fn level(conn: &mut PgConnection, sku: &str) -> sqlx::Result<Option<LevelRow>> {
    select_level!("where v.sku = $1", sku)
        .fetch_optional(conn)
        .await
}

/// Variants whose available stock is below their threshold but above zero, fewest first.
pub async fn low(conn: &mut PgConnection, limit: i64) -> sqlx::Result<Vec<LevelRow>> {
    select_level!(
        "where v.available < v.low_stock_threshold and v.available > 0
         order by v.available, v.variant_id limit $1",
        limit
    )
    .fetch_all(conn)
    .await
}

/// Variants with nothing available.
pub async fn sold_out(conn: &mut PgConnection, limit: i64) -> sqlx::Result<Vec<LevelRow>> {
    select_level!(
        "where v.available <= 0 order by v.variant_id limit $1",
        limit
    )
    .fetch_all(conn)
    .await
}

/// What an adjustment did.
pub enum Adjusted {
    Done {
        on_hand: i32,
    },
    /// No variant has this SKU.
    Unknown,
    /// It would take stock on hand below what unpaid orders hold (or beyond what a count can hold).
    Refused {
        on_hand: i32,
        reserved: i32,
    },
}

/// Adds `delta` (negative: removes) to a variant's stock on hand, with its ledger row, unless that would leave
/// less on hand than unpaid orders hold. The row lock orders it with checkouts reserving the same variant.
pub async fn adjust(
    conn: &mut PgConnection,
    sku: &str,
    delta: i32,
    reason: &str,
    actor: i64,
    note: Option<&str>,
) -> sqlx::Result<Adjusted> {
    let done = sqlx::query_scalar!(
        r#"with moved as (
             update variant set stock_on_hand = stock_on_hand + $2::int
             where sku = $1 and stock_on_hand::bigint + $2::int >= reserved
               and stock_on_hand::bigint + $2::int <= 1000000000
             returning variant_id, stock_on_hand),
           logged as (
             insert into stock_movement (variant_id, delta, reason, actor_id, note)
             select variant_id, $2, $3::text::stock_reason, $4, $5 from moved)
           select stock_on_hand from moved"#,
        sku,
        delta,
        reason,
        actor,
        note
    )
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(on_hand) = done {
        return Ok(Adjusted::Done { on_hand });
    }
    let now = sqlx::query!(
        "select stock_on_hand, reserved from variant where sku = $1",
        sku
    )
    .fetch_optional(conn)
    .await?;
    Ok(match now {
        None => Adjusted::Unknown,
        Some(r) => Adjusted::Refused {
            on_hand: r.stock_on_hand,
            reserved: r.reserved,
        },
    })
}

pub struct MovementRow {
    pub delta: i32,
    pub reason: String,
    pub order_number: Option<String>,
    pub actor_email: Option<String>,
    pub note: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// A variant's latest movements, newest first.
pub async fn movements(
    conn: &mut PgConnection,
    variant_id: i64,
    limit: i64,
) -> sqlx::Result<Vec<MovementRow>> {
    sqlx::query_as!(
        MovementRow,
        r#"select m.delta, m.reason::text as "reason!", o.number as "order_number?",
                  c.email::text as "actor_email?", m.note, m.created_at
           from stock_movement m
           left join customer_order o on o.customer_order_id = m.customer_order_id
           left join customer c on c.customer_id = m.actor_id
           where m.variant_id = $1
           order by m.stock_movement_id desc
           limit $2"#,
        variant_id,
        limit
    )
    .fetch_all(conn)
    .await
}

/// Variants whose stock on hand differs from their ledger's sum: none, unless something bypassed the ledger.
pub async fn drift(conn: &mut PgConnection) -> sqlx::Result<Vec<(String, i64, i64)>> {
    let rows = sqlx::query!(
        r#"select v.sku, v.stock_on_hand::bigint as "on_hand!", coalesce(m.total, 0)::bigint as "ledger!"
           from variant v
           left join (select variant_id, sum(delta) as total from stock_movement group by variant_id) m
                  on m.variant_id = v.variant_id
           where v.stock_on_hand <> coalesce(m.total, 0)
           order by v.sku"#
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.sku, r.on_hand, r.ledger))
        .collect())
}
