use super::category::ListingParams;
use crate::api::catalog::get_collection;
use crate::components::error_view::ErrorTemplate;
use crate::components::page_meta::PageMeta;
use crate::components::results::ResultsView;
use crate::domain::results::CollectionPage as Collection;
use crate::domain::search::SearchSort;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// `/collections/<slug>`: a collection staff put together, with sorts, filters and paging.
#[component]
pub fn CollectionPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let page = Resource::new(
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
            get_collection(
                slug, sort, after, p.category, p.price, p.o, p.in_stock, p.on_sale,
            )
        },
    );
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorTemplate errors/> }>
                {move || Suspend::new(async move { page.await.map(|collection| view! { <CollectionView collection/> }) })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn CollectionView(collection: Collection) -> impl IntoView {
    let results = collection.results;
    let varied = !results.filters.is_empty()
        || results.first_href.is_some()
        || results.sort != SearchSort::default();
    let description = if collection.description.is_empty() {
        format!("{} at Bazaar.", collection.name)
    } else {
        collection.description.clone()
    };
    let image = results
        .hits
        .first()
        .and_then(|h| h.card.image.as_ref().map(|i| i.url.clone()));
    view! {
        <PageMeta
            title=collection.name.clone()
            description
            image
            canonical=Some(format!("/collections/{}", collection.slug))
            noindex=varied
        />
        <nav aria-label="Breadcrumb" class="text-sm text-stone-600">
            <ol class="flex flex-wrap gap-1">
                <li><a href="/" class="hover:underline">"Home"</a></li>
                <li aria-hidden="true">"/"</li>
                <li aria-current="page" class="text-stone-900">{collection.name.clone()}</li>
            </ol>
        </nav>
        <div class="mt-4">
            <h1 class="text-3xl font-bold tracking-tight text-stone-900">{collection.name}</h1>
            <p class="mt-1 max-w-2xl text-stone-600">{collection.description}</p>
        </div>
        <ResultsView results/>
    }
}
