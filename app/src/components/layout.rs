use super::search_box::SearchBox;
use crate::api::catalog::list_top_categories;
use leptos::prelude::*;

#[component]
pub fn Header() -> impl IntoView {
    let categories = Resource::new(|| (), |_| list_top_categories());
    // The top categories as links, for the inline bar (wide screens) and the menu (narrow ones).
    let links = move |class: &'static str| {
        view! {
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    categories.await.unwrap_or_default().into_iter().map(|c| view! {
                        <li><a href=format!("/c/{}", c.slug) class=class>{c.name}</a></li>
                    }).collect_view()
                })}
            </Suspense>
        }
    };
    view! {
        <a href="#main" class="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-10 focus:rounded focus:bg-white focus:px-3 focus:py-2">
            "Skip to content"
        </a>
        <header class="border-b border-stone-200 bg-white">
            <div class="mx-auto flex max-w-6xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3 sm:flex-nowrap sm:gap-x-8">
                <a href="/" class="text-xl font-bold tracking-tight text-stone-900">"Bazaar"</a>
                // Narrow screens: the categories behind a disclosure (a native <details>: keyboard- and
                // screen-reader-usable, and it works without JavaScript); the search box takes its own row.
                <details class="relative mr-auto sm:hidden" data-testid="menu">
                    <summary class="flex cursor-pointer list-none items-center gap-1.5 rounded-md px-2 py-2 text-sm font-medium text-stone-900 hover:bg-stone-100 [&::-webkit-details-marker]:hidden">
                        <svg aria-hidden="true" viewBox="0 0 20 20" class="h-4 w-4" fill="currentColor">
                            <path d="M3 5h14v2H3zM3 9h14v2H3zM3 13h14v2H3z"/>
                        </svg>
                        "Menu"
                    </summary>
                    <nav aria-label="Categories" class="absolute left-0 z-30 mt-2 w-64 rounded-md border border-stone-200 bg-white p-1 shadow-lg">
                        <ul class="flex flex-col text-sm text-stone-700">
                            {links("block rounded px-3 py-2.5 hover:bg-stone-100 hover:text-stone-900")}
                        </ul>
                    </nav>
                </details>
                <nav aria-label="Categories" class="no-scrollbar hidden flex-1 overflow-x-auto sm:block">
                    <ul class="flex gap-4 whitespace-nowrap text-sm text-stone-700">
                        {links("hover:text-stone-900 hover:underline")}
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
    view! {
        <a href="/cart" class="relative flex items-center gap-2 rounded-md px-3 py-2 text-sm font-medium text-stone-900 hover:bg-stone-100" data-testid="cart-link">
            <span>"Cart"</span>
            <CartCount/>
        </a>
    }
}

/// The header's item count. Pages are the same for every shopper (so the page cache and a CDN can serve them to
/// shoppers with a cart too): the server renders the badge empty and hidden, keeping its room so nothing moves.
/// In the browser the count comes at once from the localStorage snapshot, then from one uncached call
/// (`cart/count`), which updates the snapshot; it follows the snapshot when another tab changes it, and asks again
/// when the page comes back from the back/forward cache. Without JavaScript the header shows no count.
#[island]
fn CartCount() -> impl IntoView {
    use super::cart_state::{read_snapshot, write_snapshot, SNAPSHOT_KEY};
    let shown = RwSignal::new(None::<u32>);
    let refresh = move || {
        leptos::task::spawn_local(async move {
            if let Ok(snapshot) = crate::api::cart::cart_count().await {
                write_snapshot(snapshot);
                shown.set(Some(snapshot.item_count));
            }
        })
    };
    let follow = move || {
        if let Some(snapshot) = read_snapshot() {
            shown.set(Some(snapshot.item_count));
        }
    };
    Effect::new(move |_| {
        follow();
        refresh();
        let storage = window_event_listener(leptos::ev::storage, move |event| {
            if event.key().as_deref() == Some(SNAPSHOT_KEY) {
                follow();
            }
        });
        let pageshow = window_event_listener(leptos::ev::pageshow, move |event| {
            if event.persisted() {
                refresh();
            }
        });
        on_cleanup(move || {
            storage.remove();
            pageshow.remove();
        });
    });
    view! {
        <span class="rounded-full bg-stone-900 px-2 py-0.5 text-xs text-white" data-testid="cart-count"
            class:invisible=move || shown.get().is_none()
            aria-label=move || shown.get().map(|n| format!("{n} items in cart"))>
            {move || shown.get().unwrap_or(0)}
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
