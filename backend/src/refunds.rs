//! Paying money back. A refund is first recorded as pending, under its own id, in the transaction that checks
//! the order (what is left to refund, one refund in flight at a time); then the provider is asked, with that id
//! as the idempotency key; then the refund is settled: the order's refunded amount grows and the order moves to
//! partly refunded, refunded, or — when it was a paid order being cancelled — cancelled, its stock back on the
//! shelf. A provider that times out leaves the refund pending: asking again asks for the same refund, and the
//! provider's `charge.refunded` webhook settles it too, once.

use crate::db::order as order_db;
use crate::db::refund::{self as db, RefundState};
use crate::domain::money::Money;
use crate::domain::order::OrderStatus;
use crate::error::AppError;
use crate::order_state::{self, Cause};
use crate::payment::{PaymentError, ProviderRefund, RefundRequest, RefundStatus};
use crate::{AppState, OrInternal};
use sqlx::PgConnection;
use uuid::Uuid;

/// What to pay back.
#[derive(Debug, Clone, Default)]
pub struct RefundInput {
    /// Minor units; `None` for everything not yet refunded.
    pub amount_minor: Option<i64>,
    pub note: Option<String>,
    /// A paid order cancelled before it ships: everything is refunded and the order ends cancelled.
    pub cancel: bool,
    /// The staff member asking.
    pub actor: Option<i64>,
}

/// A refund recorded and not yet settled: what the provider is to be asked.
#[derive(Debug, Clone)]
pub struct Started {
    pub refund_id: Uuid,
    pub amount_minor: i64,
    pub currency: String,
    pub provider: String,
    pub intent_id: Option<String>,
}

/// How a refund ended for now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Paid back; the order is now in this status.
    Settled(OrderStatus),
    /// The provider accepted it and will confirm later.
    Pending,
}

fn money(minor: i64, currency: &str) -> String {
    crate::catalog::currency(currency)
        .map(|c| Money::new(minor, c).to_string())
        .unwrap_or_else(|_| format!("{minor} {currency}"))
}

/// Records the refund of `input` on the locked order `row`, in the caller's transaction. A refund of the same
/// amount still pending (its provider call timed out) is returned to be asked again, under the same id.
pub async fn start_on(
    conn: &mut PgConnection,
    row: &order_db::OrderRow,
    input: &RefundInput,
) -> Result<Started, AppError> {
    let status = OrderStatus::from_db(&row.status).ok_or(AppError::Internal)?;
    let refundable = if input.cancel {
        status == OrderStatus::Paid
    } else {
        matches!(
            status,
            OrderStatus::Paid
                | OrderStatus::Fulfilled
                | OrderStatus::Shipped
                | OrderStatus::Delivered
                | OrderStatus::PartiallyRefunded
        )
    };
    if !refundable {
        return Err(AppError::Conflict {
            message: format!("An order that is {status} has nothing to refund that way."),
        });
    }
    let order_id = row.customer_order_id;
    let paid = db::paid_with(conn, order_id)
        .await
        .or_internal("finding the payment")?
        .ok_or_else(|| AppError::Conflict {
            message: "This order has no payment to refund.".into(),
        })?;
    if let Some(pending) = db::pending_for(conn, order_id)
        .await
        .or_internal("finding a pending refund")?
    {
        let same = pending.cancels_order == input.cancel
            && input.amount_minor.is_none_or(|a| a == pending.amount_minor);
        if !same {
            return Err(AppError::Conflict {
                message: format!(
                    "A refund of {} is still waiting for the payment provider; try it again first.",
                    money(pending.amount_minor, &pending.currency)
                ),
            });
        }
        return Ok(Started {
            refund_id: pending.refund_id,
            amount_minor: pending.amount_minor,
            currency: pending.currency,
            provider: paid.provider,
            intent_id: paid.intent_id,
        });
    }
    let left = row.total_minor - row.refunded_minor;
    if left <= 0 {
        return Err(AppError::Conflict {
            message: "Everything paid for this order has been refunded.".into(),
        });
    }
    let amount = if input.cancel {
        left
    } else {
        input.amount_minor.unwrap_or(left)
    };
    if amount > left {
        return Err(AppError::invalid(
            "amount",
            format!("At most {} is left to refund.", money(left, &row.currency)),
        ));
    }
    let refund_id = Uuid::new_v4();
    db::insert(
        conn,
        &db::NewRefund {
            refund_id,
            order_id,
            payment_id: Some(paid.payment_id),
            amount_minor: amount,
            currency: &row.currency,
            cancels_order: input.cancel,
            actor_id: input.actor,
            note: input.note.as_deref(),
        },
    )
    .await
    .or_internal("recording a refund")?;
    Ok(Started {
        refund_id,
        amount_minor: amount,
        currency: row.currency.clone(),
        provider: paid.provider,
        intent_id: paid.intent_id,
    })
}

