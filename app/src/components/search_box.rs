//! The header's search box. On the server (and without JavaScript) it is a plain GET form to `/search`. Once
//! hydrated it suggests products and categories as the shopper types (debounced; an answer to an older query is
//! dropped), as an ARIA combobox: ↓/↑ move through the list, Enter opens the highlighted suggestion (or searches
//! when none is), Escape closes the list.

use crate::domain::catalog::Suggestions;
use leptos::prelude::*;

/// How long typing must pause before a suggestion request goes out.
const DEBOUNCE_MS: u64 = 150;

#[derive(Clone, Debug, PartialEq)]
struct Item {
    href: String,
    label: String,
    kind: &'static str,
}

fn items(s: Suggestions) -> Vec<Item> {
    s.products
        .into_iter()
        .map(|p| Item {
            href: format!("/p/{}", p.slug),
            label: p.name,
            kind: "Product",
        })
        .chain(s.categories.into_iter().map(|c| Item {
            href: format!("/c/{}", c.slug),
            label: c.name,
            kind: "Category",
        }))
        .collect()
}

#[island]
pub fn SearchBox() -> impl IntoView {
    let list = RwSignal::new(Vec::<Item>::new());
    let active = RwSignal::new(None::<usize>);
    let open = RwSignal::new(false);
    let sequence = StoredValue::new(0u32);
    let timer = StoredValue::new(None::<TimeoutHandle>);

    let on_input = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        if let Some(handle) = timer.get_value() {
            handle.clear();
        }
        sequence.update_value(|n| *n += 1);
        if value.trim().chars().count() < 2 {
            list.set(Vec::new());
            open.set(false);
            return;
        }
        let handle = set_timeout_with_handle(
            move || {
                let asked = sequence.get_value();
                leptos::task::spawn_local(async move {
                    if let Ok(answer) = crate::api::catalog::suggest(value).await {
                        // A later keystroke has asked again: this answer is stale.
                        if sequence.get_value() == asked {
                            let found = items(answer);
                            open.set(!found.is_empty());
                            list.set(found);
                            active.set(None);
                        }
                    }
                });
            },
            std::time::Duration::from_millis(DEBOUNCE_MS),
        )
        .ok();
        timer.set_value(handle);
    };

    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let n = list.with_untracked(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" if n > 0 => {
                ev.prevent_default();
                open.set(true);
                active.update(|a| *a = Some(a.map_or(0, |i| (i + 1) % n)));
            }
            "ArrowUp" if n > 0 => {
                ev.prevent_default();
                open.set(true);
                active.update(|a| *a = Some(a.map_or(n - 1, |i| (i + n - 1) % n)));
            }
            "Enter" if open.get_untracked() => {
                let target = active
                    .get_untracked()
                    .and_then(|i| list.with_untracked(|l| l.get(i).map(|item| item.href.clone())));
                if let Some(href) = target {
                    ev.prevent_default();
                    let _ = window().location().set_href(&href);
                }
            }
            "Escape" => {
                open.set(false);
                active.set(None);
            }
            _ => {}
        }
    };

    view! {
        <form action="/search" method="get" role="search" class="relative order-last w-full sm:order-none sm:w-56">
            <label for="site-search" class="sr-only">"Search products"</label>
            <input id="site-search" type="search" name="q" placeholder="Search" maxlength="200" autocomplete="off"
                class="w-full rounded-md border border-stone-300 px-3 py-1.5 text-sm" data-testid="search-input"
                role="combobox" aria-autocomplete="list" aria-controls="search-suggestions"
                aria-expanded=move || (open.get() && !list.with(Vec::is_empty)).to_string()
                aria-activedescendant=move || active.get().map(|i| format!("suggestion-{i}"))
                on:input=on_input
                on:keydown=on_keydown
                on:blur=move |_| open.set(false)
                on:focus=move |_| open.set(!list.with_untracked(Vec::is_empty))
            />
            <ul id="search-suggestions" role="listbox" aria-label="Suggestions" data-testid="suggestions"
                class="absolute left-0 right-0 top-full z-20 mt-1 overflow-hidden rounded-md border border-stone-200 bg-white text-sm shadow-lg"
                class:hidden=move || !open.get() || list.with(Vec::is_empty)
                // Keeps the input focused while a suggestion is clicked, so the click lands.
                on:mousedown=|ev| ev.prevent_default()
            >
                {move || list.get().into_iter().enumerate().map(|(i, item)| {
                    let selected = move || active.get() == Some(i);
                    view! {
                        <li id=format!("suggestion-{i}") role="option" aria-selected=move || selected().to_string()>
                            <a href=item.href class="flex justify-between gap-2 px-3 py-2 hover:bg-stone-100"
                                class:bg-stone-100=selected tabindex="-1">
                                <span>{item.label}</span>
                                <span class="text-xs text-stone-500">{item.kind}</span>
                            </a>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </form>
    }
}
