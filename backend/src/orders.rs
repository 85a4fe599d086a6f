//! Orders after checkout: reading one through its secret link, moving it through its states, and letting unpaid
//! reservations run out.

use super::crypto::{Column, DataKeys};
use super::db::order as db;
use super::AppState;
use crate::domain::checkout::{
    CardSetup, OrderView, PaymentMethod, PaymentState, SummaryLine, Totals,
};
use crate::domain::money::Money;
use crate::domain::order::{OrderStatus, StockState};
use crate::domain::shipment::Shipment;
use crate::error::AppError;
use crate::OrInternal;
use sqlx::PgConnection;

/// Compares secrets in time that does not depend on where they differ.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The order with this number as its owner sees it, if `key` is its link's secret.
#[tracing::instrument(skip_all, fields(number = %number))]
pub async fn view(state: &AppState, number: &str, key: &str) -> Result<OrderView, AppError> {
    let row = find(state, number, key).await?;
    // A card payment that waits on the shopper's bank (3-D Secure) or on the provider is read back from the
    // provider first, so the page shows where it stands even before the webhook arrives.
    let refreshed = super::payments::refresh(state, &row).await?;
    // One connection for the rest of the page.
    let mut conn = state.checkout_conn("connecting for an order").await?;
    let row = match refreshed {
        true => find_on(&mut conn, number, key).await?,
        false => row,
    };
    let payment = super::payments::state_of(&mut conn, row.customer_order_id).await?;
    let payable_by_card = row.payment_method == PaymentMethod::Card.as_str()
        && row.status == OrderStatus::AwaitingPayment.as_db()
        && row.stock_state == StockState::Reserved.as_db();
    // The card fields' setup even while cards are paused: a payment under way (3-D Secure) needs it to finish.
    let card = payable_by_card
        .then(|| state.payments.card_setup())
        .flatten();
    let cards_paused = payable_by_card && state.cards_paused();
    let returnable = super::returns::returnable(
        &mut conn,
        &row,
        state.config.return_days,
        chrono::Utc::now(),
    )
    .await?;
    let mut view = to_view(&mut conn, &state.keys, row, payment, card).await?;
    view.returnable = returnable;
    view.cards_paused = cards_paused;
    Ok(view)
}

/// The order with this number, if `key` is its link's secret. Anyone else gets `NotFound`, whether or not the
/// number exists.
pub async fn find(state: &AppState, number: &str, key: &str) -> Result<db::OrderRow, AppError> {
    let mut conn = state.checkout_conn("connecting for an order").await?;
    find_on(&mut conn, number, key).await
}

/// [`find`] on the caller's connection.
pub(crate) async fn find_on(
    conn: &mut PgConnection,
    number: &str,
    key: &str,
) -> Result<db::OrderRow, AppError> {
    db::by_number(conn, number)
        .await
        .or_internal("loading order")?
        .filter(|row| same_secret(&row.access_token, key))
        .ok_or(AppError::NotFound)
}

