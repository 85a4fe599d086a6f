use super::{form_error, with_checkout};
use crate::api::checkout::SaveCheckoutShipping;
use crate::components::error_view::FormError;
use crate::components::order_summary::{CheckoutSteps, OrderSummary};
use crate::components::page_meta::PageMeta;
use leptos::prelude::*;

/// Step 2: how it ships, and a discount code.
#[component]
pub fn ShippingPage() -> impl IntoView {
    crate::components::page_meta::private_page();
    let action = ServerAction::<SaveCheckoutShipping>::new();
    let error = form_error(action.value());
    view! {
        <PageMeta title="Shipping".into() description="Choose how your order ships.".into()/>
        <h1 class="text-3xl font-bold tracking-tight text-stone-900">"Shipping"</h1>
        <CheckoutSteps current=2/>
        {with_checkout(move |data| {
            let s = data.summary;
            if s.address.is_none() {
                return view! {
                    <p class="mt-6">"Please " <a href="/checkout" class="underline">"enter your address"</a> " first."</p>
                }.into_any();
            }
            let chosen = s.shipping_method.clone().or_else(|| s.methods.first().map(|m| m.code.clone()));
            view! {
                <div class="mt-6 grid gap-8 md:grid-cols-[1fr_22rem]">
                    <ActionForm action attr:class="grid gap-6" attr:data-testid="shipping-form">
                        <FormError error/>
                        <fieldset>
                            <legend class="text-sm font-medium">"Shipping method"</legend>
                            <div class="mt-2 grid gap-2">
                                {s.methods.iter().map(|m| {
                                    let id = format!("ship-{}", m.code);
                                    let price = if m.price.minor == 0 { "Free".to_string() } else { m.price.to_string() };
                                    let free = m.free_over.map(|f| format!(" · free over {f}"));
                                    view! {
                                        <label class="flex items-center gap-3 rounded-md border border-stone-300 bg-white px-3 py-2">
                                            <input id=id type="radio" name="shipping_method" value=m.code.clone() required
                                                checked=chosen.as_deref() == Some(m.code.as_str())/>
                                            <span class="flex-1">{m.name.clone()}<span class="text-sm text-stone-500">{free}</span></span>
                                            <span class="font-medium">{price}</span>
                                        </label>
                                    }
                                }).collect_view()}
                            </div>
                        </fieldset>
                        <div>
                            <label for="discount_code" class="block text-sm font-medium">"Discount code (optional)"</label>
                            <input id="discount_code" name="discount_code" autocomplete="off" maxlength="40"
                                class="mt-1 w-full rounded-md border border-stone-300 px-3 py-2 uppercase"
                                value=s.discount_code.clone().unwrap_or_default()/>
                        </div>
                        <button type="submit" class="rounded-md bg-stone-900 px-6 py-3 font-medium text-white hover:bg-stone-700">
                            "Continue to review"
                        </button>
                    </ActionForm>
                    <OrderSummary lines=s.lines subtotal=s.subtotal totals=s.totals/>
                </div>
            }.into_any()
        })}
    }
}
