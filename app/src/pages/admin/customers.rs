//! `/admin/customers`: accounts newest first, searched by part of the email and filtered by role and state,
//! in the query string. Paged by keyset.

use super::{list_link, loaded, when, BUTTON, INPUT};
use crate::api::admin::customers::list_customers;
use crate::components::page_meta::PageMeta;
use crate::domain::account::Role;
use crate::domain::admin::customers::CustomerList;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

const FILTERS: [&str; 3] = ["q", "role", "state"];

#[component]
pub fn CustomersPage() -> impl IntoView {
    let query = use_query_map();
    let page = Resource::new(
        move || {
            let q = query.read();
            let get = |k: &str| q.get(k).unwrap_or_default();
            (get("q"), get("role"), get("state"), get("after"))
        },
        |(q, role, state, after)| list_customers(q, role, state, after),
    );
    let current = move |k: &str| query.read_untracked().get(k).unwrap_or_default();
    let role = current("role");
    let state = current("state");
    view! {
        <PageMeta title="Customers".into() description="The shop's accounts.".into()/>
        <h1 class="text-3xl font-bold tracking-tight">"Customers"</h1>
        <form method="get" action="/admin/customers" class="mt-4 grid gap-3 sm:grid-cols-4 items-end" data-testid="customer-filters">
            <div>
                <label for="q" class="block text-sm font-medium">"Email"</label>
                <input id="q" name="q" type="search" maxlength="100" value=current("q") class=INPUT/>
            </div>
            <div>
                <label for="role" class="block text-sm font-medium">"Role"</label>
                <select id="role" name="role" class=INPUT>
                    <option value="">"Any"</option>
                    {[Role::Customer, Role::Staff, Role::Admin].into_iter().map(|r| view! {
                        <option value=r.as_db() selected=role == r.as_db()>{r.as_db()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div>
                <label for="state" class="block text-sm font-medium">"State"</label>
                <select id="state" name="state" class=INPUT>
                    <option value="">"Any"</option>
                    <option value="active" selected=state == "active">"Active"</option>
                    <option value="disabled" selected=state == "disabled">"Disabled"</option>
                </select>
            </div>
            <button type="submit" class=BUTTON>"Filter"</button>
        </form>
        {loaded(page, move |page| view! { <CustomerTable page next_base=list_link("/admin/customers", &FILTERS, &query.read_untracked())/> })}
    }
}

#[component]
fn CustomerTable(page: CustomerList, next_base: String) -> impl IntoView {
    let empty = page.customers.is_empty();
    let next = page.next.map(|after| format!("{next_base}&after={after}"));
    view! {
        <Show when=move || empty>
            <p class="mt-6 text-stone-600">"No accounts match."</p>
        </Show>
        <table class="mt-6 w-full text-left text-sm" data-testid="customer-list">
            <thead class="border-b border-stone-200 text-stone-600">
                <tr>
                    <th scope="col" class="py-2">"Email"</th>
                    <th scope="col">"Role"</th>
                    <th scope="col">"Since"</th>
                    <th scope="col" class="text-right">"Orders"</th>
                    <th scope="col">"Last order"</th>
                    <th scope="col">"State"</th>
                </tr>
            </thead>
            <tbody class="divide-y divide-stone-100">
                {page.customers.into_iter().map(|c| view! {
                    <tr data-testid="customer-row">
                        <td class="py-2"><a class="font-medium underline" href=format!("/admin/customers/{}", c.customer_id)>{c.email}</a></td>
                        <td>{c.role.as_db()}</td>
                        <td>{when(&c.created_at)}</td>
                        <td class="text-right">{c.orders}</td>
                        <td>{c.last_order_at.as_deref().map(when)}</td>
                        <td>{if c.disabled { "Disabled" } else { "Active" }}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        {next.map(|href| view! {
            <p class="mt-4"><a href=href class="underline" data-testid="next-page">"Older accounts →"</a></p>
        })}
    }
}
