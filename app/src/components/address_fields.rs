//! The shipping-address fields, shared by checkout and the address book. `FieldError`s beside each field are
//! filled by the `AddressValidation` island as the shopper types (and by nothing without JavaScript: the server's
//! answer then says what is wrong).

use super::address_validation::FieldError;
use crate::domain::address::{Address, Country};
use leptos::prelude::*;

const INPUT: &str = "mt-1 w-full rounded-md border border-stone-300 px-3 py-2";

#[component]
pub fn AddressFields(
    /// What to show in the fields: the address entered before, or a saved one.
    address: Option<Address>,
) -> impl IntoView {
    let country = address.as_ref().map(|a| a.country.code()).unwrap_or("FR");
    let field = move |f: fn(&Address) -> String| address.as_ref().map(f).unwrap_or_default();
    view! {
        <div>
            <label for="name" class="block text-sm font-medium">"Full name"</label>
            <input id="name" name="name" autocomplete="name" required maxlength="100" class=INPUT value=field(|a| a.name.clone())/>
            <FieldError field="name"/>
        </div>
        <div>
            <label for="line1" class="block text-sm font-medium">"Address"</label>
            <input id="line1" name="line1" autocomplete="address-line1" required maxlength="120" class=INPUT value=field(|a| a.line1.clone())/>
            <FieldError field="line1"/>
        </div>
        <div>
            <label for="line2" class="block text-sm font-medium">"Apartment, suite, etc. (optional)"</label>
            <input id="line2" name="line2" autocomplete="address-line2" maxlength="120" class=INPUT value=field(|a| a.line2.clone().unwrap_or_default())/>
            <FieldError field="line2"/>
        </div>
        <div class="grid gap-4 sm:grid-cols-2">
            <div>
                <label for="postal_code" class="block text-sm font-medium">"Postal code"</label>
                <input id="postal_code" name="postal_code" autocomplete="postal-code" required class=INPUT value=field(|a| a.postal_code.clone())/>
                <FieldError field="postal_code"/>
            </div>
            <div>
                <label for="city" class="block text-sm font-medium">"City"</label>
                <input id="city" name="city" autocomplete="address-level2" required maxlength="80" class=INPUT value=field(|a| a.city.clone())/>
                <FieldError field="city"/>
            </div>
        </div>
        <div>
            <label for="country" class="block text-sm font-medium">"Country"</label>
            <select id="country" name="country" autocomplete="country" class=INPUT>
                {Country::all().map(|(code, name)| view! {
                    <option value=code selected=code == country>{name}</option>
                }).collect_view()}
            </select>
            <FieldError field="country"/>
        </div>
        <div>
            <label for="phone" class="block text-sm font-medium">"Phone (optional, for the courier)"</label>
            <input id="phone" name="phone" type="tel" autocomplete="tel" class=INPUT value=field(|a| a.phone.clone().unwrap_or_default())/>
            <FieldError field="phone"/>
        </div>
    }
}
