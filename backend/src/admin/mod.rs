//! The admin area's services. Every one checks the caller's role here, in the service layer, whatever the pages
//! show or hide: staff run the shop's daily work (orders, fulfilment, stock), admins also manage who is staff and
//! read the audit log. Every write records who did it, before and after, in the audit log, in the same
//! transaction as the change.

pub mod audit;
pub mod catalog;
pub mod categories;
pub mod collections;
pub mod customers;
pub mod dashboard;
pub mod discounts;
pub mod exports;
pub mod flags;
pub mod images;
pub mod imports;
pub mod orders;
pub mod returns;
pub mod roles;
pub mod stock;

use super::accounts::Session;
use super::db::admin as db;
use super::db::audit as audit_db;
use super::AppState;
use crate::domain::account::Role;
use crate::domain::admin::AdminOverview;
use crate::error::AppError;
use crate::OrInternal;
use sqlx::PgConnection;

/// A signed-in account acting in the admin area, and the request it acts through (for the audit log).
#[derive(Debug, Clone)]
pub struct Staff {
    pub session: Session,
    pub request_id: Option<String>,
}

impl Staff {
    /// `Forbidden` unless this account may act as `needed`.
    pub fn require(&self, needed: Role) -> Result<(), AppError> {
        self.session.require(needed)
    }

    /// Records one write in the audit log, on the connection (and so in the transaction) that made it.
    pub async fn audit(
        &self,
        conn: &mut PgConnection,
        action: &str,
        entity: &str,
        entity_id: &str,
        before: Option<serde_json::Value>,
        after: Option<serde_json::Value>,
    ) -> Result<(), AppError> {
        audit_db::insert(
            conn,
            &audit_db::NewEntry {
                actor_id: self.session.customer_id,
                actor_email: &self.session.email,
                action,
                entity,
                entity_id,
                before,
                after,
                request_id: self.request_id.as_deref(),
            },
        )
        .await
        .or_internal("writing the audit log")
    }
}

/// The start page: staff and admins.
pub async fn overview(state: &AppState, session: &Session) -> Result<AdminOverview, AppError> {
    session.require(Role::Staff)?;
    let mut conn = state.read_conn("connecting for the admin overview").await?;
    let row = db::overview(&mut conn)
        .await
        .or_internal("counting for the admin overview")?;
    Ok(AdminOverview {
        email: session.email.clone(),
        role: session.role,
        orders_today: row.orders_today,
        awaiting_payment: row.awaiting_payment,
        to_ship: row.to_ship,
        accounts: row.accounts,
        low_stock_variants: row.low_stock_variants,
    })
}

/// The constraint a unique violation hit, if that is what `e` is.
pub(crate) fn unique_constraint(e: &sqlx::Error) -> Option<&str> {
    match e {
        sqlx::Error::Database(d) if d.is_unique_violation() => d.constraint(),
        _ => None,
    }
}

/// A LIKE pattern that finds `text` where `before` and `after` (`%` or nothing) say: `%` and `_` typed by
/// staff are letters, not wildcards.
pub(crate) fn like_pattern(before: &str, text: &str, after: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("{before}{escaped}{after}")
}
