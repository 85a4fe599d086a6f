//! The cart service. Prices and stock always come from the database; the browser only names a SKU and a quantity.

use super::catalog::{currency, ordered_options};
use super::db::cart as db;
pub use super::db::cart::CartOwner;
use super::AppState;
use crate::domain::cart::{CartView, PricedLine};
use crate::domain::money::Money;
use crate::domain::quantity::Quantity;
use crate::domain::sku::Sku;
use crate::error::AppError;
use crate::OrInternal;
use uuid::Uuid;

#[tracing::instrument(skip_all)]
pub async fn view(state: &AppState, owner: CartOwner) -> Result<CartView, AppError> {
    if owner == CartOwner::Guest(None) {
        return Ok(CartView::empty(state.config.currency));
    }
    let mut conn = state.conn("connecting for the cart").await?;
    match db::find(&mut conn, owner)
        .await
        .or_internal("finding cart")?
    {
        Some(cart_id) => view_on(&mut conn, cart_id, state.config.currency).await,
        None => Ok(CartView::empty(state.config.currency)),
    }
}

async fn view_by_id(state: &AppState, cart_id: i64) -> Result<CartView, AppError> {
    let mut conn = state.conn("connecting for the cart").await?;
    view_on(&mut conn, cart_id, state.config.currency).await
}

