use crate::api::catalog::get_category;
use crate::components::error_view::ErrorTemplate;
use crate::components::page_meta::PageMeta;
use crate::components::product_card::ProductGrid;
use crate::domain::catalog::CategoryPage as Listing;
use crate::domain::listing::SortOrder;
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
            )
        },
        |(slug, sort, after)| get_category(slug, sort, after),
    );
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorTemplate errors/> }>
                {move || Suspend::new(async move { listing.await.map(|listing| view! { <ListingView listing/> }) })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn ListingView(listing: Listing) -> impl IntoView {
    let base = format!("/c/{}", listing.slug);
    let sort = listing.sort;
    let next_href = listing
        .next_cursor
        .as_ref()
        .map(|c| format!("{base}?sort={}&after={c}", sort.as_param()));
    let first_href = listing
        .is_continuation
        .then(|| format!("{base}?sort={}", sort.as_param()));
    let description = if listing.description.is_empty() {
        format!("Shop {} at Bazaar.", listing.name)
    } else {
        listing.description.clone()
    };
    let empty = listing.products.is_empty();
    view! {
        <PageMeta
            title=listing.name.clone()
            description
            image=listing.products.first().and_then(|p| p.image.as_ref().map(|i| i.url.clone()))
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
        <div class="mt-4 flex flex-col gap-4 sm:flex-row sm:items-end sm:justify-between">
            <div>
                <h1 class="text-3xl font-bold tracking-tight text-stone-900">{listing.name}</h1>
                <p class="mt-1 max-w-2xl text-stone-600">{listing.description}</p>
            </div>
            <SortForm sort/>
        </div>
        {(!listing.children.is_empty()).then(|| view! {
            <ul class="mt-4 flex flex-wrap gap-2" role="list" aria-label="Subcategories">
                {listing.children.into_iter().map(|c| view! {
                    <li><a href=format!("/c/{}", c.slug) class="inline-block rounded-full border border-stone-300 px-3 py-1 text-sm text-stone-700 hover:border-stone-500">{c.name}</a></li>
                }).collect_view()}
            </ul>
        })}
        <div class="mt-6">
            {if empty {
                view! { <p class="text-stone-600">"Nothing here yet."</p> }.into_any()
            } else {
                view! { <ProductGrid products=listing.products/> }.into_any()
            }}
        </div>
        <nav aria-label="Pagination" class="mt-8 flex justify-between">
            {first_href.map(|href| view! {
                <a href=href class="rounded-md border border-stone-300 px-4 py-2 text-sm hover:bg-stone-100">"← First page"</a>
            })}
            <span></span>
            {next_href.map(|href| view! {
                <a href=href rel="next" class="rounded-md bg-stone-900 px-4 py-2 text-sm text-white hover:bg-stone-700" data-testid="next-page">"Next page →"</a>
            })}
        </nav>
    }
}

/// A GET form: without JavaScript the "Apply" button submits it; with it, choosing an option submits straight away.
#[component]
fn SortForm(sort: SortOrder) -> impl IntoView {
    view! {
        <form method="get">
            <div class="flex items-center gap-2">
                <label for="sort" class="text-sm text-stone-700">"Sort by"</label>
                <SortSelect sort/>
                <button type="submit" class="rounded-md border border-stone-300 px-3 py-1.5 text-sm hover:bg-stone-100">"Apply"</button>
            </div>
        </form>
    }
}

#[island]
fn SortSelect(sort: SortOrder) -> impl IntoView {
    view! {
        <select id="sort" name="sort" class="rounded-md border border-stone-300 bg-white px-2 py-1.5 text-sm"
            on:change=submit_parent_form>
            {SortOrder::ALL.into_iter().map(|s| view! {
                <option value=s.as_param() selected=s == sort>{s.label()}</option>
            }).collect_view()}
        </select>
    }
}

fn submit_parent_form(ev: leptos::ev::Event) {
    use wasm_bindgen::JsCast;
    let form = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
        .and_then(|select| select.form());
    if let Some(form) = form {
        let _ = form.request_submit();
    }
}
