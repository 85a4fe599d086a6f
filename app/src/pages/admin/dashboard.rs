//! The start page's last 30 days, drawn on the server: sales per day as columns, orders by status as bars, top
//! products and the variants running low as tables. Inline SVG and no script, so the content security policy
//! stays strict; each chart has its numbers in a table that screen readers read instead.

use super::loaded;
use crate::api::admin::get_dashboard;
use crate::domain::admin::dashboard::{columns, rows, Dashboard, DAYS};
use leptos::prelude::*;

const WIDTH: u32 = 600;
const HEIGHT: u32 = 160;
const ROW: u32 = 22;

#[component]
pub fn DashboardCharts() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_dashboard());
    loaded(data, |d| view! { <Charts d/> })
}

#[component]
fn Charts(d: Dashboard) -> impl IntoView {
    let revenue: Vec<i64> = d.days.iter().map(|s| s.revenue.minor).collect();
    let total = d
        .days
        .iter()
        .fold(0i64, |sum, s| sum.saturating_add(s.revenue.minor));
    let total = d
        .days
        .first()
        .map(|s| crate::domain::money::Money::new(total, s.revenue.currency).to_string())
        .unwrap_or_default();
    let orders: i64 = d.days.iter().map(|s| s.orders).sum();
    let bars = columns(&revenue, WIDTH, HEIGHT);
    let status_counts: Vec<i64> = d.by_status.iter().map(|(_, n)| *n).collect();
    let status_bars = rows(&status_counts, WIDTH - 160, ROW);
    let status_height = (d.by_status.len() as u32 * ROW).max(ROW);
    let no_statuses = d.by_status.is_empty();
    let first = d.days.first().map(|s| s.day.clone()).unwrap_or_default();
    let last = d.days.last().map(|s| s.day.clone()).unwrap_or_default();
    view! {
        <section class="mt-10" data-testid="dashboard">
            <h2 class="text-xl font-semibold">{format!("Sales, last {DAYS} days")}</h2>
            <p class="mt-1 text-sm text-stone-600" data-testid="sales-total">{format!("{orders} paid orders, {total} after refunds")}</p>
            <svg viewBox=format!("0 0 {WIDTH} {}", HEIGHT + 18) class="mt-3 w-full max-w-3xl" role="img"
                aria-label=format!("Sales per day from {first} to {last}; the table below has the numbers.") data-testid="sales-chart">
                <line x1="0" y1=HEIGHT.to_string() x2=WIDTH.to_string() y2=HEIGHT.to_string() stroke="#d6d3d1"/>
                {bars.into_iter().map(|b| view! {
                    <rect x=b.x.to_string() y=b.y.to_string() width=b.width.to_string() height=b.height.to_string() fill="#1c1917"/>
                }).collect_view()}
                <text x="0" y=(HEIGHT + 14).to_string() font-size="11" fill="#57534e">{first.clone()}</text>
                <text x=WIDTH.to_string() y=(HEIGHT + 14).to_string() font-size="11" fill="#57534e" text-anchor="end">{last.clone()}</text>
            </svg>
            <table class="sr-only">
                <caption>"Sales per day"</caption>
                <thead><tr><th scope="col">"Day"</th><th scope="col">"Orders"</th><th scope="col">"Revenue"</th></tr></thead>
                <tbody>
                    {d.days.into_iter().map(|s| view! {
                        <tr><td>{s.day}</td><td>{s.orders}</td><td>{s.revenue.to_string()}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
        <div class="mt-10 grid gap-10 lg:grid-cols-2">
            <section>
                <h2 class="text-xl font-semibold">"Orders by status"</h2>
                {no_statuses.then(|| view! { <p class="mt-1 text-sm text-stone-600">"No orders in the last 30 days yet."</p> })}
                <svg viewBox=format!("0 0 {WIDTH} {status_height}") class="mt-3 w-full" role="img"
                    aria-label="Orders of the last 30 days by status; the table below has the numbers." data-testid="status-chart">
                    {d.by_status.iter().zip(status_bars).map(|((status, n), b)| view! {
                        <text x="0" y=(b.y + ROW - 8).to_string() font-size="12" fill="#44403c">{status.label()}</text>
                        <rect x=(160 + b.x).to_string() y=b.y.to_string() width=b.width.to_string() height=b.height.to_string() fill="#57534e"/>
                        <text x=(164 + b.width).to_string() y=(b.y + ROW - 8).to_string() font-size="12" fill="#44403c">{n.to_string()}</text>
                    }).collect_view()}
                </svg>
                <table class="sr-only">
                    <caption>"Orders by status"</caption>
                    <tbody>
                        {d.by_status.into_iter().map(|(s, n)| view! { <tr><th scope="row">{s.label()}</th><td>{n}</td></tr> }).collect_view()}
                    </tbody>
                </table>
            </section>
            <section>
                <h2 class="text-xl font-semibold">"Top products"</h2>
                <table class="mt-3 w-full text-left text-sm" data-testid="top-products">
                    <thead class="text-stone-600"><tr><th scope="col">"Product"</th><th scope="col" class="text-right">"Units"</th><th scope="col" class="text-right">"Revenue"</th></tr></thead>
                    <tbody class="divide-y divide-stone-100">
                        {d.top_products.into_iter().map(|p| view! {
                            <tr><td class="py-1">{p.name}</td><td class="text-right">{p.units}</td><td class="text-right">{p.revenue.to_string()}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <h2 class="mt-8 text-xl font-semibold">"Running low"</h2>
                <table class="mt-3 w-full text-left text-sm" data-testid="dashboard-low-stock">
                    <thead class="text-stone-600"><tr><th scope="col">"SKU"</th><th scope="col">"Product"</th><th scope="col" class="text-right">"Available"</th></tr></thead>
                    <tbody class="divide-y divide-stone-100">
                        {d.low_stock.into_iter().map(|l| view! {
                            <tr>
                                <td class="py-1"><a class="underline" href=format!("/admin/stock?sku={}", l.sku)>{l.sku.clone()}</a></td>
                                <td>{l.product_name} " " {l.variant_label}</td>
                                <td class="text-right">{l.available} " of " {l.low_stock_threshold}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        </div>
    }
}
