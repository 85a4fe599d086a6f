//! `/admin/customers/:id`: one account — role, state, sessions, its orders, and its saved addresses, masked
//! until a staff member opens them (`?reveal=addresses`, recorded in the audit log). Admins disable or enable
//! the account and send it a password-reset link.

use super::{loaded, when, BUTTON};
use crate::api::admin::customers::{get_customer, ActOnCustomer};
use crate::components::error_view::FormError;
use crate::components::page_meta::PageMeta;
use crate::domain::account::Role;
use crate::domain::admin::customers::CustomerDetail;
use crate::domain::admin::AdminOverview;
use crate::pages::checkout::form_error;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn CustomerPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let customer = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                query.read().get("reveal").unwrap_or_default(),
            )
        },
        |(id, reveal)| get_customer(id, reveal),
    );
    view! {
        <PageMeta title="Customer".into() description="One account.".into()/>
        <p class="text-sm"><a href="/admin/customers" class="underline">"← Customers"</a></p>
        {loaded(customer, |c| view! { <Detail c/> })}
    }
}

#[component]
fn Detail(c: CustomerDetail) -> impl IntoView {
    let is_admin = use_context::<AdminOverview>().is_some_and(|o| o.role == Role::Admin);
    let id = c.customer_id;
    let disabled = c.disabled_at.is_some();
    let revealed = c.revealed;
    let has_addresses = !c.addresses.is_empty();
    view! {
        <h1 class="mt-2 text-3xl font-bold tracking-tight" data-testid="customer-email">{c.email.clone()}</h1>
        <p class="mt-2 text-stone-700" data-testid="customer-state">
            {c.role.as_db()} " · since " {when(&c.created_at)} " · "
            {match c.disabled_at.as_deref() {
                Some(t) => format!("disabled {}", when(t)),
                None => format!("active, {} signed-in sessions", c.sessions),
            }}
        </p>
        {is_admin.then(|| view! { <Actions id disabled/> })}
        <div class="mt-8 grid gap-8 md:grid-cols-2">
            <section data-testid="customer-addresses">
                <h2 class="text-xl font-semibold">"Saved addresses"</h2>
                <Show when=move || !has_addresses><p class="mt-2 text-sm text-stone-600">"None."</p></Show>
                <ul class="mt-2 grid gap-3 text-sm">
                    {c.addresses.into_iter().map(|a| view! {
                        <li class="rounded-md border border-stone-200 p-3" data-testid="customer-address">
                            {a.is_default.then(|| view! { <p class="text-xs uppercase text-stone-500">"Default"</p> })}
                            {match a.address {
                                Some(x) => view! {
                                    <p>{x.name}<br/>{x.line1}<br/>{x.line2.map(|l| view! { {l}<br/> })}
                                    {format!("{} {}", x.postal_code, x.city)}<br/>{x.country.name()}
                                    {x.phone.map(|p| view! { <br/>{p} })}</p>
                                }.into_any(),
                                None => view! { <p>{a.masked}</p> }.into_any(),
                            }}
                        </li>
                    }).collect_view()}
                </ul>
                {(has_addresses && !revealed).then(|| view! {
                    <p class="mt-3 text-sm">
                        <a class="underline" href=format!("/admin/customers/{id}?reveal=addresses") data-testid="reveal-addresses">"Show the full addresses"</a>
                        " (recorded in the audit log)"
                    </p>
                })}
            </section>
            <section>
                <h2 class="text-xl font-semibold">"Orders"</h2>
                <table class="mt-2 w-full text-left text-sm" data-testid="customer-orders">
                    <thead class="text-stone-600"><tr><th scope="col">"Order"</th><th scope="col">"Placed"</th><th scope="col">"Status"</th><th scope="col" class="text-right">"Total"</th></tr></thead>
                    <tbody class="divide-y divide-stone-100">
                        {c.orders.into_iter().map(|o| view! {
                            <tr>
                                <td class="py-1"><a class="underline" href=format!("/admin/orders/{}", o.number)>{o.number.clone()}</a></td>
                                <td>{when(&o.placed_at)}</td>
                                <td>{o.status.label()}</td>
                                <td class="text-right">{o.total.to_string()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        </div>
    }
}

#[component]
fn Actions(id: i64, disabled: bool) -> impl IntoView {
    let act = ServerAction::<ActOnCustomer>::new();
    let error = form_error(act.value());
    let button = |action: &'static str, label: &'static str| {
        view! {
            <ActionForm action=act>
                <input type="hidden" name="customer_id" value=id.to_string()/>
                <input type="hidden" name="action" value=action/>
                <button type="submit" class=BUTTON data-testid=format!("customer-{action}")>{label}</button>
            </ActionForm>
        }
    };
    view! {
        <section id="account" class="mt-4">
            <FormError error/>
            <div class="flex flex-wrap gap-3">
                {if disabled {
                    button("enable", "Enable the account").into_any()
                } else {
                    view! {
                        {button("disable", "Disable the account (signs it out everywhere)")}
                        {button("send_password_reset", "Email a password-reset link")}
                    }
                    .into_any()
                }}
            </div>
        </section>
    }
}
