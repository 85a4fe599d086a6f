//! Orders for staff: the list with its filters, one order's whole story, and the actions that move it through
//! its state machine (record a bank transfer, fulfil, ship with tracking, deliver, cancel). Each action locks the
//! order, checks the move, and writes its order event (with who) and its audit entry in one transaction.

use super::Staff;
use crate::db::admin as db;
use crate::db::order as order_db;
use crate::domain::account::Role;
use crate::domain::admin::orders::{
    AdminOrder, OrderAction, OrderCursor, OrderEventView, OrderFilter, OrderListItem,
    OrderListPage, OrderSearch, PaymentAttempt, RefundView,
};
use crate::domain::admin::Day;
use crate::domain::checkout::PaymentMethod;
use crate::domain::money::Money;
use crate::domain::order::OrderStatus;
use crate::domain::returns::paid_share;
use crate::domain::shipment::Shipment;
use crate::error::AppError;
use crate::order_state::{self, Cause};
use crate::refunds::{self, Outcome, RefundInput};
use crate::{AppState, OrInternal};
use chrono::{DateTime, TimeZone, Utc};
use serde_json::json;

/// Orders on one page of the list.
pub const PAGE_SIZE: i64 = 50;

pub(super) fn day_start(day: Day, field: &'static str) -> Result<DateTime<Utc>, AppError> {
    chrono::NaiveDate::from_ymd_opt(day.year, day.month, day.day)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| Utc.from_utc_datetime(&t))
        .ok_or_else(|| AppError::invalid(field, "That day does not exist."))
}

/// A page of orders, newest first: staff and admins.
pub async fn list(
    state: &AppState,
    staff: &Staff,
    filter: &OrderFilter,
) -> Result<OrderListPage, AppError> {
    staff.require(Role::Staff)?;
    let from = filter.from.map(|d| day_start(d, "from")).transpose()?;
    let until = filter
        .to
        .map(|d| day_start(d, "to").map(|t| t + chrono::Duration::days(1)))
        .transpose()?;
    let after = filter
        .after
        .map(|c| {
            Utc.timestamp_micros(c.placed_micros)
                .single()
                .map(|t| (t, c.id))
                .ok_or_else(|| AppError::invalid("after", "That page link is not valid."))
        })
        .transpose()?;
    let (number, email) = match &filter.search {
        Some(OrderSearch::Number(n)) => (Some(n.as_str()), None),
        Some(OrderSearch::Email(e)) => (None, Some(e.as_str())),
        None => (None, None),
    };
    let query = db::OrderQuery {
        status: filter.status.map(OrderStatus::as_db),
        method: filter.method.map(PaymentMethod::as_str),
        from,
        until,
        number,
        email,
        after,
        limit: PAGE_SIZE + 1,
    };
    let mut tx = state.begin("starting the order list").await?;
    // The list's filters are optional parameters of one statement; a plan made for each call's values lets
    // PostgreSQL pick the index that suits them, where a cached generic plan would scan.
    sqlx::query("set local plan_cache_mode = force_custom_plan")
        .execute(&mut *tx)
        .await
        .or_internal("planning the order list")?;
    let mut rows = db::orders(&mut tx, &query)
        .await
        .or_internal("listing orders")?;
    tx.commit().await.or_internal("ending the order list")?;
    let next = (rows.len() as i64 > PAGE_SIZE).then(|| {
        rows.truncate(PAGE_SIZE as usize);
        rows.last().map(|r| {
            OrderCursor {
                placed_micros: r.created_at.timestamp_micros(),
                id: r.customer_order_id,
            }
            .encode()
        })
    });
    let orders = rows
        .into_iter()
        .map(|r| {
            Ok(OrderListItem {
                total: Money::new(r.total_minor, crate::catalog::currency(&r.currency)?),
                status: status_of(&r.status)?,
                payment_method: PaymentMethod::parse(&r.payment_method)?,
                number: r.number,
                placed_at: r.created_at.to_rfc3339(),
                email: r.email,
                items: r.items,
            })
        })
        .collect::<Result<_, AppError>>()?;
    Ok(OrderListPage {
        orders,
        next: next.flatten(),
    })
}

pub(super) fn status_of(raw: &str) -> Result<OrderStatus, AppError> {
    OrderStatus::from_db(raw).ok_or_else(|| {
        tracing::error!(status = raw, "unknown order status");
        AppError::Internal
    })
}

