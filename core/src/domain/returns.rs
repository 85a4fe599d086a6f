//! Returns (RMA): a shopper sends back chosen lines of a shipped order within the shop's return window; staff
//! approve or refuse, receive the parcel (each line back on the shelf or not) and refund it.

use super::money::Money;
use super::DomainError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where a return stands. Requested → approved or refused; approved → received; received → refunded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReturnStatus {
    Requested,
    Approved,
    Refused,
    Received,
    Refunded,
}

impl ReturnStatus {
    pub fn as_db(self) -> &'static str {
        match self {
            ReturnStatus::Requested => "requested",
            ReturnStatus::Approved => "approved",
            ReturnStatus::Refused => "refused",
            ReturnStatus::Received => "received",
            ReturnStatus::Refunded => "refunded",
        }
    }

    pub fn from_db(raw: &str) -> Option<Self> {
        [
            ReturnStatus::Requested,
            ReturnStatus::Approved,
            ReturnStatus::Refused,
            ReturnStatus::Received,
            ReturnStatus::Refunded,
        ]
        .into_iter()
        .find(|s| s.as_db() == raw)
    }

    /// For the shopper and staff.
    pub fn label(self) -> &'static str {
        match self {
            ReturnStatus::Requested => "requested — waiting for the shop",
            ReturnStatus::Approved => "approved — send the items back",
            ReturnStatus::Refused => "refused",
            ReturnStatus::Received => "received — refund on its way",
            ReturnStatus::Refunded => "refunded",
        }
    }
}

/// What staff do with a return next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReturnStep {
    Approve,
    Refuse,
    Receive,
    Refund,
}

impl ReturnStep {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        match raw.trim() {
            "approve" => Ok(ReturnStep::Approve),
            "refuse" => Ok(ReturnStep::Refuse),
            "receive" => Ok(ReturnStep::Receive),
            "refund" => Ok(ReturnStep::Refund),
            _ => Err(DomainError::Field {
                field: "step",
                message: "Choose approve, refuse, receive or refund.",
            }),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ReturnStep::Approve => "approve",
            ReturnStep::Refuse => "refuse",
            ReturnStep::Receive => "receive",
            ReturnStep::Refund => "refund",
        }
    }

    /// The status a return must have for this step, and the one it gets.
    pub fn moves(self) -> (ReturnStatus, ReturnStatus) {
        match self {
            ReturnStep::Approve => (ReturnStatus::Requested, ReturnStatus::Approved),
            ReturnStep::Refuse => (ReturnStatus::Requested, ReturnStatus::Refused),
            ReturnStep::Receive => (ReturnStatus::Approved, ReturnStatus::Received),
            // A refund is asked of a received return; it becomes refunded when the refund succeeds.
            ReturnStep::Refund => (ReturnStatus::Received, ReturnStatus::Received),
        }
    }

    /// The steps a return in `status` allows.
    pub fn allowed(status: ReturnStatus) -> Vec<ReturnStep> {
        [
            ReturnStep::Approve,
            ReturnStep::Refuse,
            ReturnStep::Receive,
            ReturnStep::Refund,
        ]
        .into_iter()
        .filter(|s| s.moves().0 == status)
        .collect()
    }
}

/// Longest reason a shopper may give.
pub const MAX_REASON: usize = 500;

/// A shopper's request: which lines (by line number), how many of each, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnRequest {
    pub reason: String,
    /// (line number, quantity), each quantity at least 1.
    pub lines: Vec<(i32, i32)>,
}

impl ReturnRequest {
    /// `quantities` come from the form as `quantities[l<line>]=<n>`; lines at 0 are not returned.
    pub fn parse(reason: &str, quantities: &BTreeMap<String, String>) -> Result<Self, DomainError> {
        let reason = super::admin::note(reason, "reason", MAX_REASON)?
            .ok_or(DomainError::Required { field: "reason" })?;
        let lines = line_quantities("quantities", quantities)?;
        if lines.is_empty() {
            return Err(DomainError::Field {
                field: "quantities",
                message: "Choose at least one item to return.",
            });
        }
        Ok(ReturnRequest { reason, lines })
    }
}

/// Quantities per order line from a form, as `<field>[l<line>]=<n>`: (line number, quantity) for each line above
/// 0 (none at all is fine: the caller decides whether that is an error).
pub fn line_quantities(
    field: &'static str,
    quantities: &BTreeMap<String, String>,
) -> Result<Vec<(i32, i32)>, DomainError> {
    let mut lines = Vec::new();
    for (key, raw) in quantities {
        let line = key
            .strip_prefix('l')
            .and_then(|n| n.parse::<i32>().ok())
            .filter(|n| *n > 0);
        let quantity = raw
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|q| (0..=99).contains(q));
        match (line, quantity) {
            (Some(_), Some(0)) => {}
            (Some(line), Some(q)) => lines.push((line, q)),
            _ => {
                return Err(DomainError::Field {
                    field,
                    message: "Choose how many of each item, from 0 to the number ordered.",
                })
            }
        }
    }
    Ok(lines)
}

