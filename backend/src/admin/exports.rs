//! CSV exports for staff: every product variant (in the columns the product import reads, so an export edited
//! in a spreadsheet imports back), and the orders placed in a range of days. Each export is made page by page
//! (keyset, [`PAGE`] rows a page, a connection per page), so the HTTP layer streams it however large it is.

use super::orders::day_start;
use super::Staff;
use crate::db::export as db;
use crate::domain::account::Role;
use crate::domain::admin::imports::{to_cell, PRODUCT_COLUMNS};
use crate::domain::admin::Day;
use crate::domain::money::Money;
use crate::error::AppError;
use crate::{AppState, OrInternal};
use chrono::{DateTime, Utc};

/// Rows per page of an export.
pub const PAGE: i64 = 1000;

/// The order export's columns.
pub const ORDER_COLUMNS: [&str; 18] = [
    "number",
    "placed_at",
    "status",
    "payment_method",
    "email",
    "items",
    "subtotal",
    "discount_code",
    "discount",
    "shipping",
    "tax",
    "total",
    "refunded",
    "currency",
    "shipping_method",
    "carrier",
    "tracking_number",
    "shipped_at",
];

/// One page of an export: its CSV text, and where the next page starts (`None`: this was the last).
pub struct Page<C> {
    pub csv: Vec<u8>,
    pub next: Option<C>,
}

fn write(rows: Vec<Vec<String>>) -> Result<Vec<u8>, AppError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for row in rows {
        w.write_record(&row).or_internal("writing CSV")?;
    }
    w.into_inner().map_err(|_| AppError::Internal)
}

/// The first line of an export.
pub fn header(columns: &[&str]) -> Vec<u8> {
    write(vec![columns.iter().map(|c| c.to_string()).collect()]).unwrap_or_default()
}

/// Who may export: staff and admins. Checked before the response starts.
pub fn allowed(staff: &Staff) -> Result<(), AppError> {
    staff.require(Role::Staff)
}

/// A page of variants after `after` (a variant id; 0 for the first page).
pub async fn products_page(
    state: &AppState,
    staff: &Staff,
    after: i64,
) -> Result<Page<i64>, AppError> {
    allowed(staff)?;
    let mut conn = state.read_conn("connecting for an export").await?;
    let rows = db::variants(&mut conn, after, PAGE)
        .await
        .or_internal("reading variants for an export")?;
    let next = (rows.len() as i64 == PAGE)
        .then(|| rows.last().map(|r| r.variant_id))
        .flatten();
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let currency = crate::catalog::currency(&r.currency)?;
        let mut options: Vec<String> = Vec::with_capacity(6);
        for i in 0..3 {
            let name = r.option_names.get(i);
            let value = name
                .and_then(|n| r.options.get(n))
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            options.push(name.map(|n| to_cell(n)).unwrap_or_default());
            options.push(to_cell(value));
        }
        let mut row = vec![
            r.sku,
            r.slug,
            to_cell(&r.name),
            to_cell(&r.description),
            r.category,
            r.status,
        ];
        row.extend(options);
        row.extend([
            Money::new(r.price_minor, currency).decimal(),
            r.compare_at_minor
                .map(|m| Money::new(m, currency).decimal())
                .unwrap_or_default(),
            r.low_stock_threshold.to_string(),
            String::new(),
            r.stock_on_hand.to_string(),
        ]);
        debug_assert_eq!(row.len(), PRODUCT_COLUMNS.len());
        out.push(row);
    }
    Ok(Page {
        csv: write(out)?,
        next,
    })
}

/// Starts an order export: checks the caller, records in the audit log who exported which days (the file holds
/// shoppers' emails), and returns the days as times: [from's start, the day after to's start).
pub async fn begin_orders(
    state: &AppState,
    staff: &Staff,
    from: Option<Day>,
    to: Option<Day>,
) -> Result<(Option<DateTime<Utc>>, Option<DateTime<Utc>>), AppError> {
    allowed(staff)?;
    let start = from.map(|d| day_start(d, "from")).transpose()?;
    let until = to
        .map(|d| day_start(d, "to").map(|t| t + chrono::Duration::days(1)))
        .transpose()?;
    let mut tx = state.begin("starting an order export").await?;
    staff
        .audit(
            &mut tx,
            "export.orders",
            "customer_order",
            "*",
            None,
            Some(serde_json::json!({
                "from": start.map(|t| t.to_rfc3339()),
                "until": until.map(|t| t.to_rfc3339()),
            })),
        )
        .await?;
    tx.commit().await.or_internal("recording an export")?;
    Ok((start, until))
}

/// A page of orders placed in `range` after `after`, oldest first.
pub async fn orders_page(
    state: &AppState,
    staff: &Staff,
    range: (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
    after: Option<(DateTime<Utc>, i64)>,
) -> Result<Page<(DateTime<Utc>, i64)>, AppError> {
    allowed(staff)?;
    let mut conn = state.read_conn("connecting for an export").await?;
    let rows = db::orders(&mut conn, range.0, range.1, after, PAGE)
        .await
        .or_internal("reading orders for an export")?;
    let next = (rows.len() as i64 == PAGE)
        .then(|| rows.last().map(|r| (r.created_at, r.customer_order_id)))
        .flatten();
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let currency = crate::catalog::currency(&r.currency)?;
        let money = |m: i64| Money::new(m, currency).decimal();
        out.push(vec![
            r.number,
            r.created_at.to_rfc3339(),
            r.status,
            r.payment_method,
            to_cell(&r.email),
            r.items.to_string(),
            money(r.subtotal_minor),
            r.discount_code.as_deref().map(to_cell).unwrap_or_default(),
            money(r.discount_minor),
            money(r.shipping_minor),
            money(r.tax_minor),
            money(r.total_minor),
            money(r.refunded_minor),
            r.currency,
            to_cell(&r.shipping_method),
            r.carrier.as_deref().map(to_cell).unwrap_or_default(),
            r.tracking_number.unwrap_or_default(),
            r.shipped_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
        ]);
    }
    Ok(Page {
        csv: write(out)?,
        next,
    })
}
