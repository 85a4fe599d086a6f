use super::category::ListingParams;
use crate::api::catalog::search_products;
use crate::components::error_view::ErrorTemplate;
use crate::components::page_meta::PageMeta;
use crate::components::results::ResultsView;
use crate::domain::results::SearchPage as Results;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// `/search?q=…`: results with facets. A GET form in the header leads here, so it works without JavaScript.
#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map();
    let results = Resource::new(
        move || {
            let q = query.read();
            (
                q.get("q"),
                q.get("sort"),
                q.get("after"),
                ListingParams::read(&q),
            )
        },
        |(q, sort, after, p)| {
            search_products(
                q, sort, after, p.category, p.price, p.o, p.in_stock, p.on_sale,
            )
        },
    );
    view! {
        <Transition fallback=|| view! { <p>"Searching…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorTemplate errors/> }>
                {move || Suspend::new(async move { results.await.map(|page| view! { <ResultsPage page/> }) })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn ResultsPage(page: Results) -> impl IntoView {
    let Results {
        query,
        corrected,
        results,
        categories,
    } = page;
    let title = if query.is_empty() {
        "Search".to_string()
    } else {
        format!("Results for “{query}”")
    };
    let searched = corrected.clone().unwrap_or_else(|| query.clone());
    view! {
        <PageMeta title=title.clone() description="Search the shop.".to_string() noindex=true/>
        <h1 class="text-3xl font-bold tracking-tight text-stone-900" data-testid="search-heading">{title}</h1>
        {if query.is_empty() {
            view! {
                <p class="mt-4 text-stone-600">"Type what you are looking for: a product, a colour, a size or a SKU."</p>
                <SearchForm value=String::new()/>
            }.into_any()
        } else {
            view! {
                {corrected.map(|fixed| view! {
                    <p class="mt-2 text-stone-700" role="status" data-testid="did-you-mean">
                        "No results for “" {query.clone()} "”. Showing results for “"
                        <strong>{fixed}</strong> "”."
                    </p>
                })}
                {(!categories.is_empty()).then(|| view! {
                    <ul class="mt-4 flex flex-wrap gap-2" role="list" aria-label="Matching categories">
                        {categories.into_iter().map(|c| view! {
                            <li><a href=format!("/c/{}", c.slug) class="inline-block rounded-full border border-stone-300 px-3 py-1 text-sm text-stone-700 hover:border-stone-500">{c.name}</a></li>
                        }).collect_view()}
                    </ul>
                })}
                <ResultsView results keep=vec![("q", searched)]/>
            }.into_any()
        }}
    }
}

#[component]
fn SearchForm(value: String) -> impl IntoView {
    view! {
        <form action="/search" method="get" role="search" class="mt-4 flex max-w-md gap-2">
            <label for="page-search" class="sr-only">"Search products"</label>
            <input id="page-search" type="search" name="q" value=value maxlength="200"
                class="flex-1 rounded-md border border-stone-300 px-3 py-2"/>
            <button type="submit" class="rounded-md bg-stone-900 px-4 py-2 text-sm text-white hover:bg-stone-700">"Search"</button>
        </form>
    }
}