/// The priced cart, read on `conn` (inside the caller's transaction when it has one).
pub async fn view_on(
    conn: &mut sqlx::PgConnection,
    cart_id: i64,
    shop_currency: crate::domain::money::Currency,
) -> Result<CartView, AppError> {
    let rows = db::lines(&mut *conn, cart_id)
        .await
        .or_internal("loading cart lines")?;
    let lines = rows
        .into_iter()
        .map(|r| {
            let options = ordered_options(&r.options, &r.option_order);
            Ok(PricedLine {
                variant_label: options
                    .iter()
                    .map(|(_, v)| v.as_str())
                    .collect::<Vec<_>>()
                    .join(" / "),
                unit_price: Money::new(r.price_minor, currency(&r.currency)?),
                quantity: u32::try_from(r.quantity).unwrap_or(0),
                available: u32::try_from(r.available).unwrap_or(0),
                sku: r.sku,
                product_slug: r.product_slug,
                product_name: r.product_name,
                image_url: r.image_url,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    CartView::price(lines, shop_currency).map_err(|e| {
        tracing::error!(error = %e, cart_id, "cart cannot be priced");
        AppError::Internal
    })
}

/// How the quantity of a line changes.
#[derive(Debug, Clone, Copy)]
pub enum Change {
    Add(Quantity),
    Set(Quantity),
}

/// A cart after a change, and the token of the guest cart the change created, if it made one: the caller hands
/// it to the browser.
#[derive(Debug)]
pub struct Changed {
    pub cart: CartView,
    pub new_guest_token: Option<Uuid>,
}

/// Adds to or sets a line, creating the cart on first use. Refuses more than is in stock or more than
/// `Quantity::MAX`, saying how many can be had.
#[tracing::instrument(skip_all, fields(sku = %sku))]
pub async fn change_line(
    state: &AppState,
    owner: CartOwner,
    sku: &Sku,
    change: Change,
) -> Result<Changed, AppError> {
    let mut tx = state.begin("starting cart transaction").await?;
    let variant = db::variant_stock(&mut tx, sku.as_str())
        .await
        .or_internal("loading variant")?
        .ok_or_else(|| AppError::invalid("sku", "That product is no longer available."))?;

    let existing_cart = db::lock(&mut tx, owner).await.or_internal("locking cart")?;
    let mut new_guest_token = None;
    let cart_id = match existing_cart {
        Some(id) => id,
        None => {
            let token = Uuid::new_v4();
            let id = db::insert(&mut tx, token, owner)
                .await
                .or_internal("creating cart")?;
            if let CartOwner::Guest(_) = owner {
                new_guest_token = Some(token);
            }
            id
        }
    };

    let current = db::line_quantity(&mut tx, cart_id, variant.variant_id)
        .await
        .or_internal("loading cart line")?
        .map_or(0, |q| u32::try_from(q).unwrap_or(0));
    let wanted = match change {
        Change::Add(q) => current.saturating_add(q.get()),
        Change::Set(q) => q.get(),
    };
    let stock = u32::try_from(variant.available).unwrap_or(0);
    let limit = stock.min(Quantity::MAX);
    if wanted > limit {
        // Say how many more can be added for an add, and how many in all for a set.
        let available = match change {
            Change::Add(_) => limit.saturating_sub(current),
            Change::Set(_) => limit,
        };
        return Err(if stock <= Quantity::MAX {
            AppError::OutOfStock {
                sku: sku.to_string(),
                available,
            }
        } else {
            AppError::invalid(
                "quantity",
                format!(
                    "You can have at most {} of one item in your cart.",
                    Quantity::MAX
                ),
            )
        });
    }
    let wanted = i32::try_from(wanted)
        .map_err(|_| AppError::invalid("quantity", "That quantity is too large."))?;
    db::upsert_line(&mut tx, cart_id, variant.variant_id, wanted)
        .await
        .or_internal("saving cart line")?;
    db::touch(&mut tx, cart_id)
        .await
        .or_internal("touching cart")?;
    tx.commit().await.or_internal("committing cart")?;
    Ok(Changed {
        cart: view_by_id(state, cart_id).await?,
        new_guest_token,
    })
}

#[tracing::instrument(skip_all, fields(sku = %sku))]
pub async fn remove_line(
    state: &AppState,
    owner: CartOwner,
    sku: &Sku,
) -> Result<CartView, AppError> {
    let mut tx = state.begin("starting cart transaction").await?;
    let Some(cart_id) = db::lock(&mut tx, owner).await.or_internal("locking cart")? else {
        return Ok(CartView::empty(state.config.currency));
    };
    // Unpublished products can still be removed, so this looks the variant up without the catalog's filter.
    if let Some(variant_id) = db::variant_id(&mut tx, sku.as_str())
        .await
        .or_internal("loading variant")?
    {
        db::delete_line(&mut tx, cart_id, variant_id)
            .await
            .or_internal("removing cart line")?;
        db::touch(&mut tx, cart_id)
            .await
            .or_internal("touching cart")?;
    }
    tx.commit().await.or_internal("committing cart")?;
    view_by_id(state, cart_id).await
}

/// At sign-in: the guest cart behind `guest` joins the account's cart (quantities capped by stock), or becomes the
/// account's cart when it has none. A token that names no guest cart changes nothing.
#[tracing::instrument(skip_all, fields(customer = customer_id))]
pub async fn merge_guest_cart(
    state: &AppState,
    guest: Option<Uuid>,
    customer_id: i64,
) -> Result<(), AppError> {
    let Some(guest) = guest else {
        return Ok(());
    };
    let max = i32::try_from(Quantity::MAX).unwrap_or(i32::MAX);
    let mut tx = state.begin("starting cart merge").await?;
    // Lock the account's cart first, then the guest's: the order every cart change uses (one cart at a time).
    let account = db::lock(&mut tx, CartOwner::Customer(customer_id))
        .await
        .or_internal("locking account cart")?;
    let Some(guest_id) = db::lock(&mut tx, CartOwner::Guest(Some(guest)))
        .await
        .or_internal("locking guest cart")?
    else {
        return Ok(());
    };
    match account {
        Some(account_id) => db::merge(&mut tx, guest_id, account_id, max)
            .await
            .or_internal("merging carts")?,
        None => db::give_to(&mut tx, guest_id, customer_id)
            .await
            .or_internal("adopting a guest cart")?,
    }
    tx.commit().await.or_internal("committing cart merge")
}
