//! The admin area's server functions: thin, as everywhere; the role checks are in the services they call.

pub mod audit;
pub mod catalog;
pub mod categories;
pub mod customers;
pub mod discounts;
pub mod flags;
pub mod images;
pub mod imports;
pub mod orders;
pub mod returns;
pub mod stock;

use crate::domain::admin::AdminOverview;
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "admin/overview")]
pub async fn get_admin_overview() -> Result<AdminOverview, AppError> {
    use crate::request::context;
    use backend::admin;
    let state = context::state()?;
    let session = context::signed_in(&state).await?;
    admin::overview(&state, &session).await
}

/// The start page's last 30 days: sales per day, orders by status, top products, low stock.
#[server(prefix = "/api", endpoint = "admin/dashboard")]
pub async fn get_dashboard() -> Result<crate::domain::admin::dashboard::Dashboard, AppError> {
    use crate::request::context;
    let state = context::state()?;
    let staff = context::staff(&state).await?;
    backend::admin::dashboard::dashboard(&state, &staff).await
}

/// Makes an account a customer, staff or admin: admins only.
#[server(prefix = "/api", endpoint = "admin/role")]
pub async fn set_account_role(email: String, role: String) -> Result<(), AppError> {
    use crate::domain::account::Role;
    use crate::request::context;
    use backend::admin::roles;
    let state = context::state()?;
    let staff = context::staff(&state).await?;
    let role = Role::from_db(role.trim())
        .ok_or_else(|| AppError::invalid("role", "Choose customer, staff or admin."))?;
    roles::set_role(&state, &staff, &email, role).await?;
    context::redirect_back_with("role", "saved", "roles");
    Ok(())
}
