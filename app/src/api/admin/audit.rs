//! The audit log page's data: admins only.

use crate::domain::admin::audit::AuditPage;
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "admin/audit")]
pub async fn list_audit(
    #[server(default)] action: String,
    #[server(default)] entity_id: String,
    #[server(default)] actor: String,
    #[server(default)] before: String,
) -> Result<AuditPage, AppError> {
    use crate::domain::admin::audit::AuditFilter;
    use crate::request::context;
    let state = context::state()?;
    let staff = context::staff(&state).await?;
    let filter = AuditFilter::parse(&action, &entity_id, &actor, &before)?;
    backend::admin::audit::list(&state, &staff, &filter).await
}
