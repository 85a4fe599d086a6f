use super::{form_error, with_checkout};
use crate::api::checkout::SaveCheckoutContact;
use crate::components::address_validation::{AddressValidation, FieldError};
use crate::components::error_view::FormError;
use crate::components::order_summary::{CheckoutSteps, OrderSummary};
use crate::components::page_meta::PageMeta;
use crate::domain::address::Country;
use leptos::prelude::*;

/// Step 1: email and shipping address.
#[component]
pub fn CheckoutPage() -> impl IntoView {
    crate::components::page_meta::private_page();
    let action = ServerAction::<SaveCheckoutContact>::new();
    let error = form_error(action.value());
    view! {
        <PageMeta title="Checkout".into() description="Where should we send your order?".into()/>
        <h1 class="text-3xl font-bold tracking-tight text-stone-900">"Checkout"</h1>
        <CheckoutSteps current=1/>
        {with_checkout(move |data| {
            let s = data.summary;
            let a = s.address.clone();
            let field = move |f: fn(&crate::domain::address::Address) -> String| a.as_ref().map(f).unwrap_or_default();
            let country = s.address.as_ref().map(|a| a.country.code()).unwrap_or("FR");
            let input = "mt-1 w-full rounded-md border border-stone-300 px-3 py-2";
            view! {
                <div class="mt-6 grid gap-8 md:grid-cols-[1fr_22rem]">
                    <ActionForm action attr:class="grid gap-4" attr:data-testid="contact-form" attr:id="contact-form">
                        <FormError error/>
                        <AddressValidation form_id="contact-form".to_string()/>
                        <div>
                            <label for="email" class="block text-sm font-medium">"Email"</label>
                            <input id="email" name="email" type="email" autocomplete="email" required class=input
                                value=s.email.clone().unwrap_or_default()/>
                            <FieldError field="email"/>
                            <p class="mt-1 text-xs text-stone-500">"For your receipt and updates about this order."</p>
                        </div>
                        <div>
                            <label for="name" class="block text-sm font-medium">"Full name"</label>
                            <input id="name" name="name" autocomplete="name" required maxlength="100" class=input value=field(|a| a.name.clone())/>
                            <FieldError field="name"/>
                        </div>
                        <div>
                            <label for="line1" class="block text-sm font-medium">"Address"</label>
                            <input id="line1" name="line1" autocomplete="address-line1" required maxlength="120" class=input value=field(|a| a.line1.clone())/>
                            <FieldError field="line1"/>
                        </div>
                        <div>
                            <label for="line2" class="block text-sm font-medium">"Apartment, suite, etc. (optional)"</label>
                            <input id="line2" name="line2" autocomplete="address-line2" maxlength="120" class=input value=field(|a| a.line2.clone().unwrap_or_default())/>
                            <FieldError field="line2"/>
                        </div>
                        <div class="grid gap-4 sm:grid-cols-2">
                            <div>
                                <label for="postal_code" class="block text-sm font-medium">"Postal code"</label>
                                <input id="postal_code" name="postal_code" autocomplete="postal-code" required class=input value=field(|a| a.postal_code.clone())/>
                            <FieldError field="postal_code"/>
                            </div>
                            <div>
                                <label for="city" class="block text-sm font-medium">"City"</label>
                                <input id="city" name="city" autocomplete="address-level2" required maxlength="80" class=input value=field(|a| a.city.clone())/>
                            <FieldError field="city"/>
                            </div>
                        </div>
                        <div>
                            <label for="country" class="block text-sm font-medium">"Country"</label>
                            <select id="country" name="country" autocomplete="country" class=input>
                                {Country::all().map(|(code, name)| view! {
                                    <option value=code selected=code == country>{name}</option>
                                }).collect_view()}
                            </select>
                            <FieldError field="country"/>
                        </div>
                        <div>
                            <label for="phone" class="block text-sm font-medium">"Phone (optional, for the courier)"</label>
                            <input id="phone" name="phone" type="tel" autocomplete="tel" class=input value=field(|a| a.phone.clone().unwrap_or_default())/>
                            <FieldError field="phone"/>
                        </div>
                        <button type="submit" class="rounded-md bg-stone-900 px-6 py-3 font-medium text-white hover:bg-stone-700">
                            "Continue to shipping"
                        </button>
                    </ActionForm>
                    <OrderSummary lines=s.lines subtotal=s.subtotal totals=None/>
                </div>
            }
        })}
    }
}
