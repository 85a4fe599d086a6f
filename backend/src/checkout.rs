//! The checkout service: contact and address, shipping and discount, then placing the order. Every amount is
//! computed here from the database; the browser only sends what the shopper typed or chose, plus the review
//! page's idempotency key and the fingerprint of the summary it showed.

use super::cart::CartOwner;
use super::crypto::{Column, DataKeys};
use super::db::cart as cart_db;
use super::db::checkout as db;
use super::db::order as order_db;
use super::jobs::{self, kind, NewJob};
use super::{internal, AppState};
use crate::domain::address::{Address, AddressInput};
use crate::domain::checkout::{
    totals, CheckoutSummary, DiscountKind, DiscountRule, PaymentMethod, PlacedOrder, ShippingRate,
    SummaryLine, TaxRule,
};
use crate::domain::email::Email;
use crate::domain::money::{Currency, Money};
use crate::domain::order::{order_number, OrderStatus};
use crate::domain::DomainError;
use crate::error::AppError;
use sqlx::PgConnection;
use uuid::Uuid;

fn empty_cart() -> AppError {
    AppError::invalid("cart", "Your cart is empty.")
}

/// The cart behind the cookie, locked for this transaction; an error when there is none or it is empty.
async fn lock_cart(conn: &mut PgConnection, owner: CartOwner) -> Result<i64, AppError> {
    cart_db::lock(conn, owner)
        .await
        .map_err(internal("locking cart"))?
        .ok_or_else(empty_cart)
}

async fn priced_lines(
    conn: &mut PgConnection,
    cart_id: i64,
    currency: Currency,
) -> Result<(Vec<SummaryLine>, Money), AppError> {
    let view = super::cart::view_on(conn, cart_id, currency).await?;
    if view.is_empty() {
        return Err(empty_cart());
    }
    let lines = view
        .lines
        .into_iter()
        .map(|l| SummaryLine {
            sku: l.sku,
            product_name: l.product_name,
            variant_label: l.variant_label,
            unit_price: l.unit_price,
            quantity: l.quantity,
            line_total: l.line_total,
        })
        .collect();
    Ok((lines, view.subtotal))
}

