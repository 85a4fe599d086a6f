//! Orders as staff see them: the list's filters and page, one order's whole story, and the input of the actions
//! staff take on it (record a payment, ship, cancel).

use super::{note, Day};
use crate::domain::checkout::{OrderView, PaymentMethod};
use crate::domain::money::Money;
use crate::domain::order::OrderStatus;
use crate::domain::DomainError;
use serde::{Deserialize, Serialize};

/// The order list's filters, parsed from its query string.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderFilter {
    pub status: Option<OrderStatus>,
    pub method: Option<PaymentMethod>,
    /// Placed on or after this day (the shop's clock, UTC).
    pub from: Option<Day>,
    /// Placed on or before this day.
    pub to: Option<Day>,
    /// An order number (`BZ-…`, exact) or a shopper's email (exact, any case).
    pub search: Option<OrderSearch>,
    /// Where the previous page ended.
    pub after: Option<OrderCursor>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrderSearch {
    Number(String),
    Email(String),
}

impl OrderFilter {
    pub fn parse(
        status: &str,
        method: &str,
        from: &str,
        to: &str,
        q: &str,
        after: &str,
    ) -> Result<Self, DomainError> {
        let status = match status.trim() {
            "" => None,
            raw => Some(OrderStatus::from_db(raw).ok_or(DomainError::Field {
                field: "status",
                message: "Choose a status from the list.",
            })?),
        };
        let method = match method.trim() {
            "" => None,
            raw => Some(PaymentMethod::parse(raw)?),
        };
        let from = Day::parse(from, "from")?;
        let to = Day::parse(to, "to")?;
        if let (Some(f), Some(t)) = (from, to) {
            if f > t {
                return Err(DomainError::Field {
                    field: "to",
                    message: "The end date is before the start date.",
                });
            }
        }
        let q = q.trim();
        let search = if q.is_empty() {
            None
        } else if q.len() > 254 {
            return Err(DomainError::TooLong {
                field: "q",
                max: 254,
            });
        } else if q.contains('@') {
            Some(OrderSearch::Email(
                crate::domain::email::Email::parse(q)?.as_str().to_string(),
            ))
        } else {
            Some(OrderSearch::Number(q.to_ascii_uppercase()))
        };
        let after = match after.trim() {
            "" => None,
            raw => Some(OrderCursor::parse(raw)?),
        };
        Ok(OrderFilter {
            status,
            method,
            from,
            to,
            search,
            after,
        })
    }
}

/// Where a page of orders ended: the last order's placing time (microseconds since the epoch) and id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderCursor {
    pub placed_micros: i64,
    pub id: i64,
}

impl OrderCursor {
    pub fn encode(&self) -> String {
        format!("{}.{}", self.placed_micros, self.id)
    }

    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let (t, id) = raw.split_once('.').ok_or(DomainError::Cursor)?;
        let placed_micros = t.parse().map_err(|_| DomainError::Cursor)?;
        let id = id
            .parse()
            .ok()
            .filter(|id| *id > 0)
            .ok_or(DomainError::Cursor)?;
        Ok(OrderCursor { placed_micros, id })
    }
}

/// One row of the order list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderListItem {
    pub number: String,
    /// RFC 3339.
    pub placed_at: String,
    pub email: String,
    pub status: OrderStatus,
    pub payment_method: PaymentMethod,
    pub total: Money,
    pub items: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderListPage {
    pub orders: Vec<OrderListItem>,
    /// The `after` of the next page, when there is one.
    pub next: Option<String>,
}

/// One order with everything staff need to act on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminOrder {
    /// The order as its shopper sees it (lines, totals, address, shipment).
    pub order: OrderView,
    pub refunded: Money,
    pub payments: Vec<PaymentAttempt>,
    pub events: Vec<OrderEventView>,
    pub refunds: Vec<RefundView>,
    /// What staff may do with it now.
    pub actions: Vec<OrderAction>,
}

/// A payment attempt, as staff see it (never a card number: the provider keeps those).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentAttempt {
    pub provider: String,
    pub intent_id: Option<String>,
    pub amount: Money,
    pub status: String,
    pub failure_message: Option<String>,
    pub created_at: String,
}

/// Money paid back on an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundView {
    pub amount: Money,
    /// `pending` (the provider has not confirmed it yet), `succeeded` or `failed`.
    pub status: String,
    pub by: Option<String>,
    pub note: Option<String>,
    pub failure_message: Option<String>,
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderEventView {
    pub from: Option<OrderStatus>,
    pub to: OrderStatus,
    pub note: Option<String>,
    /// The staff member's email; `None` for the shopper, the payment provider or the shop itself.
    pub by: Option<String>,
    pub at: String,
}

/// An action on one order, each a move of its state machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OrderAction {
    /// A bank transfer arrived: the order becomes paid.
    RecordPayment,
    /// Packed: the order is fulfilled, waiting for the carrier.
    Fulfil,
    /// Handed to the carrier, with the tracking number: the shopper is emailed the link.
    Ship,
    /// Delivered.
    Deliver,
    /// Cancelled before it ships: the stock goes back, and a paid order's money too.
    Cancel,
    /// Money paid back, all that is left or part of it: through the provider for cards, by hand for transfers.
    Refund,
}

