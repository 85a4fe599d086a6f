//! Placing the order: the last checkout step, one transaction of named steps.
//!
//! lock the key → lock the cart → price what was reviewed → check the shopper's limits → count the discount →
//! reserve the stock → write the order → queue its jobs → empty the cart.
//!
//! Idempotent on the review form's key: the same key from the same owner again returns the same order; the same
//! key with a different summary or payment method is refused; anyone else presenting it is told the cart
//! changed. Concurrent requests with one key take turns on an advisory lock, so one order results. Stock is
//! reserved with a conditional update (never below zero), a discount's use is counted under its row lock, and it
//! all commits together or not at all.

use super::summary::{discount_rule, summary_on};
use super::Placed;
use super::{cart_changed, empty_cart, lock_cart, unknown_code, used_up};
use crate::cart::CartOwner;
use crate::crypto::Column;
use crate::db::cart as cart_db;
use crate::db::checkout as db;
use crate::db::order as order_db;
use crate::domain::address::Address;
use crate::domain::checkout::{PaymentMethod, SummaryLine, Totals};
use crate::domain::order::{order_number, OrderStatus};
use crate::error::AppError;
use crate::jobs::{self, kind, NewJob};
use crate::limits::AccountAction;
use crate::{AppState, OrInternal};
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

/// Places the order for exactly the summary the shopper reviewed (see the module's notes), without paying it.
#[tracing::instrument(skip_all, fields(key = %key))]
pub async fn place_order(
    state: &AppState,
    owner: CartOwner,
    key: Uuid,
    reviewed_fingerprint: &str,
    payment: PaymentMethod,
    now: DateTime<Utc>,
) -> Result<Placed, AppError> {
    let placed = place(state, owner, key, reviewed_fingerprint, payment, now).await;
    match &placed {
        Ok(_) => metrics::counter!("bazaar_orders_placed_total", "payment" => payment.as_str())
            .increment(1),
        Err(e) => {
            metrics::counter!("bazaar_orders_refused_total", "reason" => e.kind()).increment(1)
        }
    }
    placed
}

async fn place(
    state: &AppState,
    owner: CartOwner,
    key: Uuid,
    reviewed_fingerprint: &str,
    payment: PaymentMethod,
    now: DateTime<Utc>,
) -> Result<Placed, AppError> {
    let request_hash = format!("{reviewed_fingerprint}|{}", payment.as_str());
    let mut tx = state.checkout_begin("starting order").await?;
    if let Some(earlier) = lock_key(&mut tx, key, owner, &request_hash).await? {
        return Ok(earlier);
    }
    let cart_id = lock_cart(&mut tx, owner).await?;
    let order = reviewed(&mut tx, state, cart_id, reviewed_fingerprint, now).await?;
    check_limits(state, owner, &order.email)?;
    let discount_id = count_discount(&mut tx, state, &order, now).await?;
    reserve(&mut tx, &order.lines).await?;
    let placed = write_order(
        &mut tx,
        state,
        &order,
        &Request {
            key,
            request_hash: &request_hash,
            cart_id,
            owner,
            payment,
        },
    )
    .await?;
    queue_jobs(&mut tx, state, placed.order_id, payment, now).await?;
    if let Some(discount_id) = discount_id {
        order_db::insert_redemption(&mut tx, discount_id, placed.order_id, &order.email)
            .await
            .or_internal("recording redemption")?;
    }
    // The order now holds the goods: the cart and the checkout start afresh.
    cart_db::clear(&mut tx, cart_id)
        .await
        .or_internal("emptying cart")?;
    db::delete(&mut tx, cart_id)
        .await
        .or_internal("clearing checkout")?;
    tx.commit().await.or_internal("committing order")?;
    tracing::info!(number = %placed.number, total = order.totals.total.minor, "order placed");
    Ok(placed)
}

