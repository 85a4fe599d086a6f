use super::{form_error, with_checkout};
use crate::api::checkout::SaveCheckoutContact;
use crate::components::address_fields::AddressFields;
use crate::components::address_validation::{AddressValidation, FieldError};
use crate::components::error_view::FormError;
use crate::components::order_summary::{CheckoutSteps, OrderSummary};
use crate::components::page_meta::PageMeta;
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
            let address = s.address.clone().or(data.saved_address);
            let email = s.email.clone().or(data.account_email).unwrap_or_default();
            let input = "mt-1 w-full rounded-md border border-stone-300 px-3 py-2";
            view! {
                <div class="mt-6 grid gap-8 md:grid-cols-[1fr_22rem]">
                    <ActionForm action attr:class="grid gap-4" attr:data-testid="contact-form" attr:id="contact-form">
                        <FormError error/>
                        <AddressValidation form_id="contact-form".to_string()/>
                        <div>
                            <label for="email" class="block text-sm font-medium">"Email"</label>
                            <input id="email" name="email" type="email" autocomplete="email" required class=input
                                value=email/>
                            <FieldError field="email"/>
                            <p class="mt-1 text-xs text-stone-500">"For your receipt and updates about this order."</p>
                        </div>
                        <AddressFields address/>
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
