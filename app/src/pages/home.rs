use crate::api::catalog::get_home;
use crate::components::error_view::ErrorTemplate;
use crate::components::page_meta::PageMeta;
use crate::components::product_card::ProductGrid;
use leptos::prelude::*;

#[component]
pub fn HomePage() -> impl IntoView {
    let home = Resource::new(|| (), |_| get_home());
    view! {
        <PageMeta
            title="Bazaar".into()
            description="Clothing, home goods, stationery and more, shipped fast from an independent shop.".into()
            canonical=Some("/".to_string())
        />
        <section class="rounded-2xl bg-stone-900 px-6 py-12 text-white sm:px-12">
            <h1 class="text-3xl font-bold tracking-tight sm:text-4xl">"Good things, fairly priced."</h1>
            <p class="mt-3 max-w-xl text-stone-300">"Browse our collections below, or pick a category to see everything we carry."</p>
        </section>
        <Suspense fallback=|| view! { <p class="mt-8">"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorTemplate errors/> }>
                {move || Suspend::new(async move {
                    home.await.map(|home| view! {
                        <nav aria-label="Shop by category" class="mt-10">
                            <h2 class="text-lg font-semibold text-stone-900">"Shop by category"</h2>
                            <ul class="mt-4 grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6" role="list">
                                {home.categories.into_iter().map(|c| view! {
                                    <li>
                                        <a href=format!("/c/{}", c.slug) class="block rounded-lg border border-stone-200 bg-white px-4 py-3 text-center text-sm font-medium text-stone-800 hover:border-stone-400">
                                            {c.name}
                                        </a>
                                    </li>
                                }).collect_view()}
                            </ul>
                        </nav>
                        {home.collections.into_iter().enumerate().map(|(i, c)| view! {
                            <section class="mt-12" aria-labelledby=format!("collection-{}", c.slug)>
                                <div class="flex items-baseline justify-between gap-4">
                                    <h2 id=format!("collection-{}", c.slug) class="text-xl font-semibold text-stone-900">{c.name}</h2>
                                    <a href=format!("/collections/{}", c.slug) class="text-sm font-medium text-stone-700 underline hover:text-stone-900">"See all"</a>
                                </div>
                                <p class="mt-1 text-sm text-stone-600">{c.description}</p>
                                <div class="mt-4">
                                    <ProductGrid products=c.products eager=if i == 0 { 4 } else { 0 }/>
                                </div>
                            </section>
                        }).collect_view()}
                    })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}
