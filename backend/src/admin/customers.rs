//! Customers for staff: the list and one account with its orders (staff and admins). Saved addresses are
//! masked; opening them is a separate, audited read. Admins disable and enable accounts (disabling ends every
//! session and outstanding reset link at once) and send password-reset links.

use super::orders::status_of;
use super::{like_pattern, Staff};
use crate::crypto::Column;
use crate::db::account as account_db;
use crate::db::address as address_db;
use crate::db::customer as db;
use crate::domain::account::Role;
use crate::domain::address::Address;
use crate::domain::admin::customers::{
    mask, CustomerAction, CustomerAddress, CustomerDetail, CustomerFilter, CustomerList,
    CustomerOrder, CustomerSummary,
};
use crate::domain::money::Money;
use crate::error::AppError;
use crate::jobs::{self, kind, NewJob};
use crate::{AppState, OrInternal};
use serde_json::json;

pub const PAGE_SIZE: i64 = 50;

fn role(raw: &str) -> Result<Role, AppError> {
    Role::from_db(raw).ok_or(AppError::Internal)
}

pub async fn list(
    state: &AppState,
    staff: &Staff,
    filter: &CustomerFilter,
) -> Result<CustomerList, AppError> {
    staff.require(Role::Staff)?;
    let like = filter.q.as_deref().map(|q| like_pattern("%", q, "%"));
    let mut conn = state.conn("connecting for customers").await?;
    let mut rows = db::list(
        &mut conn,
        like.as_deref(),
        filter.role.map(Role::as_db),
        filter.disabled,
        filter.after,
        PAGE_SIZE + 1,
    )
    .await
    .or_internal("listing customers")?;
    let next = (rows.len() as i64 > PAGE_SIZE).then(|| {
        rows.truncate(PAGE_SIZE as usize);
        rows.last().map(|r| r.customer_id)
    });
    let customers = rows
        .into_iter()
        .map(|r| {
            Ok(CustomerSummary {
                role: role(&r.role)?,
                customer_id: r.customer_id,
                email: r.email,
                created_at: r.created_at.to_rfc3339(),
                disabled: r.disabled,
                orders: r.orders,
                last_order_at: r.last_order_at.map(|t| t.to_rfc3339()),
            })
        })
        .collect::<Result<_, AppError>>()?;
    Ok(CustomerList {
        customers,
        next: next.flatten(),
    })
}

/// One account. With `reveal`, its saved addresses are opened in full and the opening goes in the audit log.
pub async fn detail(
    state: &AppState,
    staff: &Staff,
    customer_id: i64,
    reveal: bool,
) -> Result<CustomerDetail, AppError> {
    staff.require(Role::Staff)?;
    let mut tx = state.begin("reading a customer").await?;
    let row = db::detail(&mut tx, customer_id)
        .await
        .or_internal("reading a customer")?
        .ok_or(AppError::NotFound)?;
    let orders = account_db::orders_of(&mut tx, customer_id, 50)
        .await
        .or_internal("reading a customer's orders")?
        .into_iter()
        .map(|o| {
            Ok(CustomerOrder {
                status: status_of(&o.status)?,
                total: Money::new(o.total_minor, crate::catalog::currency(&o.currency)?),
                number: o.number,
                placed_at: o.created_at.to_rfc3339(),
            })
        })
        .collect::<Result<_, AppError>>()?;
    let saved = address_db::list(&mut tx, customer_id)
        .await
        .or_internal("reading a customer's addresses")?;
    let mut addresses = Vec::with_capacity(saved.len());
    for a in saved {
        let address: Address = state
            .keys
            .open_json(Column::SavedAddress, &a.address_enc)
            .map_err(|e| {
                tracing::error!(error = %e, "a saved address does not open: wrong or missing data key?");
                AppError::Internal
            })?;
        addresses.push(CustomerAddress {
            masked: mask(&address),
            is_default: a.is_default,
            address: reveal.then_some(address),
        });
    }
    if reveal && !addresses.is_empty() {
        staff
            .audit(
                &mut tx,
                "customer.open_addresses",
                "customer",
                &customer_id.to_string(),
                None,
                Some(json!({ "addresses": addresses.len() })),
            )
            .await?;
    }
    tx.commit().await.or_internal("ending a customer read")?;
    Ok(CustomerDetail {
        role: role(&row.role)?,
        customer_id: row.customer_id,
        email: row.email,
        created_at: row.created_at.to_rfc3339(),
        disabled_at: row.disabled_at.map(|t| t.to_rfc3339()),
        sessions: row.sessions,
        orders,
        revealed: reveal && !addresses.is_empty(),
        addresses,
    })
}

/// Disables or enables an account, or sends it a password-reset link. Admins; never on one's own account.
#[tracing::instrument(skip_all, fields(customer = customer_id, action = action.as_str(), by = staff.session.customer_id))]
pub async fn act(
    state: &AppState,
    staff: &Staff,
    customer_id: i64,
    action: CustomerAction,
) -> Result<(), AppError> {
    staff.require(Role::Admin)?;
    if customer_id == staff.session.customer_id && action != CustomerAction::SendPasswordReset {
        return Err(AppError::Conflict {
            message: "You cannot disable or enable your own account.".into(),
        });
    }
    let mut tx = state.begin("starting an account action").await?;
    let entity = customer_id.to_string();
    match action {
        CustomerAction::Disable | CustomerAction::Enable => {
            let disable = action == CustomerAction::Disable;
            let was = db::set_disabled(&mut tx, customer_id, disable)
                .await
                .or_internal("disabling an account")?
                .ok_or(AppError::NotFound)?;
            let ended = if disable {
                account_db::delete_sessions_of(&mut tx, customer_id)
                    .await
                    .or_internal("ending an account's sessions")?
            } else {
                0
            };
            staff
                .audit(
                    &mut tx,
                    if disable {
                        "customer.disable"
                    } else {
                        "customer.enable"
                    },
                    "customer",
                    &entity,
                    Some(json!({ "disabled": was })),
                    Some(json!({ "disabled": disable, "sessions_ended": ended })),
                )
                .await?;
        }
        CustomerAction::SendPasswordReset => {
            let row = db::detail(&mut tx, customer_id)
                .await
                .or_internal("reading a customer")?
                .ok_or(AppError::NotFound)?;
            if row.disabled_at.is_some() {
                return Err(AppError::Conflict {
                    message: "This account is disabled: enable it before sending a reset link."
                        .into(),
                });
            }
            jobs::enqueue(
                &mut tx,
                &NewJob::new(kind::PASSWORD_RESET, json!({ "email": row.email })),
            )
            .await
            .or_internal("queueing a password-reset email")?;
            staff
                .audit(
                    &mut tx,
                    "customer.send_password_reset",
                    "customer",
                    &entity,
                    None,
                    None,
                )
                .await?;
        }
    }
    tx.commit()
        .await
        .or_internal("committing an account action")?;
    tracing::info!("account action done");
    Ok(())
}
