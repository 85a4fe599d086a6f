use crate::api::checkout::{get_order, PayOrder, RequestReturn};
use crate::components::card_fields::{CardAction, CardFields};
use crate::components::error_view::{ErrorTemplate, FormError};
use crate::components::order_summary::OrderSummary;
use crate::components::page_meta::PageMeta;
use crate::domain::checkout::{OrderView, PaymentMethod, PaymentState};
use crate::domain::order::OrderStatus;
use crate::domain::returns::{ReturnView, Returnable};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// An order, seen through its secret link (`/orders/BZ-…?key=…`). Without the right key: 404.
#[component]
pub fn OrderPage() -> impl IntoView {
    crate::components::page_meta::private_page();
    let params = use_params_map();
    let query = use_query_map();
    let order = Resource::new(
        move || {
            (
                params.read().get("number").unwrap_or_default(),
                query.read().get("key").unwrap_or_default(),
            )
        },
        |(number, key)| get_order(number, key),
    );
    view! {
        <PageMeta title="Your order".into() description="Your Bazaar order.".into()/>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorTemplate errors/> }>
                {move || Suspend::new(async move {
                    let key = query.read_untracked().get("key").unwrap_or_default();
                    order.await.map(|order| view! { <OrderDetail order key/> })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

#[component]
fn OrderDetail(order: OrderView, key: String) -> impl IntoView {
    let a = order.address.clone();
    let awaiting = order.status == OrderStatus::AwaitingPayment;
    let key_for_returns = key.clone();
    let card_paid = order.payment_method == PaymentMethod::Card
        && order.payment == Some(PaymentState::Succeeded);
    view! {
        <h1 class="text-3xl font-bold tracking-tight text-stone-900">"Thank you for your order"</h1>
        <p class="mt-2 text-stone-700">
            "Order " <strong data-testid="order-number">{order.number.clone()}</strong> " · "
            <span data-testid="order-status">{order.status.label()}</span>
        </p>
        {(awaiting && order.payment_method == PaymentMethod::Manual).then(|| view! {
            <p class="mt-4 rounded-md bg-amber-50 p-3 text-sm text-amber-900" data-testid="payment-instructions">
                {format!("Please pay {} by bank transfer quoting {} as the reference, or pay the courier on delivery. ", order.totals.total, order.number)}
                "Your items are held for you"
                {order.pay_by.as_deref().and_then(|t| t.get(..10)).map(|day| format!(" until {day}; unpaid by then, the order is cancelled"))}
                "; we ship once the payment is recorded."
            </p>
        })}
        {order.shipment.clone().map(|s| view! {
            <p class="mt-4 rounded-md bg-emerald-50 p-3 text-sm text-emerald-900" data-testid="shipment">
                {format!("On its way with {}, tracking number {}. ", s.carrier, s.tracking_number)}
                <a class="underline" href=s.tracking_url rel="noopener noreferrer">"Track your parcel"</a>
            </p>
        })}
        {card_paid.then(|| view! {
            <p class="mt-4 rounded-md bg-emerald-50 p-3 text-sm text-emerald-900" data-testid="payment-received">
                {format!("We received your card payment of {}. Thank you!", order.totals.total)}
            </p>
        })}
        {(awaiting && order.payment_method == PaymentMethod::Card).then(|| view! {
            <CardPayment number=order.number.clone() key payment=order.payment.clone() setup=order.card.clone() paused=order.cards_paused/>
        })}
        <p class="mt-4 text-sm text-stone-600">"Keep this page's address: it is the link to your order."</p>
        <div class="mt-6 grid gap-8 md:grid-cols-[1fr_22rem]">
            <section class="rounded-lg border border-stone-200 bg-white p-4 text-sm">
                <h2 class="font-semibold text-stone-900">"Shipping to"</h2>
                <p class="mt-1">
                    {a.name}<br/>{a.line1}<br/>{a.line2.map(|l| view! { {l}<br/> })}
                    {format!("{} {}", a.postal_code, a.city)}<br/>{a.country.name()}
                </p>
                <p class="mt-2">{order.email.clone()}</p>
            </section>
            <OrderSummary lines=order.lines subtotal=order.totals.subtotal totals=Some(order.totals)/>
        </div>
        <Returns number=order.number.clone() key=key_for_returns returns=order.returns returnable=order.returnable/>
    }
}

/// The order's returns, and a form to return items while the return window is open.
#[component]
fn Returns(
    number: String,
    key: String,
    returns: Vec<ReturnView>,
    returnable: Option<Returnable>,
) -> impl IntoView {
    if returns.is_empty() && returnable.is_none() {
        return ().into_any();
    }
    let action = ServerAction::<RequestReturn>::new();
    let error = crate::pages::checkout::form_error(action.value());
    view! {
        <section id="returns" class="mt-8 rounded-lg border border-stone-200 bg-white p-4 text-sm" data-testid="returns">
            <h2 class="font-semibold text-stone-900">"Returns"</h2>
            <ul class="mt-2 grid gap-2">
                {returns.into_iter().map(|r| view! {
                    <li data-testid="return">
                        <strong>{format!("Return {}", r.id)}</strong> ": "
                        <span data-testid="return-status">{r.status.label()}</span>
                        {r.staff_note.map(|n| format!(" — {n}"))}
                        <br/>
                        {r.lines.iter().map(|l| format!("{} × {}", l.quantity, l.name)).collect::<Vec<_>>().join(", ")}
                    </li>
                }).collect_view()}
            </ul>
            {returnable.map(|open| view! {
                <ActionForm action attr:id="return-form" attr:class="mt-4 grid gap-3" attr:data-testid="return-form">
                    <h3 class="font-semibold">"Return items"</h3>
                    <p class="text-stone-600">
                        "You can ask to return items until " {open.until.get(..10).unwrap_or_default().to_string()}
                        ". Choose how many of each, and tell us why."
                    </p>
                    <FormError error/>
                    <input type="hidden" name="number" value=number/>
                    <input type="hidden" name="key" value=key/>
                    {open.lines.into_iter().map(|l| {
                        let id = format!("return-l{}", l.line_no);
                        view! {
                            <div class="flex items-center gap-3">
                                <select id=id.clone() name=format!("quantities[l{}]", l.line_no) class="rounded-md border border-stone-300 px-2 py-1">
                                    {(0..=l.left).map(|n| view! { <option value=n.to_string()>{n.to_string()}</option> }).collect_view()}
                                </select>
                                <label for=id>{format!("{} ({})", l.name, l.sku)}</label>
                            </div>
                        }
                    }).collect_view()}
                    <label for="return-reason" class="font-medium">"Why are you returning them?"</label>
                    <textarea id="return-reason" name="reason" required maxlength="500" rows="3" class="rounded-md border border-stone-300 px-3 py-2"></textarea>
                    <button type="submit" class="justify-self-start rounded-md bg-stone-900 px-6 py-3 font-medium text-white hover:bg-stone-700">
                        "Ask to return"
                    </button>
                </ActionForm>
            })}
        </section>
    }
    .into_any()
}

/// An unpaid card order: where its payment stands and, while its items are still reserved, a way to pay.
#[component]
fn CardPayment(
    number: String,
    key: String,
    payment: Option<PaymentState>,
    setup: Option<crate::domain::checkout::CardSetup>,
    paused: bool,
) -> impl IntoView {
    let action = ServerAction::<PayOrder>::new();
    let error = crate::pages::checkout::form_error(action.value());
    // Offline for new payments; one under way (the bank's check, processing) still completes.
    let under_way = matches!(
        payment,
        Some(PaymentState::RequiresAction { .. } | PaymentState::Processing)
    );
    if paused && !under_way {
        return view! {
            <p class="mt-4 rounded-md bg-amber-50 p-3 text-sm text-amber-900" role="status" data-testid="cards-paused">
                {crate::domain::flags::CARDS_PAUSED} " Your items are still held for you."
            </p>
        }
        .into_any();
    }
    let Some(setup) = setup else {
        return view! {
            <p class="mt-4 rounded-md bg-amber-50 p-3 text-sm text-amber-900" data-testid="payment-closed">
                "This order can no longer be paid by card. Please check out again."
            </p>
        }
        .into_any();
    };
    let status = match payment {
        Some(PaymentState::RequiresAction { client_secret }) => {
            return view! { <CardAction client_secret setup/> }.into_any();
        }
        Some(PaymentState::Processing) => {
            return view! {
                <p class="mt-4 rounded-md bg-amber-50 p-3 text-sm text-amber-900" data-testid="payment-processing">
                    "Your card payment is being processed. Reload this page in a moment to see it confirmed."
                </p>
            }
            .into_any();
        }
        Some(PaymentState::Failed { message }) => Some(message),
        Some(PaymentState::Succeeded) | None => None,
    };
    view! {
        <section class="mt-4 rounded-lg border border-stone-200 bg-white p-4 text-sm">
            <h2 class="font-semibold text-stone-900">"Pay by card"</h2>
            {status.map(|message| view! {
                <p role="alert" class="mt-2 text-red-700" data-testid="payment-error">
                    {message} " Your items are still held for you: try another card."
                </p>
            })}
            <ActionForm action attr:id="pay-form" attr:class="mt-2 grid gap-3" attr:data-testid="pay-form">
                <FormError error/>
                <input type="hidden" name="number" value=number/>
                <input type="hidden" name="key" value=key/>
                <CardFields form_id="pay-form".to_string() setup/>
                <button type="submit" class="justify-self-start rounded-md bg-stone-900 px-6 py-3 font-medium text-white hover:bg-stone-700">
                    "Pay now"
                </button>
            </ActionForm>
        </section>
    }
    .into_any()
}
