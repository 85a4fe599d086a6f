use crate::components::cart_state::use_cart;
use crate::components::error_view::{ErrorTemplate, FormError};
use crate::components::page_meta::PageMeta;
use crate::components::price::Price;
use crate::domain::cart::{CartLineView, CartView};
use crate::domain::quantity::Quantity;
use crate::error::AppError;
use leptos::prelude::*;

#[component]
pub fn CartPage() -> impl IntoView {
    crate::components::page_meta::private_page();
    let cart = Resource::new(|| (), |_| crate::api::cart::get_cart());
    view! {
        <PageMeta title="Your cart".into() description="The items in your Bazaar cart.".into()/>
        <h1 class="text-3xl font-bold tracking-tight text-stone-900">"Your cart"</h1>
        <Transition fallback=|| view! { <p class="mt-6">"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorTemplate errors/> }>
                {move || Suspend::new(async move { cart.await.map(|view| view! { <CartContents view/> }) })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn CartContents(view: CartView) -> impl IntoView {
    let cart = use_cart();
    let update_result = cart.update.value();
    let remove_result = cart.remove.value();
    // One message line for the cart's forms; an out-of-stock error names the product it is about.
    let names: Vec<(String, String)> = view
        .lines
        .iter()
        .map(|l| (l.sku.clone(), l.product_name.clone()))
        .collect();
    let error = Signal::derive(move || {
        let err = update_result
            .get()
            .and_then(Result::err)
            .or_else(|| remove_result.get().and_then(Result::err))?;
        Some(match err {
            AppError::OutOfStock { ref sku, available } => {
                let name = names
                    .iter()
                    .find(|(s, _)| s == sku)
                    .map_or("this item", |(_, n)| n.as_str());
                AppError::invalid(
                    "quantity",
                    match available {
                        0 => format!("Sorry, {name} is sold out."),
                        n => format!("Only {n} of {name} left."),
                    },
                )
            }
            other => other,
        })
    });

    if view.is_empty() {
        return view! {
            <div class="mt-8 rounded-lg border border-dashed border-stone-300 p-10 text-center" data-testid="empty-cart" data-cart-contents="">
                <p class="text-stone-700">"Your cart is empty."</p>
                <a href="/" class="mt-4 inline-block rounded-md bg-stone-900 px-4 py-2 text-white hover:bg-stone-700">"Continue shopping"</a>
            </div>
        }
        .into_any();
    }
    // `data-cart-contents`: what the cart script (app/js/cart.js) refreshes in place on this page, and shows in
    // its mini-cart on others. Lines are laid out by the width they get (a container query), not the screen's.
    view! {
        <div class="@container" data-cart-contents="">
            <FormError error/>
            <ul class="mt-4 divide-y divide-stone-200 border-y border-stone-200" role="list" data-testid="cart-lines">
                {view.lines.into_iter().map(|line| view! { <CartLine line/> }).collect_view()}
            </ul>
            <div class="mt-6 flex flex-col items-end gap-1">
                <p class="text-lg">
                    <span class="text-stone-700">"Subtotal: "</span>
                    <span class="font-semibold text-stone-900" data-testid="subtotal">{view.subtotal.to_string()}</span>
                </p>
                <p class="text-sm text-stone-500">
                    {format!("{} item{}", view.item_count, if view.item_count == 1 { "" } else { "s" })}
                    " · shipping and taxes are calculated at checkout"
                </p>
                <a href="/checkout" class="mt-3 rounded-md bg-stone-900 px-6 py-3 font-medium text-white hover:bg-stone-700" data-testid="checkout-link">
                    "Check out"
                </a>
            </div>
        </div>
    }
    .into_any()
}

#[component]
fn CartLine(line: CartLineView) -> impl IntoView {
    let cart = use_cart();
    let max = line.available.clamp(1, Quantity::MAX);
    let input_id = format!("qty-{}", line.sku);
    let over_stock = line.quantity > line.available;
    let (sku_update, sku_remove) = (line.sku.clone(), line.sku.clone());
    let (name_update, name_remove) = (
        format!(" of {}", line.product_name),
        format!(" {}", line.product_name),
    );
    view! {
        <li class="flex gap-4 py-4" data-testid="cart-line" data-sku=line.sku.clone()>
            // The picture repeats the name's link: one link per product for a keyboard and a screen reader.
            <a href=format!("/p/{}", line.product_slug) class="h-24 w-24 flex-none overflow-hidden rounded-md bg-stone-100"
                aria-hidden="true" tabindex="-1">
                {line.image_url.clone().map(|url| view! { <img src=url alt="" width="96" height="96" loading="lazy" class="h-full w-full object-cover"/> })}
            </a>
            <div class="flex flex-1 flex-col gap-2 @lg:flex-row @lg:justify-between">
                <div>
                    <a href=format!("/p/{}", line.product_slug) class="font-medium text-stone-900 hover:underline">{line.product_name.clone()}</a>
                    <p class="text-sm text-stone-600">{line.variant_label.clone()}</p>
                    <p class="text-sm"><Price price=line.unit_price/>" each"</p>
                    {over_stock.then(|| view! {
                        <p class="text-sm text-amber-700">{format!("Only {} left: lower the quantity to check out.", line.available)}</p>
                    })}
                </div>
                <div class="flex items-start gap-3">
                    <ActionForm action=cart.update attr:class="flex items-end gap-2">
                        <input type="hidden" name="sku" value=sku_update/>
                        <div>
                            <label for=input_id.clone() class="block text-xs text-stone-600">
                                "Quantity" <span class="sr-only">{name_update}</span>
                            </label>
                            <input id=input_id name="quantity" type="number" inputmode="numeric" min="1" max=max
                                value=line.quantity required class="mt-1 w-16 rounded-md border border-stone-300 px-2 py-1.5" data-testid="line-quantity"/>
                        </div>
                        <button type="submit" class="rounded-md border border-stone-300 px-3 py-1.5 text-sm hover:bg-stone-100">"Update"</button>
                    </ActionForm>
                    <ActionForm action=cart.remove attr:class="pt-5">
                        <input type="hidden" name="sku" value=sku_remove/>
                        <button type="submit" class="rounded-md px-3 py-1.5 text-sm text-rose-700 hover:bg-rose-50">
                            "Remove" <span class="sr-only">{name_remove}</span>
                        </button>
                    </ActionForm>
                    <p class="w-24 pt-6 text-right font-medium text-stone-900" data-testid="line-total">{line.line_total.to_string()}</p>
                </div>
            </div>
        </li>
    }
}
