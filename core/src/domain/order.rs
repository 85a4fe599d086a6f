//! An order's life: which status may follow which. Services change status only through [`OrderStatus::to`].

use super::DomainError;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    AwaitingPayment,
    Paid,
    Fulfilled,
    Shipped,
    Delivered,
    Cancelled,
    PartiallyRefunded,
    Refunded,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 8] = [
        OrderStatus::AwaitingPayment,
        OrderStatus::Paid,
        OrderStatus::Fulfilled,
        OrderStatus::Shipped,
        OrderStatus::Delivered,
        OrderStatus::Cancelled,
        OrderStatus::PartiallyRefunded,
        OrderStatus::Refunded,
    ];

    /// May an order in `self` move to `next`?
    pub fn allows(self, next: OrderStatus) -> bool {
        use OrderStatus::*;
        matches!(
            (self, next),
            (AwaitingPayment, Paid)
                | (AwaitingPayment, Cancelled)
                | (Paid, Fulfilled)
                | (Paid, Cancelled) // cancelled before fulfilment: the payment is refunded in full
                | (Paid, PartiallyRefunded)
                | (Paid, Refunded)
                | (Fulfilled, Shipped)
                | (Fulfilled, PartiallyRefunded)
                | (Fulfilled, Refunded)
                | (Shipped, Delivered)
                | (Shipped, PartiallyRefunded)
                | (Shipped, Refunded)
                | (Delivered, PartiallyRefunded)
                | (Delivered, Refunded)
                | (PartiallyRefunded, PartiallyRefunded)
                | (PartiallyRefunded, Refunded)
        )
    }

    /// The next status, or a clear refusal.
    pub fn to(self, next: OrderStatus) -> Result<OrderStatus, DomainError> {
        if self.allows(next) {
            Ok(next)
        } else {
            Err(DomainError::Transition {
                from: self.label(),
                to: next.label(),
            })
        }
    }

    /// Does leaving `self` for `next` return the order's stock to the shelf?
    pub fn returns_stock(self, next: OrderStatus) -> bool {
        next == OrderStatus::Cancelled
            || (next == OrderStatus::Refunded
                && matches!(self, OrderStatus::Paid | OrderStatus::PartiallyRefunded))
    }

    pub fn as_db(self) -> &'static str {
        match self {
            OrderStatus::AwaitingPayment => "awaiting_payment",
            OrderStatus::Paid => "paid",
            OrderStatus::Fulfilled => "fulfilled",
            OrderStatus::Shipped => "shipped",
            OrderStatus::Delivered => "delivered",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::PartiallyRefunded => "partially_refunded",
            OrderStatus::Refunded => "refunded",
        }
    }

    pub fn from_db(raw: &str) -> Option<OrderStatus> {
        OrderStatus::ALL.into_iter().find(|s| s.as_db() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            OrderStatus::AwaitingPayment => "awaiting payment",
            OrderStatus::Paid => "paid",
            OrderStatus::Fulfilled => "fulfilled",
            OrderStatus::Shipped => "shipped",
            OrderStatus::Delivered => "delivered",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::PartiallyRefunded => "partly refunded",
            OrderStatus::Refunded => "refunded",
        }
    }
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Crockford base32: no I, L, O or U, so a number read over the phone is not misheard.
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A human-friendly order number from 40 random bits: `BZ-` and 8 characters, e.g. `BZ-7K3MQ9XA`.
pub fn order_number(random: u64) -> String {
    let mut out = String::from("BZ-");
    for i in (0..8).rev() {
        out.push(CROCKFORD[((random >> (i * 5)) & 31) as usize] as char);
    }
    out
}

/// What an order's stock is doing: held for it while it awaits payment, sold to it, or given back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StockState {
    Reserved,
    Sold,
    Released,
}

impl StockState {
    pub fn as_db(self) -> &'static str {
        match self {
            StockState::Reserved => "reserved",
            StockState::Sold => "sold",
            StockState::Released => "released",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrderStatus::*;

    #[test]
    fn the_happy_path_is_allowed() {
        let path = [
            AwaitingPayment,
            Paid,
            Fulfilled,
            Shipped,
            Delivered,
            Refunded,
        ];
        for pair in path.windows(2) {
            assert!(pair[0].allows(pair[1]), "{} → {}", pair[0], pair[1]);
        }
    }

    #[test]
    fn ended_orders_stay_ended_and_nothing_goes_back() {
        for next in OrderStatus::ALL {
            assert!(!Cancelled.allows(next), "cancelled → {next}");
            assert!(!Refunded.allows(next), "refunded → {next}");
            assert!(!next.allows(AwaitingPayment), "{next} → awaiting payment");
        }
        assert!(
            !Shipped.allows(Cancelled),
            "a shipped order is refunded, not cancelled"
        );
        assert!(!AwaitingPayment.allows(Shipped));
        let err = Delivered.to(Paid).unwrap_err();
        assert_eq!(
            err.to_string(),
            "An order that is delivered cannot become paid."
        );
    }

    #[test]
    fn stock_comes_back_when_the_goods_never_left() {
        assert!(AwaitingPayment.returns_stock(Cancelled));
        assert!(Paid.returns_stock(Cancelled));
        assert!(Paid.returns_stock(Refunded));
        assert!(!Shipped.returns_stock(Refunded));
        assert!(!Paid.returns_stock(Fulfilled));
    }

    #[test]
    fn db_names_round_trip() {
        for s in OrderStatus::ALL {
            assert_eq!(OrderStatus::from_db(s.as_db()), Some(s));
        }
        assert_eq!(OrderStatus::from_db("lost"), None);
    }

    #[test]
    fn order_numbers_are_short_and_unambiguous() {
        let n = order_number(0xFF_FFFF_FFFF);
        assert_eq!(n, "BZ-ZZZZZZZZ");
        assert_eq!(order_number(0), "BZ-00000000");
        assert!(order_number(0x0012_3456_789A)
            .chars()
            .skip(3)
            .all(|c| !"ILOU".contains(c)));
    }
}
