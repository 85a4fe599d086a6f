//! Who is staff: admins give accounts a role.

use super::Staff;
use crate::db::account as db;
use crate::domain::account::Role;
use crate::domain::email::Email;
use crate::error::AppError;
use crate::{AppState, OrInternal};
use serde_json::json;

/// Gives the account with `email` a role: admins only. Admins cannot demote themselves (the shop would lose its
/// last admin by a slip).
#[tracing::instrument(skip_all, fields(by = staff.session.customer_id))]
pub async fn set_role(
    state: &AppState,
    staff: &Staff,
    email: &str,
    role: Role,
) -> Result<(), AppError> {
    staff.require(Role::Admin)?;
    let email = Email::parse(email)?;
    let mut tx = state.begin("starting a role change").await?;
    let row = db::by_email(&mut tx, email.as_str())
        .await
        .or_internal("finding an account")?
        .ok_or_else(|| AppError::invalid("email", "There is no account with this email."))?;
    if row.customer_id == staff.session.customer_id && role != Role::Admin {
        return Err(AppError::invalid(
            "role",
            "You cannot take away your own admin role; ask another admin.",
        ));
    }
    db::set_role(&mut tx, row.customer_id, role.as_db())
        .await
        .or_internal("setting a role")?;
    staff
        .audit(
            &mut tx,
            "account.role",
            "account",
            &row.customer_id.to_string(),
            Some(json!({ "email": email.as_str(), "role": row.role })),
            Some(json!({ "email": email.as_str(), "role": role.as_db() })),
        )
        .await?;
    tx.commit().await.or_internal("committing a role change")?;
    tracing::info!(
        customer = row.customer_id,
        role = role.as_db(),
        "role changed"
    );
    Ok(())
}