/// Takes the key's lock for this transaction, and returns the order placed under it earlier, if any.
///
/// A key is a capability only for whoever placed the order with it (the key and the fingerprint sit in the
/// review page's HTML): anyone else gets what a changed cart gets, and nothing is written.
async fn lock_key(
    conn: &mut PgConnection,
    key: Uuid,
    owner: CartOwner,
    request_hash: &str,
) -> Result<Option<Placed>, AppError> {
    sqlx::query!(
        "select pg_advisory_xact_lock(hashtextextended($1::text, 0))",
        key.to_string()
    )
    .execute(&mut *conn)
    .await
    .or_internal("taking the idempotency lock")?;
    let (customer, token) = owner.parts();
    let Some(earlier) = order_db::by_idempotency_key(conn, key, customer, token)
        .await
        .or_internal("looking up idempotency key")?
    else {
        return Ok(None);
    };
    if !earlier.owned {
        tracing::warn!("an idempotency key was replayed by someone other than its owner");
        return Err(cart_changed());
    }
    if earlier.request_hash != request_hash {
        return Err(AppError::Conflict {
            message: "This checkout was already submitted with different details. Please review your order again."
                .into(),
        });
    }
    Ok(Some(Placed {
        order_id: earlier.customer_order_id,
        number: earlier.number,
        access_token: earlier.access_token,
    }))
}

/// The order as the shopper reviewed it, priced again under the cart's lock.
struct Reviewed {
    lines: Vec<SummaryLine>,
    subtotal: crate::domain::money::Money,
    email: String,
    address: Address,
    shipping_method: String,
    discount_code: Option<String>,
    totals: Totals,
}

/// Prices the cart again and checks it is what the shopper reviewed: complete, and with the same fingerprint.
async fn reviewed(
    conn: &mut PgConnection,
    state: &AppState,
    cart_id: i64,
    reviewed_fingerprint: &str,
    now: DateTime<Utc>,
) -> Result<Reviewed, AppError> {
    let summary = summary_on(conn, state, cart_id, now.timestamp()).await?;
    let (Some(totals), Some(email), Some(address), Some(shipping_method)) = (
        summary.totals,
        summary.email,
        summary.address,
        summary.shipping_method,
    ) else {
        return Err(AppError::invalid(
            "checkout",
            "Please complete your address and shipping choice first.",
        ));
    };
    if summary.fingerprint.as_deref() != Some(reviewed_fingerprint) {
        return Err(cart_changed());
    }
    Ok(Reviewed {
        lines: summary.lines,
        subtotal: summary.subtotal,
        email,
        address,
        shipping_method,
        discount_code: summary.discount_code,
        totals,
    })
}

/// Many orders quickly from one shopper (an account, or a guest's email) are card testing or a runaway script.
fn check_limits(state: &AppState, owner: CartOwner, email: &str) -> Result<(), AppError> {
    let key = match owner {
        CartOwner::Customer(id) => format!("customer:{id}"),
        CartOwner::Guest(_) => email.to_string(),
    };
    state.account_limits.check(AccountAction::PlaceOrder, &key)
}

/// Re-checks the discount and counts its use under its row lock; its id, for the redemption.
async fn count_discount(
    conn: &mut PgConnection,
    state: &AppState,
    order: &Reviewed,
    now: DateTime<Utc>,
) -> Result<Option<i64>, AppError> {
    let Some(code) = &order.discount_code else {
        return Ok(None);
    };
    let row = db::discount(conn, code, true)
        .await
        .or_internal("locking discount")?
        .ok_or_else(unknown_code)?;
    discount_rule(&row, state.config.currency)?.amount(order.subtotal, now.timestamp())?;
    if let Some(limit) = row.per_customer_limit {
        let used = db::redemptions_by(conn, row.discount_id, &order.email)
            .await
            .or_internal("counting redemptions")?;
        if used >= i64::from(limit) {
            return Err(AppError::invalid(
                "discount_code",
                "You have already used that discount code.",
            ));
        }
    }
    if !db::count_use(conn, row.discount_id)
        .await
        .or_internal("counting discount use")?
    {
        return Err(used_up());
    }
    Ok(Some(row.discount_id))
}

/// Reserves every line's stock, in SKU order so that concurrent orders lock variants in the same order.
async fn reserve(conn: &mut PgConnection, lines: &[SummaryLine]) -> Result<(), AppError> {
    let mut by_sku: Vec<&SummaryLine> = lines.iter().collect();
    by_sku.sort_by(|a, b| a.sku.cmp(&b.sku));
    for line in by_sku {
        let quantity = i32::try_from(line.quantity).map_err(|_| empty_cart())?;
        if !order_db::reserve(conn, &line.sku, quantity)
            .await
            .or_internal("reserving stock")?
        {
            let available = order_db::available(conn, &line.sku)
                .await
                .or_internal("reading stock")?;
            return Err(AppError::OutOfStock {
                sku: line.sku.clone(),
                available: u32::try_from(available).unwrap_or(0),
            });
        }
    }
    Ok(())
}

