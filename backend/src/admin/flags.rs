//! Feature flags in the admin area: admins only, every change audited. A change is committed with its audit entry
//! and reaches every app server through the table's notification (this one included).

use super::Staff;
use crate::db::flags as db;
use crate::domain::account::Role;
use crate::domain::flags::{Flag, FlagSetting, FlagView};
use crate::error::AppError;
use crate::{AppState, OrInternal};
use serde_json::json;

/// Every flag the code knows, with its setting as stored (or its default) and who changed it last.
pub async fn list(state: &AppState, staff: &Staff) -> Result<Vec<FlagView>, AppError> {
    staff.require(Role::Admin)?;
    let mut conn = state.conn("connecting for the feature flags").await?;
    let rows = db::all(&mut *conn)
        .await
        .or_internal("reading the feature flags")?;
    Ok(Flag::ALL
        .into_iter()
        .map(|flag| {
            let row = rows.iter().find(|r| r.key == flag.key());
            FlagView {
                key: flag.key().into(),
                label: flag.label().into(),
                description: flag.description().into(),
                setting: row
                    .map(|r| FlagSetting {
                        enabled: r.enabled,
                        percent: r.rollout_percent.clamp(0, 100) as u8,
                    })
                    .unwrap_or_else(|| flag.default_setting()),
                allows_rollout: flag.allows_rollout(),
                changed: row.map(|r| (r.updated_at.to_rfc3339(), r.updated_by.clone())),
            }
        })
        .collect())
}

/// Sets a flag: admins only, audited with the setting before and after.
#[tracing::instrument(skip_all, fields(by = staff.session.customer_id, flag = flag.key()))]
pub async fn set(
    state: &AppState,
    staff: &Staff,
    flag: Flag,
    setting: FlagSetting,
) -> Result<(), AppError> {
    staff.require(Role::Admin)?;
    let mut tx = state.begin("starting a feature flag change").await?;
    let before = db::lock(&mut tx, flag.key())
        .await
        .or_internal("reading a feature flag")?
        .map(|(enabled, percent)| FlagSetting {
            enabled,
            percent: percent.clamp(0, 100) as u8,
        })
        .unwrap_or_else(|| flag.default_setting());
    db::set(
        &mut tx,
        flag.key(),
        setting.enabled,
        i16::from(setting.percent),
        staff.session.customer_id,
    )
    .await
    .or_internal("setting a feature flag")?;
    let as_json = |s: FlagSetting| json!({ "enabled": s.enabled, "percent": s.percent });
    staff
        .audit(
            &mut tx,
            "flag.set",
            "feature_flag",
            flag.key(),
            Some(as_json(before)),
            Some(as_json(setting)),
        )
        .await?;
    tx.commit()
        .await
        .or_internal("committing a feature flag change")?;
    tracing::info!(
        enabled = setting.enabled,
        percent = setting.percent,
        "feature flag changed"
    );
    Ok(())
}