/// Asks the provider for a recorded refund and settles it when the money is back. A bank transfer's refund is
/// paid back by staff, outside the shop: it settles at once.
pub async fn complete(state: &AppState, started: &Started) -> Result<Outcome, AppError> {
    let answer = if started.provider == "manual" {
        None
    } else {
        let provider = state.payments.card.clone().ok_or_else(|| {
            tracing::error!(provider = %started.provider, "a card refund but no card provider is configured");
            AppError::Unavailable
        })?;
        let intent_id = started.intent_id.as_deref().ok_or_else(|| {
            tracing::error!(refund = %started.refund_id, "a card payment without an intent");
            AppError::Internal
        })?;
        let asked = provider
            .refund(RefundRequest {
                refund_id: started.refund_id,
                intent_id,
                amount_minor: started.amount_minor,
                currency: &started.currency,
            })
            .await;
        match asked {
            Ok(refund) => Some(refund),
            Err(PaymentError::Unavailable(e)) => {
                tracing::warn!(refund = %started.refund_id, error = %e, "refund left pending: provider unavailable");
                return Err(AppError::Unavailable);
            }
            Err(e) => {
                tracing::error!(refund = %started.refund_id, error = %e, "the provider refused a refund");
                fail(state, started.refund_id).await?;
                return Err(AppError::Conflict {
                    message: "The payment provider refused this refund.".into(),
                });
            }
        }
    };
    let mut tx = state.checkout_begin("starting a refund settlement").await?;
    let outcome = match answer {
        None => Some(settled(&mut tx, started, None).await?),
        Some(ProviderRefund {
            status: RefundStatus::Succeeded,
            id,
            ..
        }) => Some(settled(&mut tx, started, Some(&id)).await?),
        Some(ProviderRefund {
            status: RefundStatus::Pending,
            id,
            ..
        }) => {
            db::settle(
                &mut tx,
                started.refund_id,
                RefundState::Pending,
                Some(&id),
                None,
            )
            .await
            .or_internal("recording a pending refund")?;
            None
        }
        Some(ProviderRefund {
            status: RefundStatus::Failed,
            id,
            ..
        }) => {
            db::settle(
                &mut tx,
                started.refund_id,
                RefundState::Failed,
                Some(&id),
                Some("refused by the payment provider"),
            )
            .await
            .or_internal("recording a failed refund")?;
            tx.commit()
                .await
                .or_internal("committing a failed refund")?;
            return Err(AppError::Conflict {
                message: "The payment provider refused this refund.".into(),
            });
        }
    };
    tx.commit().await.or_internal("committing a refund")?;
    Ok(outcome.map_or(Outcome::Pending, Outcome::Settled))
}

