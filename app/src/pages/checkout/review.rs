use super::{form_error, with_checkout};
use crate::api::checkout::PlaceOrder;
use crate::components::card_fields::CardFields;
use crate::components::error_view::FormError;
use crate::components::order_summary::{CheckoutSteps, OrderSummary};
use crate::components::page_meta::PageMeta;
use leptos::prelude::*;

/// Step 3: the server's summary, the payment method, and the button that places the order. The form carries
/// an idempotency key made when this page rendered, so a double click or a retried request places one order.
#[component]
pub fn ReviewPage() -> impl IntoView {
    crate::components::page_meta::private_page();
    let action = ServerAction::<PlaceOrder>::new();
    let error = form_error(action.value());
    view! {
        <PageMeta title="Review and pay".into() description="Check your order and place it.".into()/>
        <h1 class="text-3xl font-bold tracking-tight text-stone-900">"Review and pay"</h1>
        <CheckoutSteps current=3/>
        {with_checkout(move |data| {
            let s = data.summary;
            let (Some(fingerprint), Some(address), Some(email)) = (s.fingerprint.clone(), s.address.clone(), s.email.clone()) else {
                return view! {
                    <p class="mt-6">"Please complete your " <a href="/checkout" class="underline">"address"</a>
                    " and " <a href="/checkout/shipping" class="underline">"shipping"</a> " first."</p>
                }.into_any();
            };
            let card = data.card.clone();
            let method = s.methods.iter().find(|m| Some(&m.code) == s.shipping_method.as_ref()).map(|m| m.name.clone()).unwrap_or_default();
            view! {
                <div class="mt-6 grid gap-8 md:grid-cols-[1fr_22rem]">
                    <div class="grid gap-6">
                        <section class="rounded-lg border border-stone-200 bg-white p-4 text-sm">
                            <h2 class="font-semibold text-stone-900">"Shipping to"</h2>
                            <p class="mt-1" data-testid="review-address">
                                {address.name.clone()}<br/>{address.line1.clone()}<br/>
                                {address.line2.clone().map(|l| view! { {l}<br/> })}
                                {format!("{} {}", address.postal_code, address.city)}<br/>{address.country.name()}
                            </p>
                            <p class="mt-2">{email}" · "{method}</p>
                            <p class="mt-2"><a href="/checkout" class="underline">"Change"</a></p>
                        </section>
                        <ActionForm action attr:class="grid gap-4" attr:data-testid="review-form" attr:id="review-form">
                            <FormError error/>
                            <input type="hidden" name="idempotency_key" value=data.idempotency_key/>
                            <input type="hidden" name="fingerprint" value=fingerprint/>
                            <fieldset>
                                <legend class="text-sm font-medium">"Payment"</legend>
                                {card.map(|setup| view! {
                                    <div class="mt-2 rounded-md border border-stone-300 bg-white px-3 py-2">
                                        <label class="flex items-start gap-3">
                                            <input type="radio" name="payment_method" value="card" required class="mt-1" data-testid="pay-by-card"/>
                                            <span>
                                                "Card"
                                                <span class="block text-sm text-stone-500">"Charged now. Your card details go straight to our payment provider."</span>
                                            </span>
                                        </label>
                                        <CardFields form_id="review-form".to_string() setup/>
                                    </div>
                                })}
                                {data.cards_paused.then(|| view! {
                                    <p class="mt-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900" role="status" data-testid="cards-paused">
                                        {crate::domain::flags::CARDS_PAUSED}
                                    </p>
                                })}
                                <label class="mt-2 flex items-start gap-3 rounded-md border border-stone-300 bg-white px-3 py-2">
                                    <input type="radio" name="payment_method" value="manual" checked=true required class="mt-1" data-testid="pay-manually"/>
                                    <span>
                                        "Bank transfer or pay on delivery"
                                        <span class="block text-sm text-stone-500">"We hold your items and ship once the payment is recorded."</span>
                                    </span>
                                </label>
                            </fieldset>
                            <button type="submit" class="rounded-md bg-stone-900 px-6 py-3 font-medium text-white hover:bg-stone-700">
                                "Place order"
                            </button>
                        </ActionForm>
                    </div>
                    <OrderSummary lines=s.lines subtotal=s.subtotal totals=s.totals/>
                </div>
            }.into_any()
        })}
    }
}
