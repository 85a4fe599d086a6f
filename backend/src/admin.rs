//! The admin area's services. Every one checks the session's role here, in the service layer, whatever the pages
//! show or hide: staff run the shop's daily work, admins also manage who is staff.

use super::accounts::Session;
use super::db::admin as db;
use super::AppState;
use crate::domain::account::Role;
use crate::domain::admin::AdminOverview;
use crate::error::AppError;
use crate::OrInternal;

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
