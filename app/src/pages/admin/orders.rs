//! `/admin/orders`: every order, newest first, with filters (status, payment method, dates, number or email)
//! in the query string, so a filtered list is a link staff can share. Paged by keyset: as fast on the
//! thousandth page as on the first.

use super::{list_link, loaded, when, BUTTON, INPUT};
use crate::api::admin::orders::list_orders;
use crate::components::page_meta::PageMeta;
use crate::domain::admin::orders::OrderListPage;
use crate::domain::order::OrderStatus;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

const FILTERS: [&str; 5] = ["status", "method", "from", "to", "q"];

#[component]
pub fn OrdersPage() -> impl IntoView {
    let query = use_query_map();
    let page = Resource::new(
        move || {
            let q = query.read();
            let get = |k: &str| q.get(k).unwrap_or_default();
            (
                get("status"),
                get("method"),
                get("from"),
                get("to"),
                get("q"),
                get("after"),
            )
        },
        |(status, method, from, to, q, after)| list_orders(status, method, from, to, q, after),
    );
    let current = move |k: &str| query.read_untracked().get(k).unwrap_or_default();
    let status = current("status");
    let method = current("method");
    view! {
        <PageMeta title="Orders".into() description="The shop's orders.".into()/>
        <h1 class="text-3xl font-bold tracking-tight">"Orders"</h1>
        <form method="get" action="/admin/orders" class="mt-4 grid gap-3 sm:grid-cols-6 items-end" data-testid="order-filters">
            <div class="sm:col-span-2">
                <label for="q" class="block text-sm font-medium">"Order number or email"</label>
                <input id="q" name="q" type="search" value=current("q") class=INPUT/>
            </div>
            <div>
                <label for="status" class="block text-sm font-medium">"Status"</label>
                <select id="status" name="status" class=INPUT>
                    <option value="">"Any"</option>
                    {OrderStatus::ALL.into_iter().map(|s| view! {
                        <option value=s.as_db() selected=status == s.as_db()>{s.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div>
                <label for="method" class="block text-sm font-medium">"Payment"</label>
                <select id="method" name="method" class=INPUT>
                    <option value="">"Any"</option>
                    <option value="card" selected=method == "card">"Card"</option>
                    <option value="manual" selected=method == "manual">"Bank transfer"</option>
                </select>
            </div>
            <div>
                <label for="from" class="block text-sm font-medium">"From"</label>
                <input id="from" name="from" type="date" value=current("from") class=INPUT/>
            </div>
            <div>
                <label for="to" class="block text-sm font-medium">"To"</label>
                <input id="to" name="to" type="date" value=current("to") class=INPUT/>
            </div>
            <button type="submit" class=BUTTON>"Filter"</button>
        </form>
        {loaded(page, move |page| view! { <OrderTable page next_base=list_link("/admin/orders", &FILTERS, &query.read_untracked())/> })}
    }
}

#[component]
fn OrderTable(page: OrderListPage, next_base: String) -> impl IntoView {
    let empty = page.orders.is_empty();
    let next = page.next.map(|after| format!("{next_base}&after={after}"));
    view! {
        <Show when=move || empty>
            <p class="mt-6 text-stone-600" data-testid="no-orders">"No orders match."</p>
        </Show>
        <table class="mt-6 w-full text-left text-sm" data-testid="order-list">
            <thead class="border-b border-stone-200 text-stone-600">
                <tr>
                    <th scope="col" class="py-2">"Order"</th>
                    <th scope="col">"Placed"</th>
                    <th scope="col">"Email"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Payment"</th>
                    <th scope="col" class="text-right">"Items"</th>
                    <th scope="col" class="text-right">"Total"</th>
                </tr>
            </thead>
            <tbody class="divide-y divide-stone-100">
                {page.orders.into_iter().map(|o| view! {
                    <tr data-testid="order-row" data-number=o.number.clone()>
                        <td class="py-2"><a class="font-medium underline" href=format!("/admin/orders/{}", o.number)>{o.number.clone()}</a></td>
                        <td>{when(&o.placed_at)}</td>
                        <td>{o.email}</td>
                        <td data-testid="order-row-status">{o.status.label()}</td>
                        <td>{match o.payment_method { crate::domain::checkout::PaymentMethod::Card => "Card", _ => "Bank transfer" }}</td>
                        <td class="text-right">{o.items}</td>
                        <td class="text-right">{o.total.to_string()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        {next.map(|href| view! {
            <p class="mt-4"><a href=href class="underline" data-testid="next-page">"Older orders →"</a></p>
        })}
    }
}