impl OrderAction {
    /// The actions an order in `status`, paid by `method`, allows.
    pub fn allowed(status: OrderStatus, method: PaymentMethod) -> Vec<OrderAction> {
        use OrderStatus::*;
        match status {
            AwaitingPayment if method == PaymentMethod::Manual => {
                vec![OrderAction::RecordPayment, OrderAction::Cancel]
            }
            AwaitingPayment => vec![OrderAction::Cancel],
            // Cancelling a paid order pays it back in full: a card through the provider, a transfer by hand.
            Paid => vec![
                OrderAction::Fulfil,
                OrderAction::Ship,
                OrderAction::Cancel,
                OrderAction::Refund,
            ],
            Fulfilled => vec![OrderAction::Ship, OrderAction::Refund],
            Shipped => vec![OrderAction::Deliver, OrderAction::Refund],
            Delivered | PartiallyRefunded => vec![OrderAction::Refund],
            _ => vec![],
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            OrderAction::RecordPayment => "record_payment",
            OrderAction::Fulfil => "fulfil",
            OrderAction::Ship => "ship",
            OrderAction::Deliver => "deliver",
            OrderAction::Cancel => "cancel",
            OrderAction::Refund => "refund",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        [
            OrderAction::RecordPayment,
            OrderAction::Fulfil,
            OrderAction::Ship,
            OrderAction::Deliver,
            OrderAction::Cancel,
            OrderAction::Refund,
        ]
        .into_iter()
        .find(|a| a.as_str() == raw.trim())
        .ok_or(DomainError::Field {
            field: "action",
            message: "Choose an action from the page.",
        })
    }
}

/// The amount typed in the refund form (`12.50`), in minor units of a currency with `exponent` decimals; `None`
/// when blank (everything left to refund).
pub fn refund_amount(raw: &str, exponent: u32) -> Result<Option<i64>, DomainError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let refuse = DomainError::Field {
        field: "amount",
        message: "Enter an amount like 12.50, or leave it blank to refund everything left.",
    };
    match crate::domain::money::minor_from_decimal(raw, exponent) {
        Some(minor) if minor > 0 => Ok(Some(minor)),
        _ => Err(refuse),
    }
}

/// Staff's note on an action (why an order was cancelled, how a transfer arrived).
pub fn action_note(raw: &str) -> Result<Option<String>, DomainError> {
    note(raw, "note", 500)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_parse_each_field_or_name_it() {
        let f = OrderFilter::parse(
            "paid",
            "manual",
            "2026-01-01",
            "2026-01-31",
            " bz-7k3mq9xa ",
            "",
        )
        .unwrap();
        assert_eq!(f.status, Some(OrderStatus::Paid));
        assert_eq!(f.method, Some(PaymentMethod::Manual));
        assert_eq!(f.search, Some(OrderSearch::Number("BZ-7K3MQ9XA".into())));
        let f = OrderFilter::parse("", "", "", "", "Ann@Example.com", "").unwrap();
        assert_eq!(f.search, Some(OrderSearch::Email("Ann@example.com".into())));
        let field = |r: Result<OrderFilter, DomainError>| r.unwrap_err().field();
        assert_eq!(
            field(OrderFilter::parse("lost", "", "", "", "", "")),
            "status"
        );
        assert_eq!(
            field(OrderFilter::parse("", "cash", "", "", "", "")),
            "payment_method"
        );
        assert_eq!(
            field(OrderFilter::parse(
                "",
                "",
                "2026-02-01",
                "2026-01-01",
                "",
                ""
            )),
            "to"
        );
        assert_eq!(field(OrderFilter::parse("", "", "", "", "a@", "")), "email");
        assert_eq!(field(OrderFilter::parse("", "", "", "", "", "x")), "after");
    }

    #[test]
    fn cursors_round_trip() {
        let c = OrderCursor {
            placed_micros: 1_700_000_000_000_000,
            id: 42,
        };
        assert_eq!(OrderCursor::parse(&c.encode()), Ok(c));
        assert!(OrderCursor::parse("1.0").is_err());
        assert!(OrderCursor::parse("a.1").is_err());
    }

    #[test]
    fn refund_amounts_parse_in_minor_units() {
        assert_eq!(refund_amount("", 2), Ok(None));
        assert_eq!(refund_amount("12.5", 2), Ok(Some(1250)));
        assert_eq!(refund_amount("12,05", 2), Ok(Some(1205)));
        assert_eq!(refund_amount(" 7 ", 2), Ok(Some(700)));
        assert_eq!(refund_amount("7", 0), Ok(Some(7)));
        for bad in [
            "0",
            "0.00",
            "-1",
            "1.234",
            "abc",
            "1e3",
            "12.",
            ".5",
            "9999999999999",
        ] {
            assert!(refund_amount(bad, 2).is_err(), "{bad}");
        }
    }

    #[test]
    fn actions_follow_the_state_machine() {
        use OrderStatus::*;
        for status in OrderStatus::ALL {
            for method in [PaymentMethod::Manual, PaymentMethod::Card] {
                for action in OrderAction::allowed(status, method) {
                    let next = match action {
                        OrderAction::RecordPayment => Paid,
                        OrderAction::Fulfil => Fulfilled,
                        OrderAction::Ship => Shipped,
                        OrderAction::Deliver => Delivered,
                        OrderAction::Cancel => Cancelled,
                        OrderAction::Refund => PartiallyRefunded,
                    };
                    // Shipping a paid order passes through fulfilled.
                    let ok = status.allows(next) || (status == Paid && next == Shipped);
                    assert!(ok, "{status:?} {action:?}");
                }
            }
        }
        assert!(OrderAction::allowed(AwaitingPayment, PaymentMethod::Card)
            .iter()
            .all(|a| *a != OrderAction::RecordPayment));
    }
}