pub(crate) async fn to_view(
    conn: &mut PgConnection,
    keys: &DataKeys,
    row: db::OrderRow,
    payment: Option<PaymentState>,
    card: Option<CardSetup>,
) -> Result<OrderView, AppError> {
    let currency = super::catalog::currency(&row.currency)?;
    let money = |minor| Money::new(minor, currency);
    let lines = db::lines(conn, row.customer_order_id)
        .await
        .or_internal("loading order lines")?
        .into_iter()
        .map(|l| SummaryLine {
            sku: l.sku,
            product_name: l.product_name,
            variant_label: l.variant_label,
            unit_price: money(l.unit_price_minor),
            quantity: u32::try_from(l.quantity).unwrap_or(0),
            line_total: money(l.line_total_minor),
        })
        .collect();
    let address = super::checkout::stored_address(
        keys,
        Column::OrderAddress,
        row.shipping_address_enc.as_deref(),
        row.shipping_address.as_ref(),
    )?
    .ok_or_else(|| {
        tracing::error!(number = %row.number, "an order without an address");
        AppError::Internal
    })?;
    let returns = super::returns::views(conn, &row, currency).await?;
    let status = OrderStatus::from_db(&row.status).ok_or_else(|| {
        tracing::error!(status = %row.status, "unknown order status");
        AppError::Internal
    })?;
    Ok(OrderView {
        number: row.number,
        status,
        payment_method: PaymentMethod::parse(&row.payment_method)?,
        email: row.email,
        address,
        shipping_method: row.shipping_method,
        lines,
        totals: Totals {
            subtotal: money(row.subtotal_minor),
            discount: money(row.discount_minor),
            shipping: money(row.shipping_minor),
            tax: money(row.tax_minor),
            total: money(row.total_minor),
            prices_include_tax: row.tax_inclusive,
            tax_rate_bp: 0,
        },
        discount_code: row.discount_code,
        placed_at: row.created_at.to_rfc3339(),
        payment,
        card,
        cards_paused: false,
        pay_by: (status == OrderStatus::AwaitingPayment
            && row.stock_state == StockState::Reserved.as_db())
        .then(|| row.reserved_until.map(|t| t.to_rfc3339()))
        .flatten(),
        shipment: match (row.carrier, row.tracking_number, row.tracking_url) {
            (Some(carrier), Some(tracking_number), Some(tracking_url)) => Some(Shipment {
                carrier,
                tracking_number,
                tracking_url,
            }),
            _ => None,
        },
        returns,
        returnable: None,
    })
}

/// Cancels unpaid card orders whose reservation ran out at `now`, releasing their stock. Returns how many.
/// Each order's `reservation.expire` job does this for its order; this catches any left over (and lets tests use
/// a clock of their own).
pub async fn expire_reservations(
    state: &AppState,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<usize, AppError> {
    let mut conn = state.checkout_conn("connecting for expiry").await?;
    let ids = db::expired(&mut conn, now, 500, None)
        .await
        .or_internal("finding expired reservations")?;
    drop(conn);
    let mut expired = 0;
    for id in ids {
        if expire_one(state, id, now).await? == Expiry::Expired {
            expired += 1;
        }
    }
    Ok(expired)
}

/// What became of an order whose reservation was due to end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// Cancelled; its stock is available again.
    Expired,
    /// Paid, cancelled or released already: nothing to do.
    Settled,
    /// Not yet due at `now`, or a card payment is under way: look again later.
    NotYet,
}

/// Cancels order `id` if its reservation ran out at `now` and no payment is under way, under its row lock.
pub async fn expire_one(
    state: &AppState,
    id: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Expiry, AppError> {
    let mut tx = state.checkout_begin("starting expiry").await?;
    let Some(row) = db::lock(&mut tx, id).await.or_internal("locking order")? else {
        return Ok(Expiry::Settled);
    };
    if row.stock_state != StockState::Reserved.as_db()
        || row.status != OrderStatus::AwaitingPayment.as_db()
    {
        return Ok(Expiry::Settled);
    }
    // Checked under the order's lock: a payment may have started or finished meanwhile.
    let due = db::expired(&mut tx, now, 1, Some(id))
        .await
        .or_internal("re-checking expiry")?;
    if due.is_empty() {
        return Ok(Expiry::NotYet);
    }
    super::order_state::transition_on(
        &mut tx,
        id,
        OrderStatus::Cancelled,
        super::order_state::Cause::note("payment not received in time"),
    )
    .await?;
    tx.commit().await.or_internal("committing expiry")?;
    Ok(Expiry::Expired)
}

/// An order and the secret of its link, by id: for messages about it.
pub async fn for_message(state: &AppState, order_id: i64) -> Result<(OrderView, String), AppError> {
    let mut conn = state.checkout_conn("connecting for an order").await?;
    let row = db::by_id(&mut conn, order_id)
        .await
        .or_internal("loading order")?
        .ok_or(AppError::NotFound)?;
    let token = row.access_token.clone();
    let view = to_view(&mut conn, &state.keys, row, None, None).await?;
    Ok((view, token))
}