fn rates(rows: &[db::MethodRow]) -> Result<(Vec<ShippingRate>, u32), AppError> {
    let tax_rate = rows
        .first()
        .map_or(0, |r| u32::try_from(r.tax_rate_bp).unwrap_or(0));
    let rates = rows
        .iter()
        .map(|r| {
            let currency = super::catalog::currency(&r.currency)?;
            Ok(ShippingRate {
                code: r.code.clone(),
                name: r.name.clone(),
                price: Money::new(r.price_minor, currency),
                free_over: r.free_over_minor.map(|m| Money::new(m, currency)),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok((rates, tax_rate))
}

fn discount_rule(row: &db::DiscountRow, currency: Currency) -> Result<DiscountRule, AppError> {
    let kind = match row.kind.as_str() {
        "percent" => DiscountKind::Percent(u32::try_from(row.amount).unwrap_or(0)),
        _ => DiscountKind::Fixed(Money::new(
            row.amount,
            super::catalog::currency(row.currency.as_deref().unwrap_or(""))?,
        )),
    };
    Ok(DiscountRule {
        code: row.code.clone(),
        kind,
        min_subtotal: Money::new(row.min_subtotal_minor, currency),
        starts_at: row.starts_at,
        ends_at: row.ends_at,
    })
}

fn cart_changed() -> AppError {
    AppError::Conflict {
        message:
            "Your cart or its prices changed since you reviewed it. Please check your order again."
                .into(),
    }
}

fn unknown_code() -> AppError {
    AppError::invalid("discount_code", "We don't know that discount code.")
}

fn used_up() -> AppError {
    AppError::invalid("discount_code", "That discount code has been used up.")
}

/// A stored address: opened from its sealed column, or read from the plaintext one for a row written before
/// addresses were sealed (until start-up seals it).
pub(crate) fn stored_address(
    keys: &DataKeys,
    column: Column,
    sealed: Option<&[u8]>,
    legacy: Option<&serde_json::Value>,
) -> Result<Option<Address>, AppError> {
    match (sealed, legacy) {
        (Some(sealed), _) => keys.open_json(column, sealed).map(Some).map_err(|e| {
            tracing::error!(error = %e, "a sealed address does not open: wrong or missing data key?");
            AppError::Internal
        }),
        (None, Some(value)) => serde_json::from_value(value.clone())
            .map(Some)
            .map_err(internal("reading a stored address")),
        (None, None) => Ok(None),
    }
}

/// What the shopper has entered so far for this cart, with the stored address read back.
async fn load_checkout(
    conn: &mut PgConnection,
    keys: &DataKeys,
    cart_id: i64,
) -> Result<(db::CheckoutRow, Option<Address>), AppError> {
    let checkout = db::get(conn, cart_id)
        .await
        .map_err(internal("loading checkout"))?
        .unwrap_or_default();
    let address = stored_address(
        keys,
        Column::CheckoutAddress,
        checkout.shipping_address_enc.as_deref(),
        checkout.shipping_address.as_ref(),
    )?;
    Ok((checkout, address))
}

/// The cart behind the cookie, without locking it: for steps that only read it or save the checkout beside it.
async fn find_cart(conn: &mut PgConnection, owner: CartOwner) -> Result<i64, AppError> {
    cart_db::find(conn, owner)
        .await
        .map_err(internal("finding cart"))?
        .ok_or_else(empty_cart)
}

async fn checkout_conn(
    state: &AppState,
) -> Result<sqlx::pool::PoolConnection<sqlx::Postgres>, AppError> {
    state
        .checkout_pool
        .acquire()
        .await
        .map_err(internal("connecting for checkout"))
}

/// Step 1: who the order is for and where it goes.
#[tracing::instrument(skip_all)]
pub async fn save_contact(
    state: &AppState,
    owner: CartOwner,
    email: &str,
    address: &AddressInput,
) -> Result<(), AppError> {
    let email = Email::parse(email)?;
    let address = address.parse()?;
    let mut conn = checkout_conn(state).await?;
    let cart_id = find_cart(&mut conn, owner).await?;
    if !cart_db::has_lines(&mut conn, cart_id)
        .await
        .map_err(internal("reading cart"))?
    {
        return Err(empty_cart());
    }
    if !db::ships_to(&mut conn, address.country.code())
        .await
        .map_err(internal("loading shipping zones"))?
    {
        return Err(DomainError::Country.into());
    }
    let sealed = state
        .keys
        .seal_json(Column::CheckoutAddress, &address)
        .map_err(internal("storing an address"))?;
    // One statement: the checkout row is written whole, so no transaction is needed.
    db::save_contact(&mut conn, cart_id, email.as_str(), &sealed)
        .await
        .map_err(internal("saving checkout contact"))
}

/// Step 2: the shipping method, and a discount code if the shopper has one.
#[tracing::instrument(skip_all)]
pub async fn save_shipping(
    state: &AppState,
    owner: CartOwner,
    method: &str,
    discount_code: &str,
    now: i64,
) -> Result<(), AppError> {
    let mut conn = checkout_conn(state).await?;
    let cart_id = find_cart(&mut conn, owner).await?;
    let (_, address) = load_checkout(&mut conn, &state.keys, cart_id).await?;
    let address =
        address.ok_or_else(|| AppError::invalid("address", "Please enter your address first."))?;
    let rows = db::methods_for(&mut conn, address.country.code())
        .await
        .map_err(internal("loading shipping methods"))?;
    let method = method.trim();
    if !rows.iter().any(|r| r.code == method) {
        return Err(AppError::invalid(
            "shipping_method",
            "Please choose one of the shipping methods shown.",
        ));
    }
    let code = discount_code.trim();
    let code = if code.is_empty() {
        None
    } else {
        let (_, subtotal) = priced_lines(&mut conn, cart_id, state.config.currency).await?;
        let row = db::discount(&mut conn, code, false)
            .await
            .map_err(internal("loading discount"))?
            .ok_or_else(unknown_code)?;
        discount_rule(&row, state.config.currency)?.amount(subtotal, now)?;
        if row.usage_limit.is_some_and(|limit| row.used_count >= limit) {
            return Err(used_up());
        }
        Some(row.code)
    };
    db::save_shipping(&mut conn, cart_id, method, code.as_deref())
        .await
        .map_err(internal("saving shipping choice"))
}

/// Everything entered so far, with the totals once a shipping method is chosen. A read: placing the order
/// computes it again under the cart's lock.
pub async fn summary(
    state: &AppState,
    owner: CartOwner,
    now: i64,
) -> Result<CheckoutSummary, AppError> {
    let mut conn = checkout_conn(state).await?;
    let cart_id = find_cart(&mut conn, owner).await?;
    summary_on(&mut conn, state, cart_id, now).await
}

async fn summary_on(
    conn: &mut PgConnection,
    state: &AppState,
    cart_id: i64,
    now: i64,
) -> Result<CheckoutSummary, AppError> {
    let currency = state.config.currency;
    let (lines, subtotal) = priced_lines(conn, cart_id, currency).await?;
    let (checkout, address) = load_checkout(conn, &state.keys, cart_id).await?;
    let (methods, tax_rate) = match &address {
        Some(a) => rates(
            &db::methods_for(conn, a.country.code())
                .await
                .map_err(internal("loading shipping methods"))?,
        )?,
        None => (Vec::new(), 0),
    };
    let chosen = checkout
        .shipping_method
        .as_deref()
        .and_then(|code| methods.iter().find(|m| m.code == code))
        .cloned();
    let mut discount = Money::zero(currency);
    if let Some(code) = &checkout.discount_code {
        if let Some(row) = db::discount(conn, code, false)
            .await
            .map_err(internal("loading discount"))?
        {
            // A code that stopped applying (expired, cart below the minimum) is shown at zero, and refused
            // when the order is placed.
            discount = discount_rule(&row, currency)?
                .amount(subtotal, now)
                .unwrap_or(Money::zero(currency));
        }
    }
    let totals = match (&chosen, &address) {
        (Some(method), Some(_)) => Some(totals(
            subtotal,
            discount,
            method,
            TaxRule {
                rate_bp: tax_rate,
                prices_include_tax: state.config.prices_include_tax,
            },
        )?),
        _ => None,
    };
    let mut summary = CheckoutSummary {
        lines,
        subtotal,
        email: checkout.email,
        address,
        methods,
        shipping_method: chosen.map(|m| m.code.clone()),
        discount_code: checkout.discount_code,
        totals,
        fingerprint: None,
    };
    if summary.totals.is_some() && summary.email.is_some() {
        summary.fingerprint = Some(fingerprint(&summary)?);
    }
    Ok(summary)
}

/// A digest of a summary: its lines, prices, address, shipping, discount and totals.
fn fingerprint(summary: &CheckoutSummary) -> Result<String, AppError> {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let canonical = serde_json::to_vec(&(
        &summary.lines,
        &summary.email,
        &summary.address,
        &summary.shipping_method,
        &summary.discount_code,
        &summary.totals,
    ))
    .map_err(internal("fingerprinting a checkout"))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(&canonical)))
}

fn random_token() -> String {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    bytes[..16].copy_from_slice(Uuid::new_v4().as_bytes());
    bytes[16..].copy_from_slice(Uuid::new_v4().as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Step 3: places the order for exactly the summary the shopper reviewed.
///
/// Idempotent on `key`: the same key again returns the same order; the same key with a different summary or
/// payment method is refused. Concurrent requests with one key take turns on an advisory lock, so one order
/// results. The stock of every line is reserved with a conditional update (never below zero), a discount's use is
/// counted under its row lock, and it all commits together or not at all.
#[tracing::instrument(skip_all, fields(key = %key))]
pub async fn place_order(
    state: &AppState,
    owner: CartOwner,
    key: Uuid,
    reviewed_fingerprint: &str,
    payment: PaymentMethod,
    now: i64,
) -> Result<PlacedOrder, AppError> {
    let request_hash = format!("{reviewed_fingerprint}|{}", payment.as_str());
    let mut tx = state
        .checkout_pool
        .begin()
        .await
        .map_err(internal("starting order"))?;
    sqlx::query!(
        "select pg_advisory_xact_lock(hashtextextended($1::text, 0))",
        key.to_string()
    )
    .execute(&mut *tx)
    .await
    .map_err(internal("taking the idempotency lock"))?;
    let (customer, token) = match owner {
        CartOwner::Customer(id) => (Some(id), None),
        CartOwner::Guest(token) => (None, token),
    };
    if let Some(existing) = order_db::by_idempotency_key(&mut tx, key, customer, token)
        .await
        .map_err(internal("looking up idempotency key"))?
    {
        // A key is a capability only for whoever placed the order with it (the key and fingerprint sit in the
        // review page's HTML). Anyone else gets what a changed cart gets, and nothing is written.
        if !existing.owned {
            tracing::warn!("an idempotency key was replayed by someone other than its owner");
            return Err(cart_changed());
        }
        return if existing.request_hash == request_hash {
            Ok(PlacedOrder {
                number: existing.number,
                access_token: existing.access_token,
            })
        } else {
            Err(AppError::Conflict {
                message: "This checkout was already submitted with different details. Please review your order again."
                    .into(),
            })
        };
    }

    let cart_id = lock_cart(&mut tx, owner).await?;
    let summary = summary_on(&mut tx, state, cart_id, now).await?;
    let (Some(totals), Some(email), Some(address), Some(method)) = (
        summary.totals,
        summary.email.as_deref(),
        summary.address.as_ref(),
        summary.shipping_method.as_deref(),
    ) else {
        return Err(AppError::invalid(
            "checkout",
            "Please complete your address and shipping choice first.",
        ));
    };
    if summary.fingerprint.as_deref() != Some(reviewed_fingerprint) {
        return Err(cart_changed());
    }

    // Per account (or per guest email): many orders quickly from one shopper are card testing or a runaway script.
    let limit_key = match owner {
        CartOwner::Customer(id) => format!("customer:{id}"),
        CartOwner::Guest(_) => email.to_string(),
    };
    state
        .account_limits
        .check(super::limits::AccountAction::PlaceOrder, &limit_key)?;

    // The discount: re-checked and counted under its row lock.
    let mut discount_id = None;
    if let Some(code) = &summary.discount_code {
        let row = db::discount(&mut tx, code, true)
            .await
            .map_err(internal("locking discount"))?
            .ok_or_else(unknown_code)?;
        discount_rule(&row, state.config.currency)?.amount(summary.subtotal, now)?;
        if let Some(limit) = row.per_customer_limit {
            let used = db::redemptions_by(&mut tx, row.discount_id, email)
                .await
                .map_err(internal("counting redemptions"))?;
            if used >= i64::from(limit) {
                return Err(AppError::invalid(
                    "discount_code",
                    "You have already used that discount code.",
                ));
            }
        }
        if !db::count_use(&mut tx, row.discount_id)
            .await
            .map_err(internal("counting discount use"))?
        {
            return Err(used_up());
        }
        discount_id = Some(row.discount_id);
    }

    // Stock, in SKU order so that concurrent orders lock variants in the same order.
    let mut by_sku: Vec<&SummaryLine> = summary.lines.iter().collect();
    by_sku.sort_by(|a, b| a.sku.cmp(&b.sku));
    for line in by_sku {
        let quantity = i32::try_from(line.quantity).map_err(|_| empty_cart())?;
        if !order_db::reserve(&mut tx, &line.sku, quantity)
            .await
            .map_err(internal("reserving stock"))?
        {
            let available = order_db::available(&mut tx, &line.sku)
                .await
                .map_err(internal("reading stock"))?;
            return Err(AppError::OutOfStock {
                sku: line.sku.clone(),
                available: u32::try_from(available).unwrap_or(0),
            });
        }
    }

    let placed = PlacedOrder {
        number: order_number(Uuid::new_v4().as_u128() as u64),
        access_token: random_token(),
    };
    let sealed_address = state
        .keys
        .seal_json(Column::OrderAddress, address)
        .map_err(internal("storing an address"))?;
    let order_id = order_db::insert(
        &mut tx,
        &order_db::NewOrder {
            number: &placed.number,
            access_token: &placed.access_token,
            idempotency_key: key,
            request_hash: &request_hash,
            cart_id,
            payment_method: payment.as_str(),
            email,
            shipping_address_enc: &sealed_address,
            customer_id: owner.customer_id(),
            shipping_method: method,
            currency: totals.total.currency.code(),
            tax_inclusive: totals.prices_include_tax,
            tax_rate_bp: i32::try_from(totals.tax_rate_bp).unwrap_or(0),
            subtotal_minor: totals.subtotal.minor,
            discount_code: summary.discount_code.as_deref(),
            discount_minor: totals.discount.minor,
            shipping_minor: totals.shipping.minor,
            tax_minor: totals.tax.minor,
            total_minor: totals.total.minor,
            // Card payments hold stock for a while; a manual order holds it until it is paid or cancelled.
            reserve_minutes: match payment {
                PaymentMethod::Card => {
                    Some(i32::try_from(state.config.reservation_minutes).unwrap_or(15))
                }
                PaymentMethod::Manual => None,
            },
        },
    )
    .await
    .map_err(internal("inserting order"))?;
    for (i, line) in summary.lines.iter().enumerate() {
        order_db::insert_line(
            &mut tx,
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
        .map_err(internal("inserting order line"))?;
    }
    order_db::insert_event(
        &mut tx,
        order_id,
        None,
        OrderStatus::AwaitingPayment.as_db(),
        None,
    )
    .await
    .map_err(internal("recording order event"))?;
    // Side work, done by jobs that exist exactly when this order does: the confirmation email, and for a card
    // order the end of its reservation.
    let placed_key = format!("{}:{order_id}", kind::ORDER_PLACED);
    jobs::enqueue(
        &mut tx,
        &NewJob::new(
            kind::ORDER_PLACED,
            serde_json::json!({ "order_id": order_id }),
        )
        .dedupe(&placed_key),
    )
    .await
    .map_err(internal("queueing confirmation"))?;
    if payment == PaymentMethod::Card {
        let expire_key = format!("{}:{order_id}", kind::RESERVATION_EXPIRE);
        let due = chrono::Utc::now()
            + chrono::Duration::minutes(i64::from(state.config.reservation_minutes))
            + chrono::Duration::seconds(1);
        jobs::enqueue(
            &mut tx,
            &NewJob::new(
                kind::RESERVATION_EXPIRE,
                serde_json::json!({ "order_id": order_id }),
            )
            .dedupe(&expire_key)
            .at(due)
            .attempts(25),
        )
        .await
        .map_err(internal("queueing reservation expiry"))?;
    }
    if let Some(discount_id) = discount_id {
        order_db::insert_redemption(&mut tx, discount_id, order_id, email)
            .await
            .map_err(internal("recording redemption"))?;
    }
    // The order now holds the goods: the cart and the checkout start afresh.
    cart_db::clear(&mut tx, cart_id)
        .await
        .map_err(internal("emptying cart"))?;
    db::delete(&mut tx, cart_id)
        .await
        .map_err(internal("clearing checkout"))?;
    tx.commit().await.map_err(internal("committing order"))?;
    tracing::info!(number = %placed.number, total = totals.total.minor, "order placed");
    Ok(placed)
}
