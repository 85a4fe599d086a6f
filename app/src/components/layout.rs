use super::cart_state::use_cart;
use super::search_box::SearchBox;
use crate::api::catalog::list_top_categories;
use leptos::prelude::*;

#[component]
pub fn Header() -> impl IntoView {
    let categories = Resource::new(|| (), |_| list_top_categories());
    view! {
        <a href="#main" class="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-10 focus:rounded focus:bg-white focus:px-3 focus:py-2">
            "Skip to content"
        </a>
        <header class="border-b border-stone-200 bg-white">
            <div class="mx-auto flex max-w-6xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3 sm:flex-nowrap sm:gap-x-8">
                <a href="/" class="text-xl font-bold tracking-tight text-stone-900">"Bazaar"</a>
                <nav aria-label="Categories" class="no-scrollbar flex-1 overflow-x-auto">
                    <ul class="flex gap-4 whitespace-nowrap text-sm text-stone-700">
                        <Suspense fallback=|| ()>
                            {move || Suspend::new(async move {
                                categories.await.unwrap_or_default().into_iter().map(|c| view! {
                                    <li><a href=format!("/c/{}", c.slug) class="hover:text-stone-900 hover:underline">{c.name}</a></li>
                                }).collect_view()
                            })}
                        </Suspense>
                    </ul>
                </nav>
                <SearchBox/>
                <a href="/account" class="rounded-md px-3 py-2 text-sm font-medium text-stone-900 hover:bg-stone-100" data-testid="account-link">"Account"</a>
                <CartLink/>
            </div>
        </header>
    }
}

#[component]
fn CartLink() -> impl IntoView {
    let cart = use_cart();
    view! {
        <a href="/cart" class="relative flex items-center gap-2 rounded-md px-3 py-2 text-sm font-medium text-stone-900 hover:bg-stone-100" data-testid="cart-link">
            <span>"Cart"</span>
            <Suspense fallback=|| view! { <CartCount count=0/> }>
                {move || Suspend::new(async move {
                    let count = cart.cart.await.map(|c| c.item_count).unwrap_or(0);
                    view! { <CartCount count/> }
                })}
            </Suspense>
        </a>
    }
}

/// The header's item count. The server renders this shopper's count; in the browser it is written to the
/// localStorage snapshot, and the count follows the snapshot when another tab changes it, or when the page comes
/// back from the back/forward cache.
#[island]
fn CartCount(count: u32) -> impl IntoView {
    use super::cart_state::{read_snapshot, write_snapshot, SNAPSHOT_KEY};
    use crate::domain::cart::CartSnapshot;
    let shown = RwSignal::new(count);
    Effect::new(move |_| {
        write_snapshot(CartSnapshot { item_count: count });
        let follow = move || {
            if let Some(snapshot) = read_snapshot() {
                shown.set(snapshot.item_count);
            }
        };
        let storage = window_event_listener(leptos::ev::storage, move |event| {
            if event.key().as_deref() == Some(SNAPSHOT_KEY) {
                follow();
            }
        });
        let pageshow = window_event_listener(leptos::ev::pageshow, move |event| {
            if event.persisted() {
                follow();
            }
        });
        on_cleanup(move || {
            storage.remove();
            pageshow.remove();
        });
    });
    view! {
        <span class="rounded-full bg-stone-900 px-2 py-0.5 text-xs text-white" data-testid="cart-count"
            aria-label=move || format!("{} items in cart", shown.get())>
            {shown}
        </span>
    }
}

#[component]
pub fn Footer() -> impl IntoView {
    view! {
        <footer class="mt-16 border-t border-stone-200 bg-stone-50">
            <div class="mx-auto max-w-6xl px-4 py-8 text-sm text-stone-600">
                <p>"Bazaar: an open-source storefront. Prices include VAT where it applies."</p>
            </div>
        </footer>
    }
}
