//! The admin start page's last 30 days: sales per day, orders by status, top products, and the variants running
//! low. Charts are drawn on the server as inline SVG (no chart script, so the content security policy stays
//! strict); the geometry is computed here, where it is tested, and every chart has its numbers in a table.

use super::stock::StockLevel;
use crate::domain::money::Money;
use crate::domain::order::OrderStatus;
use serde::{Deserialize, Serialize};

/// How many days the dashboard looks back, today included.
pub const DAYS: i64 = 30;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DaySales {
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    pub orders: i64,
    /// What paid orders brought in, less what was refunded.
    pub revenue: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopProduct {
    pub name: String,
    pub units: i64,
    pub revenue: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    /// One entry per day, oldest first, days without sales included.
    pub days: Vec<DaySales>,
    pub by_status: Vec<(OrderStatus, i64)>,
    pub top_products: Vec<TopProduct>,
    pub low_stock: Vec<StockLevel>,
}

/// One bar of a chart, in the chart's own coordinates (origin top left).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bar {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

/// Vertical bars for `values` filling `width` × `height`, scaled so the largest reaches the top; a gap of a
/// quarter of each slot between bars. Zero and negative values get no height; a nonzero value at least one unit.
pub fn columns(values: &[i64], width: u32, height: u32) -> Vec<Bar> {
    let n = values.len().max(1) as u32;
    let slot = (width / n).max(1);
    let bar = (slot - slot / 4).max(1);
    let max = values.iter().copied().max().unwrap_or(0).max(1);
    values
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let h = if v <= 0 {
                0
            } else {
                ((v as i128 * height as i128 / max as i128) as u32).max(1)
            };
            Bar {
                x: i as u32 * slot,
                y: height - h,
                width: bar,
                height: h,
            }
        })
        .collect()
}

/// Horizontal bars for `values`, one per row of `row_height`, scaled so the largest spans `width`.
pub fn rows(values: &[i64], width: u32, row_height: u32) -> Vec<Bar> {
    let max = values.iter().copied().max().unwrap_or(0).max(1);
    values
        .iter()
        .enumerate()
        .map(|(i, &v)| Bar {
            x: 0,
            y: i as u32 * row_height,
            width: if v <= 0 {
                0
            } else {
                ((v as i128 * width as i128 / max as i128) as u32).max(1)
            },
            height: row_height.saturating_sub(4).max(1),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_scale_to_the_largest_and_stay_inside() {
        let bars = columns(&[0, 5, 10, -3], 400, 100);
        assert_eq!(bars.len(), 4);
        assert_eq!(bars[0].height, 0);
        assert_eq!(bars[1].height, 50);
        assert_eq!(
            bars[2],
            Bar {
                x: 200,
                y: 0,
                width: 75,
                height: 100
            }
        );
        assert_eq!(bars[3].height, 0);
        for b in &bars {
            assert!(b.x + b.width <= 400 && b.y + b.height <= 100);
        }
    }

    #[test]
    fn a_tiny_value_still_shows_and_nothing_divides_by_zero() {
        let bars = columns(&[1_000_000, 1], 300, 90);
        assert_eq!(bars[1].height, 1);
        assert!(columns(&[], 300, 90).is_empty());
        assert!(columns(&[0, 0], 300, 90).iter().all(|b| b.height == 0));
        assert_eq!(rows(&[2, 4], 200, 20)[0].width, 100);
        assert_eq!(rows(&[2, 4], 200, 20)[1].y, 20);
    }
}
