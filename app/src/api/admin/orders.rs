//! Orders in the admin area: the list, one order, and the actions on it.

// The action takes each form field as an argument (so a plain HTML form posts it); the macro's browser stub
// repeats them.
#![allow(clippy::too_many_arguments)]

use crate::domain::admin::orders::{AdminOrder, OrderListPage};
use crate::error::AppError;
use leptos::prelude::*;

/// A page of orders; every filter is optional (an empty string is no filter).
#[server(prefix = "/api", endpoint = "admin/orders")]
pub async fn list_orders(
    #[server(default)] status: String,
    #[server(default)] method: String,
    #[server(default)] from: String,
    #[server(default)] to: String,
    #[server(default)] q: String,
    #[server(default)] after: String,
) -> Result<OrderListPage, AppError> {
    use crate::domain::admin::orders::OrderFilter;
    use crate::request::context;
    let state = context::state()?;
    let staff = context::staff(&state).await?;
    let filter = OrderFilter::parse(&status, &method, &from, &to, &q, &after)?;
    backend::admin::orders::list(&state, &staff, &filter).await
}

#[server(prefix = "/api", endpoint = "admin/order")]
pub async fn get_admin_order(number: String) -> Result<AdminOrder, AppError> {
    use crate::request::context;
    let state = context::state()?;
    let staff = context::staff(&state).await?;
    backend::admin::orders::detail(&state, &staff, number.trim()).await
}

/// One action on an order (`record_payment`, `fulfil`, `ship`, `deliver`, `cancel`, `refund`), with a note;
/// shipping also takes the carrier, the tracking number and, for another carrier, its tracking link; a refund
/// its amount (blank: everything left) or the items it pays back (`lines[l<line>]=<n>`).
#[server(prefix = "/api", endpoint = "admin/order/act")]
pub async fn act_on_order(
    number: String,
    action: String,
    #[server(default)] note: String,
    #[server(default)] carrier: String,
    #[server(default)] tracking_number: String,
    #[server(default)] tracking_url: String,
    #[server(default)] amount: String,
    #[server(default)] lines: std::collections::BTreeMap<String, String>,
) -> Result<String, AppError> {
    use crate::domain::admin::orders::{action_note, refund_amount, OrderAction};
    use crate::domain::returns::line_quantities;
    use crate::domain::shipment::Shipment;
    use crate::request::context;
    use backend::admin::orders::{act, ActionInput};
    let state = context::state()?;
    let staff = context::staff(&state).await?;
    let action = OrderAction::parse(&action)?;
    let shipment = (action == OrderAction::Ship)
        .then(|| Shipment::parse(&carrier, &tracking_number, &tracking_url))
        .transpose()?;
    let amount_minor = (action == OrderAction::Refund)
        .then(|| refund_amount(&amount, state.config.currency.exponent()))
        .transpose()?
        .flatten();
    let lines = if action == OrderAction::Refund {
        line_quantities("lines", &lines)?
    } else {
        Vec::new()
    };
    let input = ActionInput {
        lines,
        action,
        note: action_note(&note)?,
        amount_minor,
        shipment,
    };
    let status = act(&state, &staff, number.trim(), &input).await?;
    context::redirect_back_with("done", action.as_str(), "actions");
    Ok(status.as_db().to_string())
}
