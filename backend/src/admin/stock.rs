//! Stock for staff: adjust a variant by hand (received, counted, damaged, returned), read its ledger, and see
//! what runs low or is sold out. Every change is a ledger row written with the change itself.

use super::Staff;
use crate::db::stock as db;
use crate::domain::account::Role;
use crate::domain::admin::stock::{
    StockAdjustment, StockLevel, StockMovementView, StockReason, StockReport, VariantStock,
};
use crate::error::AppError;
use crate::{AppState, OrInternal};
use serde_json::json;

/// How many variants each list of the stock page shows.
pub const LIST_SIZE: i64 = 100;

pub(super) fn level(row: db::LevelRow) -> StockLevel {
    let label = row
        .options
        .as_object()
        .map(|o| {
            o.values()
                .filter_map(|v| v.as_str())
                .collect::<Vec<_>>()
                .join(" / ")
        })
        .unwrap_or_default();
    StockLevel {
        sku: row.sku,
        product_name: row.product_name,
        variant_label: label,
        on_hand: i64::from(row.stock_on_hand),
        reserved: i64::from(row.reserved),
        available: i64::from(row.available),
        low_stock_threshold: i64::from(row.low_stock_threshold),
    }
}

/// Applies one adjustment; returns the variant's stock after it. Staff and admins.
#[tracing::instrument(skip_all, fields(sku = %adjustment.sku.as_str(), delta = adjustment.delta, by = staff.session.customer_id))]
pub async fn adjust(
    state: &AppState,
    staff: &Staff,
    adjustment: &StockAdjustment,
) -> Result<StockLevel, AppError> {
    staff.require(Role::Staff)?;
    let sku = adjustment.sku.as_str();
    let mut tx = state.begin("starting a stock adjustment").await?;
    let adjusted = db::adjust(
        &mut tx,
        sku,
        adjustment.delta,
        adjustment.reason.as_db(),
        staff.session.customer_id,
        adjustment.note.as_deref(),
    )
    .await
    .or_internal("adjusting stock")?;
    let on_hand = match adjusted {
        db::Adjusted::Done { on_hand } => on_hand,
        db::Adjusted::Unknown => {
            return Err(AppError::invalid("sku", "No product variant has this SKU."))
        }
        db::Adjusted::Refused { on_hand, reserved } => {
            let removable = (on_hand - reserved).max(0);
            let message = if adjustment.delta > 0 {
                "That would hold more stock than one variant can count.".to_string()
            } else {
                format!(
                    "Only {removable} of the {on_hand} on hand are not held by unpaid orders; remove at most {removable}."
                )
            };
            return Err(AppError::invalid("delta", message));
        }
    };
    staff
        .audit(
            &mut tx,
            "stock.adjust",
            "variant",
            sku,
            Some(json!({ "on_hand": on_hand - adjustment.delta })),
            Some(json!({
                "on_hand": on_hand,
                "delta": adjustment.delta,
                "reason": adjustment.reason.as_db(),
                "note": adjustment.note,
            })),
        )
        .await?;
    let row = db::level(&mut tx, sku)
        .await
        .or_internal("reading stock")?
        .ok_or(AppError::Internal)?;
    tx.commit()
        .await
        .or_internal("committing a stock adjustment")?;
    tracing::info!(on_hand, "stock adjusted");
    Ok(level(row))
}

/// A variant's stock and its latest 100 movements. Staff and admins.
pub async fn variant(state: &AppState, staff: &Staff, sku: &str) -> Result<VariantStock, AppError> {
    staff.require(Role::Staff)?;
    let mut conn = state.conn("connecting for stock").await?;
    let row = db::level(&mut conn, sku)
        .await
        .or_internal("reading stock")?
        .ok_or(AppError::NotFound)?;
    let movements = db::movements(&mut conn, row.variant_id, 100)
        .await
        .or_internal("reading the stock ledger")?
        .into_iter()
        .map(|m| {
            Ok(StockMovementView {
                delta: i64::from(m.delta),
                reason: StockReason::from_db(&m.reason).ok_or(AppError::Internal)?,
                order_number: m.order_number,
                by: m.actor_email,
                note: m.note,
                at: m.created_at.to_rfc3339(),
            })
        })
        .collect::<Result<_, AppError>>()?;
    Ok(VariantStock {
        level: level(row),
        movements,
    })
}

/// What runs low and what is sold out. Staff and admins.
pub async fn report(state: &AppState, staff: &Staff) -> Result<StockReport, AppError> {
    staff.require(Role::Staff)?;
    let mut conn = state.conn("connecting for stock").await?;
    let low = db::low(&mut conn, LIST_SIZE)
        .await
        .or_internal("listing low stock")?;
    let sold_out = db::sold_out(&mut conn, LIST_SIZE)
        .await
        .or_internal("listing sold-out stock")?;
    Ok(StockReport {
        low: low.into_iter().map(level).collect(),
        sold_out: sold_out.into_iter().map(level).collect(),
    })
}
