//! A page of results with its facets, filters, sort and paging: shared by search, category and collection
//! pages. Every control is a link or a GET form, so all of it works before (and without) JavaScript.

use super::product_card::ProductCardView;
use crate::domain::results::{Facet, ResultSet};
use crate::domain::search::SearchSort;
use leptos::prelude::*;

/// `keep`: the parameters the sort form carries along besides the filters (the search query).
#[component]
pub fn ResultsView(
    results: ResultSet,
    #[prop(default = Vec::new())] keep: Vec<(&'static str, String)>,
) -> impl IntoView {
    let ResultSet {
        hits,
        facets,
        active,
        clear_href,
        total,
        capped,
        sort,
        sorts,
        relevance_label,
        filters,
        next_href,
        first_href,
    } = results;
    let mut hidden = keep;
    hidden.extend(filters.to_query());
    let count = if capped {
        format!("{total}+ products")
    } else if total == 1 {
        "1 product".to_string()
    } else {
        format!("{total} products")
    };
    let empty = hits.is_empty();
    let has_facets = !facets.is_empty() || !active.is_empty();
    view! {
        <div class="mt-6 flex flex-col gap-6 md:flex-row">
            {has_facets.then(|| view! {
                <aside class="md:w-56 md:shrink-0" aria-label="Filters">
                    <FacetList facets/>
                </aside>
            })}
            <div class="min-w-0 flex-1">
                <div class="flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
                    <p class="text-sm text-stone-600" data-testid="result-count">{count}</p>
                    <SortForm sort sorts hidden relevance_label/>
                </div>
                {(!active.is_empty()).then(|| view! {
                    <ul class="mt-3 flex flex-wrap items-center gap-2" role="list" aria-label="Active filters">
                        {active.into_iter().map(|a| view! {
                            <li>
                                <a href=a.remove_href class="inline-flex items-center gap-1 rounded-full bg-stone-900 px-3 py-1 text-sm text-white hover:bg-stone-700" data-testid="active-filter">
                                    {a.label}
                                    <span aria-hidden="true">"×"</span>
                                    <span class="sr-only">" (remove)"</span>
                                </a>
                            </li>
                        }).collect_view()}
                        {clear_href.map(|href| view! {
                            <li><a href=href class="text-sm text-stone-700 underline" data-testid="clear-filters">"Clear all filters"</a></li>
                        })}
                    </ul>
                })}
                <div class="mt-4">
                    {if empty {
                        view! { <p class="text-stone-600" data-testid="no-results">"No products match. Try fewer filters or other words."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="grid grid-cols-2 gap-4 sm:gap-6 lg:grid-cols-3" role="list">
                                {hits.into_iter().enumerate().map(|(i, hit)| view! {
                                    <li><ProductCardView product=hit.card eager=i < 3 highlighted=hit.name/></li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
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
            </div>
        </div>
    }
}

#[component]
fn FacetList(facets: Vec<Facet>) -> impl IntoView {
    view! {
        <div class="flex flex-col gap-5">
            {facets.into_iter().map(|facet| {
                let label = facet.label.clone();
                view! {
                <section aria-label=label data-testid="facet">
                    <h2 class="text-sm font-semibold text-stone-900">{facet.label}</h2>
                    <ul class="mt-2 flex flex-col gap-1 text-sm" role="list">
                        {facet.values.into_iter().map(|v| view! {
                            <li>
                                <a
                                    href=v.href
                                    class=if v.selected { "facet-value facet-value-selected" } else { "facet-value" }
                                    aria-current=v.selected.then_some("true")
                                    rel="nofollow"
                                >
                                    <span>{v.label}</span>
                                    <span class="text-stone-500">{v.count}</span>
                                </a>
                            </li>
                        }).collect_view()}
                    </ul>
                </section>
                }
            }).collect_view()}
        </div>
    }
}

/// A GET form: without JavaScript the "Apply" button submits it; with it, choosing an option submits straight away.
#[component]
fn SortForm(
    sort: SearchSort,
    sorts: Vec<SearchSort>,
    hidden: Vec<(&'static str, String)>,
    relevance_label: String,
) -> impl IntoView {
    let options: Vec<(String, String)> = sorts
        .into_iter()
        .map(|s| {
            let label = match s {
                SearchSort::Relevance => relevance_label.clone(),
                other => other.label().to_string(),
            };
            (s.as_param().to_string(), label)
        })
        .collect();
    view! {
        <form method="get">
            {hidden.into_iter().map(|(name, value)| view! { <input type="hidden" name=name value=value/> }).collect_view()}
            <div class="flex items-center gap-2">
                <label for="sort" class="text-sm text-stone-700">"Sort by"</label>
                <SortSelect options selected=sort.as_param().to_string()/>
                <button type="submit" class="rounded-md border border-stone-300 px-3 py-1.5 text-sm hover:bg-stone-100">"Apply"</button>
            </div>
        </form>
    }
}

#[island]
fn SortSelect(options: Vec<(String, String)>, selected: String) -> impl IntoView {
    view! {
        <select id="sort" name="sort" class="rounded-md border border-stone-300 bg-white px-2 py-1.5 text-sm"
            on:change=submit_parent_form>
            {options.into_iter().map(|(value, label)| {
                let is_selected = value == selected;
                view! { <option value=value selected=is_selected>{label}</option> }
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