/// What the request brought besides the reviewed order.
struct Request<'a> {
    key: Uuid,
    request_hash: &'a str,
    cart_id: i64,
    owner: CartOwner,
    payment: PaymentMethod,
}

/// Inserts the order (address sealed), its lines and its first event.
async fn write_order(
    conn: &mut PgConnection,
    state: &AppState,
    order: &Reviewed,
    request: &Request<'_>,
) -> Result<Placed, AppError> {
    let number = order_number(Uuid::new_v4().as_u128() as u64);
    let access_token = random_token();
    let sealed_address = state
        .keys
        .seal_json(Column::OrderAddress, &order.address)
        .or_internal("storing an address")?;
    let totals = &order.totals;
    let order_id = order_db::insert(
        conn,
        &order_db::NewOrder {
            number: &number,
            access_token: &access_token,
            idempotency_key: request.key,
            request_hash: request.request_hash,
            cart_id: request.cart_id,
            payment_method: request.payment.as_str(),
            email: &order.email,
            shipping_address_enc: &sealed_address,
            customer_id: request.owner.customer_id(),
            shipping_method: &order.shipping_method,
            currency: totals.total.currency.code(),
            tax_inclusive: totals.prices_include_tax,
            tax_rate_bp: i32::try_from(totals.tax_rate_bp).unwrap_or(0),
            subtotal_minor: totals.subtotal.minor,
            discount_code: order.discount_code.as_deref(),
            discount_minor: totals.discount.minor,
            shipping_minor: totals.shipping.minor,
            tax_minor: totals.tax.minor,
            total_minor: totals.total.minor,
            // Card payments hold stock for minutes; a bank transfer for days. Unpaid by then, the order is
            // cancelled and its stock released, so nobody can hoard a product by placing orders.
            reserve_minutes: i32::try_from(hold_minutes(state, request.payment)).unwrap_or(15),
        },
    )
    .await
    .or_internal("inserting order")?;
    for (i, line) in order.lines.iter().enumerate() {
        order_db::insert_line(
            conn,
            order_id,
            &order_db::NewLine {
                line_no: i32::try_from(i + 1).unwrap_or(i32::MAX),
                sku: &line.sku,
                product_name: &line.product_name,
                variant_label: &line.variant_label,
                unit_price_minor: line.unit_price.minor,
                quantity: i32::try_from(line.quantity).unwrap_or(0),
                line_total_minor: line.line_total.minor,
            },
        )
        .await
        .or_internal("inserting order line")?;
    }
    order_db::insert_event(
        conn,
        order_id,
        None,
        OrderStatus::AwaitingPayment.as_db(),
        None,
        None,
    )
    .await
    .or_internal("recording order event")?;
    Ok(Placed {
        order_id,
        number,
        access_token,
    })
}

/// Side work, done by jobs that exist exactly when the order does: the confirmation email, and for a card order
/// the end of its reservation.
async fn queue_jobs(
    conn: &mut PgConnection,
    state: &AppState,
    order_id: i64,
    payment: PaymentMethod,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let payload = serde_json::json!({ "order_id": order_id });
    let placed_key = format!("{}:{order_id}", kind::ORDER_PLACED);
    jobs::enqueue(
        conn,
        &NewJob::new(kind::ORDER_PLACED, payload.clone()).dedupe(&placed_key),
    )
    .await
    .or_internal("queueing confirmation")?;
    let expire_key = format!("{}:{order_id}", kind::RESERVATION_EXPIRE);
    let due = now
        + chrono::Duration::minutes(i64::from(hold_minutes(state, payment)))
        + chrono::Duration::seconds(1);
    jobs::enqueue(
        conn,
        &NewJob::new(kind::RESERVATION_EXPIRE, payload)
            .dedupe(&expire_key)
            .at(due)
            .attempts(25),
    )
    .await
    .or_internal("queueing reservation expiry")?;
    Ok(())
}

/// How long an unpaid order of this payment method holds its stock.
fn hold_minutes(state: &AppState, payment: PaymentMethod) -> u32 {
    match payment {
        PaymentMethod::Card => state.config.reservation_minutes,
        PaymentMethod::Manual => state.config.manual_payment_days * 24 * 60,
    }
}

/// The secret of an order's link: 32 random bytes, base64url.
fn random_token() -> String {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    bytes[..16].copy_from_slice(Uuid::new_v4().as_bytes());
    bytes[16..].copy_from_slice(Uuid::new_v4().as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}
