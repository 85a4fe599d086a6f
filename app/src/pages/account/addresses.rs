//! The address book: saved addresses (the default one is offered at checkout), add, edit (`?edit=ID`), remove.

use super::{AccountNav, BUTTON};
use crate::api::account::{list_addresses, DeleteAddress, MakeDefaultAddress, SaveAddress};
use crate::components::address_fields::AddressFields;
use crate::components::address_validation::AddressValidation;
use crate::components::error_view::FormError;
use crate::components::signed_in::SignedInPage;
use crate::domain::account::SavedAddress;
use crate::domain::address::Address;
use crate::pages::checkout::form_error;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AddressesPage() -> impl IntoView {
    SignedInPage {
        title: "Your addresses",
        description: "The addresses saved in your account.",
        sign_in: " first.",
    }
    .view(list_addresses, |list| view! { <AddressBook list/> })
}

fn one_line(a: &Address) -> String {
    let mut parts = vec![a.name.clone(), a.line1.clone()];
    parts.extend(a.line2.clone());
    parts.push(format!("{} {}", a.postal_code, a.city));
    parts.push(a.country.name().to_string());
    parts.join(", ")
}

#[component]
fn AddressBook(list: Vec<SavedAddress>) -> impl IntoView {
    let query = use_query_map();
    let editing = query
        .read_untracked()
        .get("edit")
        .and_then(|id| id.parse::<i64>().ok())
        .and_then(|id| list.iter().find(|a| a.id == id).cloned());
    let save = ServerAction::<SaveAddress>::new();
    let save_error = form_error(save.value());
    let empty = list.is_empty();
    view! {
        <h1 class="text-3xl font-bold tracking-tight">"Your addresses"</h1>
        <AccountNav/>
        <Show when=move || empty>
            <p class="mt-6 text-stone-600">"No saved addresses yet."</p>
        </Show>
        <ul class="mt-6 grid gap-4" data-testid="address-list">
            {list.into_iter().map(|a| view! { <AddressItem saved=a/> }).collect_view()}
        </ul>
        <section class="mt-10 max-w-xl">
            <h2 class="text-xl font-semibold">{if editing.is_some() { "Edit the address" } else { "Add an address" }}</h2>
            <ActionForm action=save attr:class="mt-4 grid gap-4" attr:data-testid="address-form" attr:id="address-form">
                <FormError error=save_error/>
                <AddressValidation form_id="address-form".to_string()/>
                {editing.as_ref().map(|a| view! { <input type="hidden" name="id" value=a.id.to_string()/> })}
                <AddressFields address=editing.as_ref().map(|a| a.address.clone())/>
                <label class="flex items-center gap-2 text-sm">
                    <input type="checkbox" name="make_default" value="true" checked=editing.as_ref().is_some_and(|a| a.is_default)/>
                    "Offer this address first at checkout"
                </label>
                <button type="submit" class=BUTTON>{if editing.is_some() { "Save changes" } else { "Save address" }}</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn AddressItem(saved: SavedAddress) -> impl IntoView {
    let remove = ServerAction::<DeleteAddress>::new();
    let make_default = ServerAction::<MakeDefaultAddress>::new();
    let error = form_error(remove.value());
    let id = saved.id.to_string();
    let default_id = id.clone();
    view! {
        <li class="rounded-md border border-stone-200 bg-white p-4" data-testid="saved-address">
            <FormError error/>
            <p>{one_line(&saved.address)}</p>
            {saved.address.phone.clone().map(|p| view! { <p class="text-sm text-stone-600">{p}</p> })}
            {saved.is_default.then(|| view! { <p class="mt-1 text-xs font-medium uppercase text-emerald-700">"Default"</p> })}
            <div class="mt-3 flex flex-wrap gap-3 text-sm">
                <a href=format!("/account/addresses?edit={}", saved.id) class="underline">"Edit"</a>
                {(!saved.is_default).then(move || view! {
                    <ActionForm action=make_default>
                        <input type="hidden" name="id" value=default_id/>
                        <button type="submit" class="underline">"Make default"</button>
                    </ActionForm>
                })}
                <ActionForm action=remove>
                    <input type="hidden" name="id" value=id/>
                    <button type="submit" class="text-rose-700 underline">"Remove"</button>
                </ActionForm>
            </div>
        </li>
    }
}
