//! The admin area: a route group under `/admin`, guarded on the server. Its layout asks the server who is signed
//! in; visitors are sent to sign in, customers get a 403, and staff and admins see the area. The guard on the
//! page is a courtesy: each server function of the area checks the role again in its service.

use crate::api::admin::{get_admin_overview, SetAccountRole};
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
        provide_context(overview);
        view! {
            <div data-testid="admin-area">
                <p class="text-sm uppercase tracking-wide text-stone-500">"Admin"</p>
                <Outlet/>
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
