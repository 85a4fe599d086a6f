//! Returns (RMA) and their lines.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct ReturnRow {
    pub return_id: i64,
    pub customer_order_id: i64,
    pub status: String,
    pub reason: String,
    pub staff_note: Option<String>,
    pub refund_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

/// A returned line with what the order says of it.
#[derive(Debug, Clone)]
pub struct ReturnLineRow {
    pub return_id: i64,
    pub line_no: i32,
    pub quantity: i32,
    pub restocked: Option<bool>,
    pub sku: String,
    pub product_name: String,
    pub variant_label: String,
    pub unit_price_minor: i64,
}

/// When the order was shipped, if it was.
pub async fn shipped_at(
    conn: &mut PgConnection,
    order_id: i64,
) -> sqlx::Result<Option<DateTime<Utc>>> {
    sqlx::query_scalar!(
        "select shipped_at from customer_order where customer_order_id = $1",
        order_id
    )
    .fetch_one(conn)
    .await
}

/// How many of each order line are in returns that were not refused: (line number, quantity).
pub async fn taken(conn: &mut PgConnection, order_id: i64) -> sqlx::Result<Vec<(i32, i64)>> {
    let rows = sqlx::query!(
        r#"select l.line_no, sum(l.quantity)::bigint as "quantity!"
           from return_line l join return_request r using (return_id)
           where l.customer_order_id = $1 and r.status <> 'refused'
           group by l.line_no"#,
        order_id
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.line_no, r.quantity)).collect())
}

/// Records a requested return with its lines; returns its id.
pub async fn insert(
    conn: &mut PgConnection,
    order_id: i64,
    reason: &str,
    lines: &[(i32, i32)],
) -> sqlx::Result<i64> {
    let id = sqlx::query_scalar!(
        "insert into return_request (customer_order_id, reason) values ($1, $2) returning return_id",
        order_id,
        reason
    )
    .fetch_one(&mut *conn)
    .await?;
    let (line_nos, quantities): (Vec<i32>, Vec<i32>) = lines.iter().copied().unzip();
    sqlx::query!(
        "insert into return_line (return_id, customer_order_id, line_no, quantity)
         select $1, $2, line_no, quantity from unnest($3::int[], $4::int[]) as t (line_no, quantity)",
        id,
        order_id,
        &line_nos,
        &quantities
    )
    .execute(conn)
    .await?;
    Ok(id)
}

macro_rules! select_return {
    ($where:tt, $($arg:expr),*) => {
        sqlx::query_as!(
            ReturnRow,
            r#"select return_id, customer_order_id, status::text as "status!", reason, staff_note, refund_id,
                      created_at
               from return_request "# + $where,
            $($arg),*
        )
    };
}

/// An order's returns, oldest first.
pub async fn for_order(conn: &mut PgConnection, order_id: i64) -> sqlx::Result<Vec<ReturnRow>> {
    select_return!("where customer_order_id = $1 order by return_id", order_id)
        .fetch_all(conn)
        .await
}

/// One return of an order, locked for a step.
pub async fn lock(
    conn: &mut PgConnection,
    order_id: i64,
    return_id: i64,
) -> sqlx::Result<Option<ReturnRow>> {
    select_return!(
        "where return_id = $1 and customer_order_id = $2 for update",
        return_id,
        order_id
    )
    .fetch_optional(conn)
    .await
}

/// The lines of an order's returns, with the order line each one is.
pub async fn lines(conn: &mut PgConnection, order_id: i64) -> sqlx::Result<Vec<ReturnLineRow>> {
    sqlx::query_as!(
        ReturnLineRow,
        r#"select r.return_id, r.line_no, r.quantity, r.restocked, o.sku, o.product_name, o.variant_label,
                  o.unit_price_minor
           from return_line r
           join order_line o on o.customer_order_id = r.customer_order_id and o.line_no = r.line_no
           where r.customer_order_id = $1
           order by r.return_id, r.line_no"#,
        order_id
    )
    .fetch_all(conn)
    .await
}

/// Moves a return to `status`, with staff's note when one is given.
pub async fn set_status(
    conn: &mut PgConnection,
    return_id: i64,
    status: &str,
    staff_note: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update return_request set status = $2::text::return_status, staff_note = coalesce($3, staff_note)
         where return_id = $1",
        return_id,
        status,
        staff_note
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Records which lines went back on the shelf (the others did not).
pub async fn set_restocked(
    conn: &mut PgConnection,
    return_id: i64,
    restocked: &[i32],
) -> sqlx::Result<()> {
    sqlx::query!(
        "update return_line set restocked = (line_no = any($2::int[])) where return_id = $1",
        return_id,
        restocked
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Links the refund that pays a return back.
pub async fn set_refund(
    conn: &mut PgConnection,
    return_id: i64,
    refund_id: Uuid,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update return_request set refund_id = $2 where return_id = $1",
        return_id,
        refund_id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The refund `refund_id` succeeded: the return it pays becomes refunded. Its id, if it paid one.
pub async fn refunded_by(conn: &mut PgConnection, refund_id: Uuid) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "update return_request set status = 'refunded' where refund_id = $1 and status = 'received'
         returning return_id",
        refund_id
    )
    .fetch_optional(conn)
    .await
}

/// The order a return belongs to.
pub async fn order_of(conn: &mut PgConnection, return_id: i64) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "select customer_order_id from return_request where return_id = $1",
        return_id
    )
    .fetch_optional(conn)
    .await
}
