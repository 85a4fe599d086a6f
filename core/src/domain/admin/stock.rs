//! The stock ledger as staff use it: why stock changed, and the adjustments they make by hand.

use super::note;
use crate::domain::sku::Sku;
use crate::domain::DomainError;
use serde::{Deserialize, Serialize};

/// Why a variant's stock on hand changed. Every change is a row in the ledger with one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StockReason {
    /// Goods arrived.
    Received,
    /// A count found more or fewer than the shop thought.
    Correction,
    /// Broken, spoiled or lost: off the shelf.
    Damaged,
    /// A shopper sent goods back and they can be sold again.
    Returned,
    /// An order was paid: its goods left the shelf.
    Sold,
    /// A paid order was cancelled before it shipped: its goods are back.
    Released,
}

impl StockReason {
    pub const ALL: [StockReason; 6] = [
        StockReason::Received,
        StockReason::Correction,
        StockReason::Damaged,
        StockReason::Returned,
        StockReason::Sold,
        StockReason::Released,
    ];

    /// The reasons staff pick when they adjust stock by hand; sales and releases come from orders only.
    pub const BY_HAND: [StockReason; 4] = [
        StockReason::Received,
        StockReason::Correction,
        StockReason::Damaged,
        StockReason::Returned,
    ];

    pub fn as_db(self) -> &'static str {
        match self {
            StockReason::Received => "received",
            StockReason::Correction => "correction",
            StockReason::Damaged => "damaged",
            StockReason::Returned => "returned",
            StockReason::Sold => "sold",
            StockReason::Released => "released",
        }
    }

    pub fn from_db(raw: &str) -> Option<StockReason> {
        StockReason::ALL.into_iter().find(|r| r.as_db() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            StockReason::Received => "Received",
            StockReason::Correction => "Correction",
            StockReason::Damaged => "Damaged or lost",
            StockReason::Returned => "Returned",
            StockReason::Sold => "Sold",
            StockReason::Released => "Back from a cancelled order",
        }
    }
}

/// One change of stock typed by staff: a SKU, how many more (or, negative, fewer), and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockAdjustment {
    pub sku: Sku,
    pub delta: i32,
    pub reason: StockReason,
    pub note: Option<String>,
}

impl StockAdjustment {
    /// The largest change one adjustment may make, either way: a typo of a few extra zeros is refused.
    pub const MAX_DELTA: i32 = 100_000;

    pub fn parse(
        sku: &str,
        delta: &str,
        reason: &str,
        note_raw: &str,
    ) -> Result<Self, DomainError> {
        let sku = Sku::parse(sku)?;
        let delta: i32 = delta
            .trim()
            .trim_start_matches('+')
            .parse()
            .ok()
            .filter(|d: &i32| *d != 0 && d.abs() <= Self::MAX_DELTA)
            .ok_or(DomainError::Field {
                field: "delta",
                message: "Enter a whole number of units to add (or, with a minus sign, remove), up to 100000.",
            })?;
        let reason = StockReason::BY_HAND
            .into_iter()
            .find(|r| r.as_db() == reason.trim())
            .ok_or(DomainError::Field {
                field: "reason",
                message: "Choose a reason from the list.",
            })?;
        // Removing stock as "received" or adding it as "damaged" is a slip of the hand.
        let sign_ok = match reason {
            StockReason::Received | StockReason::Returned => delta > 0,
            StockReason::Damaged => delta < 0,
            _ => true,
        };
        if !sign_ok {
            return Err(DomainError::Field {
                field: "delta",
                message: "Received and returned stock adds units; damaged stock removes them.",
            });
        }
        Ok(StockAdjustment {
            sku,
            delta,
            reason,
            note: note(note_raw, "note", 500)?,
        })
    }
}

/// A variant's stock as staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockLevel {
    pub sku: String,
    pub product_name: String,
    pub variant_label: String,
    pub on_hand: i64,
    /// Held by unpaid orders.
    pub reserved: i64,
    pub available: i64,
    pub low_stock_threshold: i64,
}

/// One row of the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockMovementView {
    pub delta: i64,
    pub reason: StockReason,
    pub order_number: Option<String>,
    pub by: Option<String>,
    pub note: Option<String>,
    pub at: String,
}

/// A variant with its latest movements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariantStock {
    pub level: StockLevel,
    pub movements: Vec<StockMovementView>,
}

/// The stock page: what runs low, and what is sold out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockReport {
    /// Available below the variant's threshold but not zero, fewest first.
    pub low: Vec<StockLevel>,
    pub sold_out: Vec<StockLevel>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adjustments_parse_or_name_the_field() {
        let a = StockAdjustment::parse(" TEE-BLK-M ", "+12", "received", " pallet 7 ").unwrap();
        assert_eq!((a.sku.as_str(), a.delta), ("TEE-BLK-M", 12));
        assert_eq!(a.note.as_deref(), Some("pallet 7"));
        assert_eq!(
            StockAdjustment::parse("TEE", "-3", "correction", "")
                .unwrap()
                .delta,
            -3
        );
        let field = |r: Result<StockAdjustment, DomainError>| r.unwrap_err().field();
        assert_eq!(
            field(StockAdjustment::parse("", "1", "received", "")),
            "sku"
        );
        for bad in ["0", "", "1.5", "abc", "100001", "-100001", "99999999999"] {
            assert_eq!(
                field(StockAdjustment::parse("TEE", bad, "received", "")),
                "delta",
                "{bad}"
            );
        }
        assert_eq!(
            field(StockAdjustment::parse("TEE", "1", "sold", "")),
            "reason"
        );
        assert_eq!(
            field(StockAdjustment::parse("TEE", "-1", "received", "")),
            "delta"
        );
        assert_eq!(
            field(StockAdjustment::parse("TEE", "1", "damaged", "")),
            "delta"
        );
    }
}
