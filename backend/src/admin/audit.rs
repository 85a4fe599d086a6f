//! Reading the audit log: admins only. Nothing here or anywhere else writes to it but `Staff::audit`.

use super::Staff;
use crate::db::audit as db;
use crate::domain::account::Role;
use crate::domain::admin::audit::{AuditEntry, AuditFilter, AuditPage};
use crate::error::AppError;
use crate::{AppState, OrInternal};

pub const PAGE_SIZE: i64 = 100;

pub async fn list(
    state: &AppState,
    staff: &Staff,
    filter: &AuditFilter,
) -> Result<AuditPage, AppError> {
    staff.require(Role::Admin)?;
    let mut tx = state.begin("starting the audit log").await?;
    sqlx::query("set local plan_cache_mode = force_custom_plan")
        .execute(&mut *tx)
        .await
        .or_internal("planning the audit log")?;
    let mut rows = db::list(
        &mut tx,
        filter.action.as_deref(),
        filter.entity_id.as_deref(),
        filter.actor.as_deref(),
        filter.before,
        PAGE_SIZE + 1,
    )
    .await
    .or_internal("reading the audit log")?;
    tx.commit().await.or_internal("ending the audit log")?;
    let next = (rows.len() as i64 > PAGE_SIZE).then(|| {
        rows.truncate(PAGE_SIZE as usize);
        rows.last().map(|r| r.audit_log_id)
    });
    let text = |v: Option<serde_json::Value>| v.map(|v| v.to_string());
    Ok(AuditPage {
        entries: rows
            .into_iter()
            .map(|r| AuditEntry {
                id: r.audit_log_id,
                at: r.created_at.to_rfc3339(),
                by: r.actor_email,
                action: r.action,
                entity: r.entity,
                entity_id: r.entity_id,
                before: text(r.before),
                after: text(r.after),
                request_id: r.request_id,
            })
            .collect(),
        next: next.flatten(),
    })
}
