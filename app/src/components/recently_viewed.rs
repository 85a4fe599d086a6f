//! "Recently viewed" products, kept in this browser's localStorage only: nothing about browsing reaches the server.

use super::price::Price;
use crate::domain::catalog::Image;
use crate::domain::money::Money;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

const KEY: &str = "bazaar.recent";
const KEEP: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentItem {
    pub slug: String,
    pub name: String,
    pub price: Money,
    pub image: Option<Image>,
}

/// The list after viewing `item`: it moves to the front, duplicates go, at most `KEEP` remain.
pub fn remember(mut list: Vec<RecentItem>, item: RecentItem) -> Vec<RecentItem> {
    list.retain(|x| x.slug != item.slug);
    list.insert(0, item);
    list.truncate(KEEP);
    list
}

/// Shows the products viewed before this one, and records this one. An island: it renders nothing on the server
/// and before hydration, so server and browser agree, and a shared (cached) page stays the same for everyone.
#[island]
pub fn RecentlyViewed(current: RecentItem) -> impl IntoView {
    let others = RwSignal::new(Vec::<RecentItem>::new());
    Effect::new(move |_| {
        use gloo_storage::Storage;
        let stored: Vec<RecentItem> = gloo_storage::LocalStorage::get(KEY).unwrap_or_default();
        others.set(
            stored
                .iter()
                .filter(|x| x.slug != current.slug)
                .take(4)
                .cloned()
                .collect(),
        );
        let _ = gloo_storage::LocalStorage::set(KEY, remember(stored, current.clone()));
    });
    move || {
        let items = others.get();
        (!items.is_empty()).then(|| view! {
            <section class="mt-16" aria-labelledby="recent-heading" data-testid="recently-viewed">
                <h2 id="recent-heading" class="text-lg font-semibold text-stone-900">"Recently viewed"</h2>
                <ul class="mt-4 grid grid-cols-2 gap-4 md:grid-cols-4" role="list">
                    {items.into_iter().map(|item| view! {
                        <li>
                            <a href=format!("/p/{}", item.slug) class="group block">
                                <div class="aspect-square overflow-hidden rounded-lg bg-stone-100">
                                    {item.image.map(|img| view! {
                                        <img src=img.url srcset=img.srcset.clone() sizes=img.srcset.map(|_| crate::components::product_card::CARD_SIZES) alt=img.alt width=img.width height=img.height loading="lazy" class="h-full w-full object-cover"/>
                                    })}
                                </div>
                                <p class="mt-2 text-sm text-stone-800 group-hover:underline">{item.name}</p>
                                <Price price=item.price/>
                            </a>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Currency;

    fn item(slug: &str) -> RecentItem {
        RecentItem {
            slug: slug.into(),
            name: slug.into(),
            price: Money::new(100, Currency::EUR),
            image: None,
        }
    }

    #[test]
    fn remember_moves_to_front_without_duplicates() {
        let list = remember(vec![item("a"), item("b"), item("c")], item("b"));
        let slugs: Vec<_> = list.iter().map(|x| x.slug.as_str()).collect();
        assert_eq!(slugs, ["b", "a", "c"]);
    }

    #[test]
    fn remember_keeps_at_most_eight() {
        let list = (0..20).fold(Vec::new(), |list, i| remember(list, item(&format!("p{i}"))));
        assert_eq!(list.len(), 8);
        assert_eq!(list[0].slug, "p19");
    }
}
