//! Discount codes for admins: the list with use counts, create or change a code, end it now. A code is never
//! deleted: the orders that used it name it. A change locks the code's row, so it waits for a checkout that is
//! redeeming the code, and a limit is never set below the uses already counted.

use super::orders::day_start;
use super::{unique_constraint, Staff};
use crate::db::discount as db;
use crate::domain::account::Role;
use crate::domain::admin::discounts::{DiscountInput, DiscountState, DiscountView};
use crate::domain::checkout::DiscountKind;
use crate::domain::money::Money;
use crate::error::AppError;
use crate::{AppState, OrInternal};
use chrono::Utc;
use serde_json::json;

fn view(
    r: db::DiscountRow,
    shop: crate::domain::money::Currency,
) -> Result<DiscountView, AppError> {
    let now = Utc::now();
    let currency = match r.currency.as_deref() {
        Some(c) => crate::catalog::currency(c)?,
        None => shop,
    };
    let kind = match r.kind.as_str() {
        "percent" => {
            DiscountKind::Percent(u32::try_from(r.amount).map_err(|_| AppError::Internal)?)
        }
        _ => DiscountKind::Fixed(Money::new(r.amount, currency)),
    };
    let state = if r.ends_at.is_some_and(|t| t <= now) {
        DiscountState::Ended
    } else if r.usage_limit.is_some_and(|l| r.used_count >= l) {
        DiscountState::UsedUp
    } else if r.starts_at.is_some_and(|t| t > now) {
        DiscountState::Scheduled
    } else {
        DiscountState::Active
    };
    Ok(DiscountView {
        discount_id: r.discount_id,
        code: r.code,
        kind,
        min_subtotal: Money::new(r.min_subtotal_minor, shop),
        first_day: r.starts_at.map(|t| t.format("%Y-%m-%d").to_string()),
        // Stored as the end's instant: the last day is the one before it.
        last_day: r.ends_at.map(|t| {
            (t - chrono::Duration::seconds(1))
                .format("%Y-%m-%d")
                .to_string()
        }),
        usage_limit: r.usage_limit,
        per_customer_limit: r.per_customer_limit,
        used_count: r.used_count,
        state,
    })
}

pub async fn list(state: &AppState, staff: &Staff) -> Result<Vec<DiscountView>, AppError> {
    staff.require(Role::Admin)?;
    let mut conn = state.conn("connecting for discounts").await?;
    db::list(&mut conn)
        .await
        .or_internal("listing discounts")?
        .into_iter()
        .map(|r| view(r, state.config.currency))
        .collect()
}

/// Creates or changes a code; returns it as saved.
#[tracing::instrument(skip_all, fields(code = %input.code, by = staff.session.customer_id))]
pub async fn save(
    state: &AppState,
    staff: &Staff,
    input: &DiscountInput,
) -> Result<DiscountView, AppError> {
    staff.require(Role::Admin)?;
    let starts_at = input
        .first_day
        .map(|d| day_start(d, "first_day"))
        .transpose()?;
    let ends_at = input
        .last_day
        .map(|d| day_start(d, "last_day").map(|t| t + chrono::Duration::days(1)))
        .transpose()?;
    let (kind, amount, currency) = match input.kind {
        DiscountKind::Percent(bp) => ("percent", i64::from(bp), None),
        DiscountKind::Fixed(m) => ("fixed", m.minor, Some(m.currency.code().to_string())),
    };
    let write = db::DiscountWrite {
        code: &input.code,
        kind,
        amount,
        currency: currency.as_deref(),
        min_subtotal_minor: input.min_subtotal_minor,
        starts_at,
        ends_at,
        usage_limit: input.usage_limit,
        per_customer_limit: input.per_customer_limit,
    };
    let mut tx = state.begin("starting a discount save").await?;
    let before = match input.discount_id {
        Some(id) => {
            let row = db::lock(&mut tx, id)
                .await
                .or_internal("reading a discount")?
                .ok_or(AppError::NotFound)?;
            if input.usage_limit.is_some_and(|l| l < row.used_count) {
                return Err(AppError::invalid(
                    "usage_limit",
                    format!(
                        "This code has been used {} times already: the limit cannot be lower.",
                        row.used_count
                    ),
                ));
            }
            Some(json!(view(row, state.config.currency)?))
        }
        None => None,
    };
    let written = match input.discount_id {
        Some(id) => db::update(&mut tx, id, &write).await.map(|_| id),
        None => db::insert(&mut tx, &write).await,
    };
    let id = written.map_err(|e| match unique_constraint(&e) {
        Some("discount_code_key") => {
            AppError::invalid("code", "Another discount has this code; choose another.")
        }
        _ => crate::internal("writing a discount")(e),
    })?;
    let saved = view(
        db::lock(&mut tx, id)
            .await
            .or_internal("reading a discount")?
            .ok_or(AppError::Internal)?,
        state.config.currency,
    )?;
    let action = if before.is_some() {
        "discount.update"
    } else {
        "discount.create"
    };
    staff
        .audit(
            &mut tx,
            action,
            "discount",
            &id.to_string(),
            before,
            Some(json!(saved)),
        )
        .await?;
    tx.commit()
        .await
        .or_internal("committing a discount save")?;
    Ok(saved)
}

/// Ends a code now: checkouts that apply it from here on are refused as expired.
pub async fn end(state: &AppState, staff: &Staff, id: i64) -> Result<DiscountView, AppError> {
    staff.require(Role::Admin)?;
    let mut tx = state.begin("starting a discount end").await?;
    let before = db::lock(&mut tx, id)
        .await
        .or_internal("reading a discount")?
        .ok_or(AppError::NotFound)?;
    let before = view(before, state.config.currency)?;
    db::end_now(&mut tx, id)
        .await
        .or_internal("ending a discount")?;
    let after = view(
        db::lock(&mut tx, id)
            .await
            .or_internal("reading a discount")?
            .ok_or(AppError::Internal)?,
        state.config.currency,
    )?;
    staff
        .audit(
            &mut tx,
            "discount.end",
            "discount",
            &id.to_string(),
            Some(json!(before)),
            Some(json!(after)),
        )
        .await?;
    tx.commit().await.or_internal("committing a discount end")?;
    Ok(after)
}