/// One order with its lines, decrypted address, payments, timeline and the actions it allows: staff and admins.
pub async fn detail(state: &AppState, staff: &Staff, number: &str) -> Result<AdminOrder, AppError> {
    staff.require(Role::Staff)?;
    let mut conn = state.conn("connecting for an order").await?;
    let row = order_db::by_number(&mut conn, number)
        .await
        .or_internal("loading order")?
        .ok_or(AppError::NotFound)?;
    let id = row.customer_order_id;
    let currency = crate::catalog::currency(&row.currency)?;
    let refunded = Money::new(row.refunded_minor, currency);
    let payments = db::payments(&mut conn, id)
        .await
        .or_internal("loading payments")?
        .into_iter()
        .map(|p| {
            Ok(PaymentAttempt {
                amount: Money::new(p.amount_minor, crate::catalog::currency(&p.currency)?),
                provider: p.provider,
                intent_id: p.intent_id,
                status: p.status,
                failure_message: p.failure_message,
                created_at: p.created_at.to_rfc3339(),
            })
        })
        .collect::<Result<_, AppError>>()?;
    let events = db::events(&mut conn, id)
        .await
        .or_internal("loading order events")?
        .into_iter()
        .map(|e| {
            Ok(OrderEventView {
                from: e.from_status.as_deref().map(status_of).transpose()?,
                to: status_of(&e.to_status)?,
                note: e.note,
                by: e.actor_email,
                at: e.created_at.to_rfc3339(),
            })
        })
        .collect::<Result<_, AppError>>()?;
    let refunds = crate::db::refund::for_order(&mut conn, id)
        .await
        .or_internal("loading refunds")?
        .into_iter()
        .map(|r| {
            Ok(RefundView {
                amount: Money::new(r.amount_minor, crate::catalog::currency(&r.currency)?),
                status: format!("{:?}", r.status).to_lowercase(),
                by: r.actor_email,
                note: r.note,
                failure_message: r.failure_message,
                at: r.created_at.to_rfc3339(),
            })
        })
        .collect::<Result<_, AppError>>()?;
    let order = crate::orders::to_view(&mut conn, &state.keys, row, None, None).await?;
    let actions = OrderAction::allowed(order.status, order.payment_method);
    Ok(AdminOrder {
        order,
        refunded,
        payments,
        events,
        refunds,
        actions,
    })
}

/// What staff asked to do with an order.
#[derive(Debug, Clone)]
pub struct ActionInput {
    pub action: OrderAction,
    pub note: Option<String>,
    /// For `Refund`: minor units, `None` for everything left (or for the chosen lines).
    pub amount_minor: Option<i64>,
    /// For `Refund`: (line number, quantity) of the items paid back, instead of an amount.
    pub lines: Vec<(i32, i32)>,
    /// For `Ship`.
    pub shipment: Option<Shipment>,
}

/// Takes one action on the order `number`; returns its new status. Staff and admins.
#[tracing::instrument(skip_all, fields(number = %number, action = input.action.as_str(), by = staff.session.customer_id))]
pub async fn act(
    state: &AppState,
    staff: &Staff,
    number: &str,
    input: &ActionInput,
) -> Result<OrderStatus, AppError> {
    staff.require(Role::Staff)?;
    if input.action == OrderAction::Refund {
        staff.require(Role::Admin)?;
    }
    let mut tx = state.checkout_begin("starting an order action").await?;
    let row = order_db::lock_by_number(&mut tx, number)
        .await
        .or_internal("locking order")?
        .ok_or(AppError::NotFound)?;
    let id = row.customer_order_id;
    let before = status_of(&row.status)?;
    let method = PaymentMethod::parse(&row.payment_method)?;
    if !OrderAction::allowed(before, method).contains(&input.action) {
        return Err(refusal(input.action, before, method));
    }
    let pays_back = input.action == OrderAction::Refund
        || (input.action == OrderAction::Cancel && before != OrderStatus::AwaitingPayment);
    if pays_back {
        // Paying money back is for admins; staff may cancel what was never paid.
        staff.require(Role::Admin)?;
        return refund(state, staff, tx, &row, number, input).await;
    }
    let cause = Cause {
        note: input.note.as_deref(),
        actor: Some(staff.session.customer_id),
    };
    let mut after_extra = json!({});
    let after = match input.action {
        OrderAction::RecordPayment => {
            let recorded = db::record_manual_payment(
                &mut tx,
                uuid::Uuid::new_v4(),
                id,
                row.total_minor,
                &row.currency,
            )
            .await
            .or_internal("recording a manual payment")?;
            if !recorded {
                return Err(AppError::Conflict {
                    message: "This order already has a payment.".into(),
                });
            }
            after_extra =
                json!({ "payment": { "method": "manual", "amount_minor": row.total_minor } });
            let note = cause.note.unwrap_or("bank transfer received");
            let cause = Cause {
                note: Some(note),
                ..cause
            };
            order_state::transition_on(&mut tx, id, OrderStatus::Paid, cause).await?
        }
        OrderAction::Fulfil => {
            order_state::transition_on(&mut tx, id, OrderStatus::Fulfilled, cause).await?
        }
        OrderAction::Ship => {
            let shipment = input.shipment.as_ref().ok_or_else(|| {
                AppError::invalid("tracking_number", "Enter the tracking number.")
            })?;
            if before == OrderStatus::Paid {
                order_state::transition_on(&mut tx, id, OrderStatus::Fulfilled, cause).await?;
            }
            order_db::set_shipment(
                &mut tx,
                id,
                &shipment.carrier,
                &shipment.tracking_number,
                &shipment.tracking_url,
            )
            .await
            .or_internal("recording the shipment")?;
            after_extra = json!({ "shipment": shipment });
            let note = format!("{} {}", shipment.carrier, shipment.tracking_number);
            let cause = Cause {
                note: Some(cause.note.unwrap_or(&note)),
                ..cause
            };
            order_state::transition_on(&mut tx, id, OrderStatus::Shipped, cause).await?
        }
        OrderAction::Deliver => {
            order_state::transition_on(&mut tx, id, OrderStatus::Delivered, cause).await?
        }
        OrderAction::Cancel => {
            order_state::transition_on(&mut tx, id, OrderStatus::Cancelled, cause).await?
        }
        OrderAction::Refund => return Err(AppError::Internal),
    };
    let mut after_json = json!({ "status": after.as_db(), "note": input.note });
    if let (Some(target), Some(extra)) = (after_json.as_object_mut(), after_extra.as_object()) {
        target.extend(extra.clone());
    }
    staff
        .audit(
            &mut tx,
            &format!("order.{}", input.action.as_str()),
            "order",
            number,
            Some(json!({ "status": before.as_db() })),
            Some(after_json),
        )
        .await?;
    tx.commit()
        .await
        .or_internal("committing an order action")?;
    tracing::info!(status = after.as_db(), "order changed by staff");
    Ok(after)
}

