//! `/admin/stock`: adjust a variant's stock (received, counted, damaged, returned), see its ledger
//! (`?sku=`), and the lists of what runs low and what is sold out.

use super::{loaded, when, BUTTON, INPUT};
use crate::api::admin::stock::{get_stock_report, get_variant_stock, AdjustStock};
use crate::components::error_view::FormError;
use crate::components::page_meta::PageMeta;
use crate::domain::admin::stock::{StockLevel, StockReason, StockReport, VariantStock};
use crate::pages::checkout::form_error;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn StockPage() -> impl IntoView {
    let query = use_query_map();
    let sku = query.read_untracked().get("sku").filter(|s| !s.is_empty());
    let report = Resource::new(|| (), |_| get_stock_report());
    let variant = sku
        .clone()
        .map(|sku| Resource::new(move || sku.clone(), get_variant_stock));
    view! {
        <PageMeta title="Stock".into() description="Stock on hand and its ledger.".into()/>
        <h1 class="text-3xl font-bold tracking-tight">"Stock"</h1>
        <AdjustForm sku=sku.unwrap_or_default()/>
        {variant.map(|v| loaded(v, |v| view! { <Ledger v/> }))}
        {loaded(report, |r| view! { <Lists r/> })}
    }
}

#[component]
fn AdjustForm(sku: String) -> impl IntoView {
    let adjust = ServerAction::<AdjustStock>::new();
    let error = form_error(adjust.value());
    view! {
        <section id="adjust" class="mt-6 max-w-3xl">
            <h2 class="text-xl font-semibold">"Adjust stock"</h2>
            <ActionForm action=adjust attr:class="mt-3 grid gap-3 sm:grid-cols-5 items-end" attr:data-testid="adjust-form">
                <div class="sm:col-span-5"><FormError error/></div>
                <div>
                    <label for="adjust-sku" class="block text-sm font-medium">"SKU"</label>
                    <input id="adjust-sku" name="sku" required value=sku class=INPUT/>
                </div>
                <div>
                    <label for="adjust-delta" class="block text-sm font-medium">"Units (+/−)"</label>
                    <input id="adjust-delta" name="delta" required inputmode="numeric" placeholder="+12" class=INPUT/>
                </div>
                <div>
                    <label for="adjust-reason" class="block text-sm font-medium">"Reason"</label>
                    <select id="adjust-reason" name="reason" class=INPUT>
                        {StockReason::BY_HAND.into_iter().map(|r| view! { <option value=r.as_db()>{r.label()}</option> }).collect_view()}
                    </select>
                </div>
                <div>
                    <label for="adjust-note" class="block text-sm font-medium">"Note"</label>
                    <input id="adjust-note" name="note" maxlength="500" class=INPUT/>
                </div>
                <button type="submit" class=BUTTON>"Save"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn Ledger(v: VariantStock) -> impl IntoView {
    let l = v.level;
    view! {
        <section class="mt-8" data-testid="stock-ledger">
            <h2 class="text-xl font-semibold">{l.sku.clone()} " · " {l.product_name.clone()} " " {l.variant_label.clone()}</h2>
            <p class="mt-1 text-sm" data-testid="stock-level">
                "On hand " <strong data-testid="on-hand">{l.on_hand}</strong>
                " · held by unpaid orders " {l.reserved} " · available " {l.available}
            </p>
            <table class="mt-3 w-full text-left text-sm">
                <thead class="text-stone-600"><tr><th scope="col">"When"</th><th scope="col" class="text-right">"Change"</th><th scope="col">"Why"</th><th scope="col">"Order"</th><th scope="col">"By"</th><th scope="col">"Note"</th></tr></thead>
                <tbody class="divide-y divide-stone-100">
                    {v.movements.into_iter().map(|m| view! {
                        <tr data-testid="movement">
                            <td class="py-1">{when(&m.at)}</td>
                            <td class="text-right">{if m.delta > 0 { format!("+{}", m.delta) } else { m.delta.to_string() }}</td>
                            <td>{m.reason.label()}</td>
                            <td>{m.order_number.map(|n| view! { <a class="underline" href=format!("/admin/orders/{n}")>{n.clone()}</a> })}</td>
                            <td>{m.by.unwrap_or_else(|| "shop".into())}</td>
                            <td>{m.note}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[component]
fn Lists(r: StockReport) -> impl IntoView {
    view! {
        <div class="mt-10 grid gap-8 md:grid-cols-2">
            <Levels title="Running low" testid="low-stock" levels=r.low/>
            <Levels title="Sold out" testid="sold-out" levels=r.sold_out/>
        </div>
    }
}

#[component]
fn Levels(title: &'static str, testid: &'static str, levels: Vec<StockLevel>) -> impl IntoView {
    let empty = levels.is_empty();
    view! {
        <section data-testid=testid>
            <h2 class="text-xl font-semibold">{title}</h2>
            <Show when=move || empty><p class="mt-2 text-sm text-stone-600">"Nothing here."</p></Show>
            <ul class="mt-2 divide-y divide-stone-100 text-sm">
                {levels.into_iter().map(|l| view! {
                    <li class="flex justify-between py-1">
                        <a class="underline" href=format!("/admin/stock?sku={}", l.sku)>{l.sku.clone()}</a>
                        <span>{l.product_name} " " {l.variant_label}</span>
                        <span>{l.available} " of " {l.low_stock_threshold}</span>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}
