//! The checkout summary: the priced cart, the shipping methods and tax rate for the address, the discount, and
//! the totals, read from the database, with a fingerprint of all of it for the review form.

use super::empty_cart;
use crate::crypto::{Column, DataKeys};
use crate::db::checkout as db;
use crate::domain::address::Address;
use crate::domain::checkout::{
    totals, CheckoutSummary, DiscountKind, DiscountRule, ShippingRate, SummaryLine, TaxRule,
};
use crate::domain::money::{Currency, Money};
use crate::error::AppError;
use crate::{AppState, OrInternal};
use sqlx::PgConnection;

pub(super) async fn priced_lines(
    conn: &mut PgConnection,
    cart_id: i64,
    currency: Currency,
) -> Result<(Vec<SummaryLine>, Money), AppError> {
    let view = crate::cart::view_on(conn, cart_id, currency).await?;
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
            let currency = crate::catalog::currency(&r.currency)?;
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

pub(super) fn discount_rule(
    row: &db::DiscountRow,
    currency: Currency,
) -> Result<DiscountRule, AppError> {
    let kind = match row.kind.as_str() {
        "percent" => DiscountKind::Percent(u32::try_from(row.amount).unwrap_or(0)),
        _ => DiscountKind::Fixed(Money::new(
            row.amount,
            crate::catalog::currency(row.currency.as_deref().unwrap_or(""))?,
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
            .or_internal("reading a stored address"),
        (None, None) => Ok(None),
    }
}

/// What the shopper has entered so far for this cart, with the stored address read back.
pub(super) async fn load_checkout(
    conn: &mut PgConnection,
    keys: &DataKeys,
    cart_id: i64,
) -> Result<(db::CheckoutRow, Option<Address>), AppError> {
    let checkout = db::get(conn, cart_id)
        .await
        .or_internal("loading checkout")?
        .unwrap_or_default();
    let address = stored_address(
        keys,
        Column::CheckoutAddress,
        checkout.shipping_address_enc.as_deref(),
        checkout.shipping_address.as_ref(),
    )?;
    Ok((checkout, address))
}

pub(super) async fn summary_on(
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
                .or_internal("loading shipping methods")?,
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
            .or_internal("loading discount")?
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
    .or_internal("fingerprinting a checkout")?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(&canonical)))
}