/// A refund, or the cancelling of a paid order (a full refund that ends it cancelled): recorded and audited in
/// the action's transaction, then asked of the provider. Returns the order's status after it; a refund the
/// provider confirms later leaves it as it was.
async fn refund(
    state: &AppState,
    staff: &Staff,
    mut tx: sqlx::Transaction<'static, sqlx::Postgres>,
    row: &order_db::OrderRow,
    number: &str,
    input: &ActionInput,
) -> Result<OrderStatus, AppError> {
    let cancel = input.action == OrderAction::Cancel;
    let (amount_minor, items) = match (input.amount_minor, input.lines.as_slice()) {
        _ if cancel => (None, None),
        (amount, []) => (amount, None),
        (None, lines) => {
            let (value, items) = lines_value(&mut tx, row, lines).await?;
            (Some(value), Some(items))
        }
        (Some(_), _) => {
            return Err(AppError::invalid(
                "amount",
                "Enter an amount or choose items, not both.",
            ))
        }
    };
    let note = match (&items, &input.note) {
        (Some(items), Some(note)) => Some(format!("{items}: {note}")),
        (Some(items), None) => Some(items.clone()),
        (None, note) => note.clone(),
    };
    let refund_input = RefundInput {
        amount_minor,
        note,
        cancel,
        actor: Some(staff.session.customer_id),
    };
    let started = refunds::start_on(&mut tx, row, &refund_input).await?;
    staff
        .audit(
            &mut tx,
            &format!("order.{}", input.action.as_str()),
            "order",
            number,
            Some(json!({ "status": row.status, "refunded_minor": row.refunded_minor })),
            Some(json!({
                "refund": started.refund_id,
                "amount_minor": started.amount_minor,
                "cancel": cancel,
                "note": input.note,
            })),
        )
        .await?;
    tx.commit().await.or_internal("committing a refund")?;
    match refunds::complete(state, &started).await? {
        Outcome::Settled(status) => Ok(status),
        Outcome::Pending => status_of(&row.status),
    }
}

/// What `lines` ((line number, quantity) of order `row`) were paid — their list price less their share of the
/// order's discount, never shipping — and their description for the refund's note ("2 × SKU, 1 × SKU").
async fn lines_value(
    conn: &mut sqlx::PgConnection,
    row: &order_db::OrderRow,
    lines: &[(i32, i32)],
) -> Result<(i64, String), AppError> {
    let ordered = order_db::lines(conn, row.customer_order_id)
        .await
        .or_internal("loading order lines")?;
    let mut listed = 0i64;
    let mut items = Vec::new();
    for (line_no, quantity) in lines {
        let line = ordered
            .iter()
            .find(|l| l.line_no == *line_no)
            .ok_or_else(|| AppError::invalid("lines", "That item is not in this order."))?;
        if *quantity > line.quantity {
            return Err(AppError::invalid(
                "lines",
                format!("{} was ordered {} times.", line.sku, line.quantity),
            ));
        }
        listed += line.unit_price_minor * i64::from(*quantity);
        items.push(format!("{quantity} × {}", line.sku));
    }
    let value = paid_share(
        listed,
        row.subtotal_minor,
        row.total_minor - row.shipping_minor,
    );
    if value <= 0 {
        return Err(AppError::invalid(
            "lines",
            "Those items were free: there is nothing to refund.",
        ));
    }
    Ok((value, items.join(", ")))
}

/// Why this action does not fit the order as it stands, in words for staff.
fn refusal(action: OrderAction, status: OrderStatus, method: PaymentMethod) -> AppError {
    let message = match (action, status, method) {
        (OrderAction::RecordPayment, OrderStatus::AwaitingPayment, PaymentMethod::Card) => {
            "A card order is paid by the shopper's card; there is no transfer to record."
                .to_string()
        }
        _ => format!("An order that is {status} cannot be changed that way."),
    };
    AppError::Conflict { message }
}
