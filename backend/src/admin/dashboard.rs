//! The admin start page's last 30 days: sales per day, orders by status, top products, variants running low.
//! Staff and admins. Read from the replica when there is one: a few seconds behind is fine here.

use super::Staff;
use crate::db::admin as db;
use crate::db::stock as stock_db;
use crate::domain::account::Role;
use crate::domain::admin::dashboard::{Dashboard, DaySales, TopProduct, DAYS};
use crate::domain::money::Money;
use crate::domain::order::OrderStatus;
use crate::error::AppError;
use crate::{AppState, OrInternal};

pub async fn dashboard(state: &AppState, staff: &Staff) -> Result<Dashboard, AppError> {
    staff.require(Role::Staff)?;
    let currency = state.config.currency;
    let mut conn = state.read_conn("connecting for the dashboard").await?;
    let days = db::sales_per_day(&mut conn, DAYS, currency.code())
        .await
        .or_internal("reading sales per day")?
        .into_iter()
        .map(|r| DaySales {
            day: r.day.format("%Y-%m-%d").to_string(),
            orders: r.orders,
            revenue: Money::new(r.revenue_minor, currency),
        })
        .collect();
    let by_status = db::orders_by_status(&mut conn, DAYS)
        .await
        .or_internal("counting orders by status")?
        .into_iter()
        .map(|r| Ok((super::orders::status_of(&r.status)?, r.orders)))
        .collect::<Result<Vec<(OrderStatus, i64)>, AppError>>()?;
    let top_products = db::top_products(&mut conn, DAYS, currency.code(), 5)
        .await
        .or_internal("reading top products")?
        .into_iter()
        .map(|r| TopProduct {
            name: r.name,
            units: r.units,
            revenue: Money::new(r.revenue_minor, currency),
        })
        .collect();
    let low_stock = stock_db::low(&mut conn, 10)
        .await
        .or_internal("listing low stock")?
        .into_iter()
        .map(super::stock::level)
        .collect();
    Ok(Dashboard {
        days,
        by_status,
        top_products,
        low_stock,
    })
}
