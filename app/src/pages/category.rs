use crate::api::catalog::get_category;
use crate::components::error_view::ErrorTemplate;
use crate::components::page_meta::PageMeta;
use crate::components::results::ResultsView;
use crate::domain::catalog::CategoryPage as Listing;
use crate::domain::listing::SortOrder;
use crate::domain::search::SearchSort;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn CategoryPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let listing = Resource::new(
        move || {
            let q = query.read();
            (
                params.read().get("slug").unwrap_or_default(),
                q.get("sort"),
                q.get("after"),
                ListingParams::read(&q),
            )
        },
        |(slug, sort, after, p)| {
            get_category(slug, sort, after, p.price, p.o, p.in_stock, p.on_sale)
        },
    );
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorTemplate errors/> }>
                {move || Suspend::new(async move { listing.await.map(|listing| view! { <ListingView listing/> }) })}
            </ErrorBoundary>
        </Transition>
    }
}

/// The filter parameters of a listing URL, as typed; `o` (repeatable) joined one per line.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ListingParams {
    pub category: Option<String>,
    pub price: Option<String>,
    pub o: Option<String>,
    pub in_stock: Option<String>,
    pub on_sale: Option<String>,
}

impl ListingParams {
    pub fn read(q: &leptos_router::params::ParamsMap) -> Self {
        Self {
            category: q.get("category"),
            price: q.get("price"),
            o: q.get_all("o").map(|all| all.join("\n")),
            in_stock: q.get("in_stock"),
            on_sale: q.get("on_sale"),
        }
    }
}

#[component]
fn ListingView(listing: Listing) -> impl IntoView {
    let description = if listing.description.is_empty() {
        format!("Shop {} at Bazaar.", listing.name)
    } else {
        listing.description.clone()
    };
    let results = listing.results;
    // A filtered, sorted or later page is a variation of the plain listing: it names that one as canonical and
    // stays out of search engines' indexes.
    let varied = !results.filters.is_empty()
        || results.first_href.is_some()
        || results.sort != SearchSort::Listing(SortOrder::default());
    let image = results
        .hits
        .first()
        .and_then(|h| h.card.image.as_ref().map(|i| i.url.clone()));
    view! {
        <PageMeta
            title=listing.name.clone()
            description
            image
            canonical=Some(format!("/c/{}", listing.slug))
            noindex=varied
        />
        <nav aria-label="Breadcrumb" class="text-sm text-stone-600">
            <ol class="flex flex-wrap gap-1">
                <li><a href="/" class="hover:underline">"Home"</a></li>
                {listing.ancestors.into_iter().map(|a| view! {
                    <li aria-hidden="true">"/"</li>
                    <li><a href=format!("/c/{}", a.slug) class="hover:underline">{a.name}</a></li>
                }).collect_view()}
                <li aria-hidden="true">"/"</li>
                <li aria-current="page" class="text-stone-900">{listing.name.clone()}</li>
            </ol>
        </nav>
        <div class="mt-4">
            <h1 class="text-3xl font-bold tracking-tight text-stone-900">{listing.name}</h1>
            <p class="mt-1 max-w-2xl text-stone-600">{listing.description}</p>
        </div>
        {(!listing.children.is_empty()).then(|| view! {
            <ul class="mt-4 flex flex-wrap gap-2" role="list" aria-label="Subcategories">
                {listing.children.into_iter().map(|c| view! {
                    <li><a href=format!("/c/{}", c.slug) class="inline-block rounded-full border border-stone-300 px-3 py-1 text-sm text-stone-700 hover:border-stone-500">{c.name}</a></li>
                }).collect_view()}
            </ul>
        })}
        <ResultsView results/>
    }
}
