//! The checkout service: contact and address, shipping and discount, then placing the order (`place`). Every
//! amount is computed here from the database (`summary`); the browser only sends what the shopper typed or chose,
//! plus the review page's idempotency key and the fingerprint of the summary it showed.

mod place;
mod summary;

pub use place::place_order;
pub(crate) use summary::stored_address;

use crate::cart::CartOwner;
use crate::crypto::Column;
use crate::db::cart as cart_db;
use crate::db::checkout as db;
use crate::domain::address::Address;
use crate::domain::checkout::{CardToken, CheckoutSummary, PaymentMethod, PlacedOrder};
use crate::domain::email::Email;
use crate::domain::DomainError;
use crate::error::AppError;
use crate::{payments, AppState, OrInternal};
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use summary::{discount_rule, load_checkout, priced_lines, summary_on};
use uuid::Uuid;

fn empty_cart() -> AppError {
    AppError::invalid("cart", "Your cart is empty.")
}

/// The cart behind the cookie, locked for this transaction; an error when there is none or it is empty.
async fn lock_cart(conn: &mut PgConnection, owner: CartOwner) -> Result<i64, AppError> {
    cart_db::lock(conn, owner)
        .await
        .or_internal("locking cart")?
        .ok_or_else(empty_cart)
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

/// The cart behind the cookie, without locking it: for steps that only read it or save the checkout beside it.
async fn find_cart(conn: &mut PgConnection, owner: CartOwner) -> Result<i64, AppError> {
    cart_db::find(conn, owner)
        .await
        .or_internal("finding cart")?
        .ok_or_else(empty_cart)
}

async fn checkout_conn(
    state: &AppState,
) -> Result<sqlx::pool::PoolConnection<sqlx::Postgres>, AppError> {
    state.checkout_conn("connecting for checkout").await
}

/// Step 1: who the order is for and where it goes.
#[tracing::instrument(skip_all)]
pub async fn save_contact(
    state: &AppState,
    owner: CartOwner,
    email: &Email,
    address: &Address,
) -> Result<(), AppError> {
    let mut conn = checkout_conn(state).await?;
    let cart_id = find_cart(&mut conn, owner).await?;
    if !cart_db::has_lines(&mut conn, cart_id)
        .await
        .or_internal("reading cart")?
    {
        return Err(empty_cart());
    }
    if !db::ships_to(&mut conn, address.country.code())
        .await
        .or_internal("loading shipping zones")?
    {
        return Err(DomainError::Country.into());
    }
    let sealed = state
        .keys
        .seal_json(Column::CheckoutAddress, address)
        .or_internal("storing an address")?;
    // One statement: the checkout row is written whole, so no transaction is needed.
    db::save_contact(&mut conn, cart_id, email.as_str(), &sealed)
        .await
        .or_internal("saving checkout contact")
}

/// Step 2: the shipping method, and a discount code if the shopper has one.
#[tracing::instrument(skip_all)]
pub async fn save_shipping(
    state: &AppState,
    owner: CartOwner,
    method: &str,
    discount_code: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut conn = checkout_conn(state).await?;
    let cart_id = find_cart(&mut conn, owner).await?;
    let (_, address) = load_checkout(&mut conn, &state.keys, cart_id).await?;
    let address =
        address.ok_or_else(|| AppError::invalid("address", "Please enter your address first."))?;
    let rows = db::methods_for(&mut conn, address.country.code())
        .await
        .or_internal("loading shipping methods")?;
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
            .or_internal("loading discount")?
            .ok_or_else(unknown_code)?;
        discount_rule(&row, state.config.currency)?.amount(subtotal, now.timestamp())?;
        if row.usage_limit.is_some_and(|limit| row.used_count >= limit) {
            return Err(used_up());
        }
        Some(row.code)
    };
    db::save_shipping(&mut conn, cart_id, method, code.as_deref())
        .await
        .or_internal("saving shipping choice")
}

/// Everything entered so far, with the totals once a shipping method is chosen. A read: placing the order
/// computes it again under the cart's lock.
pub async fn summary(
    state: &AppState,
    owner: CartOwner,
    now: DateTime<Utc>,
) -> Result<CheckoutSummary, AppError> {
    let mut conn = checkout_conn(state).await?;
    let cart_id = find_cart(&mut conn, owner).await?;
    summary_on(&mut conn, state, cart_id, now.timestamp()).await
}

/// How the shopper pays for the order being placed.
#[derive(Debug, Clone)]
pub enum Payment {
    /// Bank transfer or on delivery: the order waits for staff to mark it paid.
    Manual,
    /// A one-time token from the provider's card fields: charged right after the order is placed.
    Card(CardToken),
}

impl Payment {
    pub fn method(&self) -> PaymentMethod {
        match self {
            Payment::Manual => PaymentMethod::Manual,
            Payment::Card(_) => PaymentMethod::Card,
        }
    }
}

/// A placed order: its id, for paying it, and its link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    pub order_id: i64,
    pub number: String,
    pub access_token: String,
}

impl Placed {
    pub fn link(self) -> PlacedOrder {
        PlacedOrder {
            number: self.number,
            access_token: self.access_token,
        }
    }
}

/// Places the order and, for a card, pays it at once. Declined or not, the outcome is on the order page, where
/// another card can be tried while the items stay reserved.
pub async fn place_and_pay(
    state: &AppState,
    owner: CartOwner,
    key: Uuid,
    reviewed_fingerprint: &str,
    payment: Payment,
    now: DateTime<Utc>,
) -> Result<PlacedOrder, AppError> {
    if matches!(payment, Payment::Card(_)) {
        state.card_provider()?;
    }
    let placed = place_order(
        state,
        owner,
        key,
        reviewed_fingerprint,
        payment.method(),
        now,
    )
    .await?;
    if let Payment::Card(card) = &payment {
        payments::pay_placed(state, placed.order_id, card, now).await?;
    }
    Ok(placed.link())
}