/// Settles the refund and returns the order's status after it, also when a webhook settled it first.
async fn settled(
    conn: &mut PgConnection,
    started: &Started,
    provider_refund_id: Option<&str>,
) -> Result<OrderStatus, AppError> {
    if let Some(status) = settle_on(conn, started.refund_id, provider_refund_id).await? {
        return Ok(status);
    }
    let refund = db::lock(conn, started.refund_id)
        .await
        .or_internal("reading a refund")?
        .ok_or(AppError::Internal)?;
    let row = order_db::by_id(conn, refund.customer_order_id)
        .await
        .or_internal("reading order")?
        .ok_or(AppError::Internal)?;
    OrderStatus::from_db(&row.status).ok_or(AppError::Internal)
}

async fn fail(state: &AppState, refund_id: Uuid) -> Result<(), AppError> {
    let mut conn = state.checkout_conn("connecting for a refund").await?;
    db::settle(
        &mut conn,
        refund_id,
        RefundState::Failed,
        None,
        Some("refused by the payment provider"),
    )
    .await
    .or_internal("recording a failed refund")
}

/// Settles a pending refund: the order's refunded amount grows and the order moves on. `None` when the refund
/// was settled before (a webhook after the answer, or the other way round) or is unknown: nothing changes.
pub async fn settle_on(
    conn: &mut PgConnection,
    refund_id: Uuid,
    provider_refund_id: Option<&str>,
) -> Result<Option<OrderStatus>, AppError> {
    // The order first, then the refund: the order a refund's start takes them in.
    let Some(order_id) = db::order_of(conn, refund_id)
        .await
        .or_internal("finding a refund's order")?
    else {
        return Ok(None);
    };
    let row = order_db::lock(conn, order_id)
        .await
        .or_internal("locking order")?
        .ok_or(AppError::NotFound)?;
    let Some(refund) = db::lock(conn, refund_id)
        .await
        .or_internal("locking a refund")?
        .filter(|r| r.status == RefundState::Pending)
    else {
        return Ok(None);
    };
    let refunded = db::add_to_order(conn, order_id, refund.amount_minor)
        .await
        .or_internal("adding a refund to its order")?;
    let next = if refund.cancels_order {
        OrderStatus::Cancelled
    } else if refunded >= row.total_minor {
        OrderStatus::Refunded
    } else {
        OrderStatus::PartiallyRefunded
    };
    let note = format!(
        "refunded {}{}",
        money(refund.amount_minor, &refund.currency),
        refund
            .note
            .as_deref()
            .map(|n| format!(": {n}"))
            .unwrap_or_default()
    );
    let cause = Cause {
        note: Some(&note),
        actor: refund.actor_id,
    };
    let status = order_state::transition_on(conn, order_id, next, cause).await?;
    db::settle(
        conn,
        refund_id,
        RefundState::Succeeded,
        provider_refund_id,
        None,
    )
    .await
    .or_internal("settling a refund")?;
    crate::returns::on_refund_settled(conn, refund_id).await?;
    tracing::info!(refund = %refund_id, order = order_id, status = status.as_db(), "refund settled");
    Ok(Some(status))
}

/// The provider's word on refunds (a webhook): settles ours that succeeded, marks failed those that failed.
/// Returns the webhook's outcome.
pub async fn on_provider_refunds(
    conn: &mut PgConnection,
    refunds: &[ProviderRefund],
) -> Result<&'static str, AppError> {
    let mut outcome = "ignored";
    for r in refunds {
        let Some(refund_id) = r.refund_id else {
            continue;
        };
        match r.status {
            RefundStatus::Succeeded => {
                if settle_on(conn, refund_id, Some(&r.id)).await?.is_some() {
                    outcome = "refunded";
                }
            }
            RefundStatus::Failed => {
                if let Some(pending) = db::lock(conn, refund_id)
                    .await
                    .or_internal("locking a refund")?
                    .filter(|p| p.status == RefundState::Pending)
                {
                    db::settle(
                        conn,
                        pending.refund_id,
                        RefundState::Failed,
                        Some(&r.id),
                        Some("refused by the payment provider"),
                    )
                    .await
                    .or_internal("recording a failed refund")?;
                    outcome = "refund_failed";
                }
            }
            RefundStatus::Pending => {}
        }
    }
    Ok(outcome)
}
