//! Customers in the admin area: the list, one account (its addresses opened on request, audited), and the
//! admins' actions on it.

use crate::domain::admin::customers::{CustomerDetail, CustomerList};
use crate::error::AppError;
use leptos::prelude::*;

/// A page of accounts, newest first; every filter is optional (an empty string is no filter).
#[server(prefix = "/api", endpoint = "admin/customers")]
pub async fn list_customers(
    #[server(default)] q: String,
    #[server(default)] role: String,
    #[server(default)] state: String,
    #[server(default)] after: String,
) -> Result<CustomerList, AppError> {
    use crate::domain::admin::customers::CustomerFilter;
    use crate::request::context;
    let app = context::state()?;
    let staff = context::staff(&app).await?;
    let filter = CustomerFilter::parse(&q, &role, &state, &after)?;
    backend::admin::customers::list(&app, &staff, &filter).await
}

/// One account; `reveal` non-empty opens its saved addresses (and records that in the audit log).
#[server(prefix = "/api", endpoint = "admin/customer")]
pub async fn get_customer(
    customer_id: String,
    #[server(default)] reveal: String,
) -> Result<CustomerDetail, AppError> {
    use crate::request::context;
    let state = context::state()?;
    let staff = context::staff(&state).await?;
    let id = customer_id
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::NotFound)?;
    backend::admin::customers::detail(&state, &staff, id, !reveal.trim().is_empty()).await
}

/// `disable`, `enable` or `send_password_reset` on an account.
#[server(prefix = "/api", endpoint = "admin/customer/act")]
pub async fn act_on_customer(customer_id: String, action: String) -> Result<(), AppError> {
    use crate::domain::admin::customers::CustomerAction;
    use crate::request::context;
    let state = context::state()?;
    let staff = context::staff(&state).await?;
    let id = customer_id
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::NotFound)?;
    let action = CustomerAction::parse(&action)?;
    backend::admin::customers::act(&state, &staff, id, action).await?;
    context::redirect_back_with("done", action.as_str(), "account");
    Ok(())
}