/// Which lines go back on the shelf when a parcel arrives: `restock[l<line>]=on` from the form.
pub fn parse_restock(restock: &BTreeMap<String, String>) -> Result<Vec<i32>, DomainError> {
    restock
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(key, _)| {
            key.strip_prefix('l')
                .and_then(|n| n.parse::<i32>().ok())
                .filter(|n| *n > 0)
                .ok_or(DomainError::Field {
                    field: "restock",
                    message: "That is not a line of this return.",
                })
        })
        .collect()
}

/// One returned line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnLineView {
    pub line_no: i32,
    pub sku: String,
    pub name: String,
    pub quantity: u32,
    /// Once received: whether it went back on the shelf.
    pub restocked: Option<bool>,
}

/// A return as the shopper and staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnView {
    pub id: i64,
    pub status: ReturnStatus,
    pub reason: String,
    pub staff_note: Option<String>,
    pub lines: Vec<ReturnLineView>,
    /// What the returned lines were paid (their share of any order discount taken off; shipping not included).
    pub value: Money,
    /// RFC 3339.
    pub requested_at: String,
}

/// A line the shopper may still return, and how many of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnableLine {
    pub line_no: i32,
    pub sku: String,
    pub name: String,
    pub left: u32,
}

/// What the shopper may still send back, and until when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Returnable {
    /// RFC 3339: the end of the return window.
    pub until: String,
    pub lines: Vec<ReturnableLine>,
}

/// The part of `value_minor` (the list value of returned lines) that was paid: the order's goods total (after
/// its discount, with tax when tax was added on top) shared out by list value. Shipping is not refunded.
pub fn paid_share(value_minor: i64, subtotal_minor: i64, goods_paid_minor: i64) -> i64 {
    if subtotal_minor <= 0 {
        return 0;
    }
    let share =
        i128::from(value_minor) * i128::from(goods_paid_minor.max(0)) / i128::from(subtotal_minor);
    i64::try_from(share)
        .unwrap_or(i64::MAX)
        .min(goods_paid_minor.max(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_request_takes_lines_above_zero_and_names_what_is_wrong() {
        let r = ReturnRequest::parse(" Too small ", &map(&[("l1", "2"), ("l2", "0")])).unwrap();
        assert_eq!(r.reason, "Too small");
        assert_eq!(r.lines, vec![(1, 2)]);
        let field = |e: DomainError| match e {
            DomainError::Field { field, .. } | DomainError::Required { field } => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field(ReturnRequest::parse("", &map(&[("l1", "1")])).unwrap_err()),
            "reason"
        );
        for bad in [
            map(&[]),
            map(&[("l1", "0")]),
            map(&[("l1", "-1")]),
            map(&[("l1", "100")]),
            map(&[("l1", "x")]),
            map(&[("x1", "1")]),
            map(&[("l0", "1")]),
        ] {
            assert_eq!(
                field(ReturnRequest::parse("why", &bad).unwrap_err()),
                "quantities"
            );
        }
        assert!(ReturnRequest::parse(&"x".repeat(501), &map(&[("l1", "1")])).is_err());
    }

    #[test]
    fn steps_follow_the_return() {
        assert_eq!(
            ReturnStep::allowed(ReturnStatus::Requested),
            vec![ReturnStep::Approve, ReturnStep::Refuse]
        );
        assert_eq!(
            ReturnStep::allowed(ReturnStatus::Approved),
            vec![ReturnStep::Receive]
        );
        assert_eq!(
            ReturnStep::allowed(ReturnStatus::Received),
            vec![ReturnStep::Refund]
        );
        assert!(ReturnStep::allowed(ReturnStatus::Refunded).is_empty());
        assert!(ReturnStep::allowed(ReturnStatus::Refused).is_empty());
        assert_eq!(
            ReturnStatus::from_db("received"),
            Some(ReturnStatus::Received)
        );
        assert_eq!(
            parse_restock(&map(&[("l2", "on"), ("l3", "")])).unwrap(),
            vec![2]
        );
        assert!(parse_restock(&map(&[("2", "on")])).is_err());
    }

    #[test]
    fn the_paid_share_takes_the_discount_off_and_never_passes_what_was_paid() {
        // 40.00 of goods, 10.00 off: returning a 10.00 item gives back 7.50.
        assert_eq!(paid_share(1000, 4000, 3000), 750);
        assert_eq!(paid_share(4000, 4000, 3000), 3000);
        assert_eq!(paid_share(5000, 4000, 3000), 3000);
        assert_eq!(paid_share(1000, 0, 0), 0);
    }
}
