//! `/admin/products`: the catalog, newest first, searched by part of a name or the start of a SKU and filtered
//! by category, status and stock, all in the query string. Paged by keyset, so the last page of a million
//! products comes as fast as the first.

use super::{list_link, loaded, when, BUTTON, INPUT};
use crate::api::admin::catalog::list_products;
use crate::components::page_meta::PageMeta;
use crate::domain::admin::catalog::{ProductList, ProductStatus, StockFilter};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

const FILTERS: [&str; 4] = ["q", "category", "status", "stock"];

#[component]
pub fn ProductsPage() -> impl IntoView {
    let query = use_query_map();
    let page = Resource::new(
        move || {
            let q = query.read();
            let get = |k: &str| q.get(k).unwrap_or_default();
            (
                get("q"),
                get("category"),
                get("status"),
                get("stock"),
                get("after"),
            )
        },
        |(q, category, status, stock, after)| list_products(q, category, status, stock, after),
    );
    let current = move |k: &str| query.read_untracked().get(k).unwrap_or_default();
    view! {
        <PageMeta title="Products".into() description="The shop's catalog.".into()/>
        <div class="flex items-center justify-between">
            <h1 class="text-3xl font-bold tracking-tight">"Products"</h1>
            <a href="/admin/products/new" class=BUTTON data-testid="new-product">"New product"</a>
        </div>
        {loaded(page, move |page| {
            let next_base = list_link("/admin/products", &FILTERS, &query.read_untracked());
            view! {
                <Filters page=page.clone() q=current("q") category=current("category") status=current("status") stock=current("stock")/>
                <ProductTable page next_base/>
            }
        })}
    }
}

#[component]
fn Filters(
    page: ProductList,
    q: String,
    category: String,
    status: String,
    stock: String,
) -> impl IntoView {
    view! {
        <form method="get" action="/admin/products" class="mt-4 grid gap-3 sm:grid-cols-5 items-end" data-testid="product-filters">
            <div>
                <label for="q" class="block text-sm font-medium">"Name or SKU"</label>
                <input id="q" name="q" type="search" maxlength="100" value=q class=INPUT/>
            </div>
            <div>
                <label for="category" class="block text-sm font-medium">"Category"</label>
                <select id="category" name="category" class=INPUT>
                    <option value="">"Any"</option>
                    {page.categories.into_iter().map(|c| {
                        let id = c.id.to_string();
                        view! { <option value=id.clone() selected=category == id>{c.name}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div>
                <label for="status" class="block text-sm font-medium">"Status"</label>
                <select id="status" name="status" class=INPUT>
                    <option value="">"Any"</option>
                    {ProductStatus::ALL.into_iter().map(|s| view! {
                        <option value=s.as_db() selected=status == s.as_db()>{s.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div>
                <label for="stock" class="block text-sm font-medium">"Stock"</label>
                <select id="stock" name="stock" class=INPUT>
                    <option value="">"Any"</option>
                    {StockFilter::ALL.into_iter().map(|s| view! {
                        <option value=s.as_str() selected=stock == s.as_str()>{s.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class=BUTTON>"Filter"</button>
        </form>
    }
}

#[component]
fn ProductTable(page: ProductList, next_base: String) -> impl IntoView {
    let empty = page.products.is_empty();
    let next = page.next.map(|after| format!("{next_base}&after={after}"));
    view! {
        <Show when=move || empty>
            <p class="mt-6 text-stone-600" data-testid="no-products">"No products match."</p>
        </Show>
        <table class="mt-6 w-full text-left text-sm" data-testid="product-list">
            <thead class="border-b border-stone-200 text-stone-600">
                <tr>
                    <th scope="col" class="py-2">"Product"</th>
                    <th scope="col">"SKUs"</th>
                    <th scope="col">"Category"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col" class="text-right">"Variants"</th>
                    <th scope="col" class="text-right">"Available"</th>
                    <th scope="col" class="text-right">"From"</th>
                    <th scope="col">"Changed"</th>
                </tr>
            </thead>
            <tbody class="divide-y divide-stone-100">
                {page.products.into_iter().map(|p| view! {
                    <tr data-testid="product-row" data-slug=p.slug.clone()>
                        <td class="py-2"><a class="font-medium underline" href=format!("/admin/products/{}", p.product_id)>{p.name}</a></td>
                        <td class="font-mono text-xs">{p.skus}</td>
                        <td>{p.category}</td>
                        <td data-testid="product-row-status">{p.status.label()}</td>
                        <td class="text-right">{p.variants}</td>
                        <td class="text-right">{p.available}</td>
                        <td class="text-right">{p.price_from.to_string()}</td>
                        <td>{when(&p.updated_at)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        {next.map(|href| view! {
            <p class="mt-4"><a href=href class="underline" data-testid="next-page">"Older products →"</a></p>
        })}
    }
}
