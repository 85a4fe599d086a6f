//! What the admin area shows. Its screens come later; this is the start page staff see.

use serde::{Deserialize, Serialize};

/// The shop at a glance: the work waiting for staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminOverview {
    /// Who is looking, and as what.
    pub email: String,
    pub role: super::account::Role,
    pub orders_today: i64,
    pub awaiting_payment: i64,
    /// Paid and not yet shipped.
    pub to_ship: i64,
    pub accounts: i64,
    pub low_stock_variants: i64,
}
