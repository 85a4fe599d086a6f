use crate::api::checkout::get_order;
use crate::components::error_view::ErrorTemplate;
use crate::components::order_summary::OrderSummary;
use crate::components::page_meta::PageMeta;
use crate::domain::checkout::{OrderView, PaymentMethod};
use crate::domain::order::OrderStatus;
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
                {move || Suspend::new(async move { order.await.map(|order| view! { <OrderDetail order/> }) })}
            </ErrorBoundary>
        </Suspense>
    }
}

#[component]
fn OrderDetail(order: OrderView) -> impl IntoView {
    let a = order.address.clone();
    let awaiting = order.status == OrderStatus::AwaitingPayment;
    view! {
        <h1 class="text-3xl font-bold tracking-tight text-stone-900">"Thank you for your order"</h1>
        <p class="mt-2 text-stone-700">
            "Order " <strong data-testid="order-number">{order.number.clone()}</strong> " · "
            <span data-testid="order-status">{order.status.label()}</span>
        </p>
        {(awaiting && order.payment_method == PaymentMethod::Manual).then(|| view! {
            <p class="mt-4 rounded-md bg-amber-50 p-3 text-sm text-amber-900" data-testid="payment-instructions">
                {format!("Please pay {} by bank transfer quoting {} as the reference, or pay the courier on delivery. ", order.totals.total, order.number)}
                "Your items are held for you; we ship once the payment is recorded."
            </p>
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
    }
}
