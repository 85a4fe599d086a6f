//! The admin area: a route group under `/admin`, guarded on the server. Its layout asks the server who is signed
//! in; visitors are sent to sign in, customers get a 403, and staff and admins see the area. The guard on the
//! page is a courtesy: each server function of the area checks the role again in its service. Its pages are
//! plain server-rendered HTML with forms: they work without JavaScript and add nothing to the shop's bundle.

mod audit;
mod categories;
mod customer;
mod customers;
mod dashboard;
mod discounts;
mod flags;
mod imports;
mod order;
mod orders;
mod product;
mod products;
mod stock;

pub use audit::AuditPage;
pub use categories::CategoriesPage;
pub use customer::CustomerPage;
pub use customers::CustomersPage;
pub use discounts::DiscountsPage;
pub use flags::FlagsPage;
pub use imports::{ImportPage, ImportsPage};
pub use order::AdminOrderPage;
pub use orders::OrdersPage;
pub use product::ProductEditPage;
pub use products::ProductsPage;
pub use stock::StockPage;

use crate::api::admin::{get_admin_overview, SetAccountRole};
use crate::components::error_view::ErrorTemplate;
use crate::components::error_view::FormError;
use crate::components::signed_in::SignedInPage;
use crate::domain::account::Role;
use crate::domain::admin::AdminOverview;
use crate::pages::checkout::form_error;
use leptos::prelude::*;
use leptos_router::components::Outlet;

/// Wraps every `/admin` page: nothing inside renders for anyone but staff and admins.
#[component]
pub fn AdminLayout() -> impl IntoView {
    SignedInPage {
        title: "Admin",
        description: "Run the shop.",
        sign_in: " with a staff account.",
    }
    .view(get_admin_overview, |overview| {
        let is_admin = overview.role == Role::Admin;
        provide_context(overview);
        view! {
            <div data-testid="admin-area">
                <nav aria-label="Admin" class="flex flex-wrap items-center gap-4 border-b border-stone-200 pb-3 text-sm">
                    <span class="uppercase tracking-wide text-stone-500">"Admin"</span>
                    <a href="/admin" class="hover:underline">"Overview"</a>
                    <a href="/admin/orders" class="hover:underline">"Orders"</a>
                    <a href="/admin/products" class="hover:underline">"Products"</a>
                    <a href="/admin/categories" class="hover:underline">"Categories"</a>
                    <a href="/admin/stock" class="hover:underline">"Stock"</a>
                    <a href="/admin/customers" class="hover:underline">"Customers"</a>
                    <a href="/admin/imports" class="hover:underline">"Imports"</a>
                    {is_admin.then(|| view! {
                        <a href="/admin/discounts" class="hover:underline">"Discounts"</a>
                        <a href="/admin/flags" class="hover:underline">"Feature flags"</a>
                        <a href="/admin/audit" class="hover:underline">"Audit log"</a>
                    })}
                </nav>
                <div class="mt-6"><Outlet/></div>
            </div>
        }
    })
}

/// `/admin`: the work waiting for staff; for admins, who is staff.
#[component]
pub fn AdminHome() -> impl IntoView {
    let Some(o) = use_context::<AdminOverview>() else {
        return view! { <p>"Loading…"</p> }.into_any();
    };
    let is_admin = o.role == Role::Admin;
    view! {
        <h1 class="text-3xl font-bold tracking-tight">"The shop today"</h1>
        <p class="mt-1 text-sm text-stone-600">{format!("Signed in as {}", o.email)}</p>
        <dl class="mt-6 grid grid-cols-2 gap-4 sm:grid-cols-5" data-testid="admin-overview">
            <Figure label="Orders today" value=o.orders_today/>
            <Figure label="Awaiting payment" value=o.awaiting_payment/>
            <Figure label="To ship" value=o.to_ship/>
            <Figure label="Low on stock" value=o.low_stock_variants/>
            <Figure label="Accounts" value=o.accounts/>
        </dl>
        <dashboard::DashboardCharts/>
        {is_admin.then(|| view! { <Roles/> })}
    }
    .into_any()
}

#[component]
fn Figure(label: &'static str, value: i64) -> impl IntoView {
    view! {
        <div class="rounded-md border border-stone-200 bg-white p-4">
            <dt class="text-sm text-stone-600">{label}</dt>
            <dd class="mt-1 text-2xl font-semibold">{value}</dd>
        </div>
    }
}

/// Admins only: give an account a role.
#[component]
fn Roles() -> impl IntoView {
    let action = ServerAction::<SetAccountRole>::new();
    let error = form_error(action.value());
    let input = "mt-1 w-full rounded-md border border-stone-300 px-3 py-2";
    view! {
        <section id="roles" class="mt-10 max-w-md">
            <h2 class="text-xl font-semibold">"Staff and admins"</h2>
            <ActionForm action attr:class="mt-4 grid gap-4" attr:data-testid="role-form">
                <FormError error/>
                <div>
                    <label for="role-email" class="block text-sm font-medium">"Account email"</label>
                    <input id="role-email" name="email" type="email" required class=input/>
                </div>
                <div>
                    <label for="role" class="block text-sm font-medium">"Role"</label>
                    <select id="role" name="role" class=input>
                        <option value="customer">"Customer"</option>
                        <option value="staff">"Staff"</option>
                        <option value="admin">"Admin"</option>
                    </select>
                </div>
                <button type="submit" class="rounded-md bg-stone-900 px-6 py-3 font-medium text-white hover:bg-stone-700">"Save role"</button>
            </ActionForm>
        </section>
    }
}

/// Classes the admin area's forms share.
pub(crate) const INPUT: &str = "mt-1 w-full rounded-md border border-stone-300 px-3 py-2";
pub(crate) const BUTTON: &str =
    "rounded-md bg-stone-900 px-4 py-2 font-medium text-white hover:bg-stone-700";
/// The button of an action that pays money back or ends something.
pub(crate) const DANGER_BUTTON: &str =
    "rounded-md bg-rose-700 px-4 py-2 font-medium text-white hover:bg-rose-600";

/// An admin page's data: loading, then `show`, or the error page (with its status).
pub(crate) fn loaded<T, V>(
    data: Resource<Result<T, crate::error::AppError>>,
    show: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: serde::Serialize + serde::de::DeserializeOwned + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorTemplate errors/> }>
                {move || {
                    let show = show.clone();
                    Suspend::new(async move { data.await.map(|d| show(d).into_any()) })
                }}
            </ErrorBoundary>
        </Suspense>
    }
}

/// A timestamp as staff read it: `2026-12-01 14:05` (UTC).
pub(crate) fn when(rfc3339: &str) -> String {
    let t = rfc3339.get(..16).unwrap_or(rfc3339);
    format!("{} UTC", t.replace('T', " "))
}

/// A query-string value, percent-encoded.
pub(crate) fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A list page's link with its filters `keys` from `query` (blank ones left out) and without `after`, to which
/// the next page's cursor is added.
pub(crate) fn list_link(
    path: &str,
    keys: &[&str],
    query: &leptos_router::params::ParamsMap,
) -> String {
    let pairs: Vec<String> = keys
        .iter()
        .filter_map(|k| {
            query
                .get(k)
                .filter(|v| !v.is_empty())
                .map(|v| format!("{k}={}", urlencode(&v)))
        })
        .collect();
    format!("{path}?{}", pairs.join("&"))
}
