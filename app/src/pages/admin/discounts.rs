//! `/admin/discounts`: every code with what it takes off, its window, its limits and how often it was used;
//! the form to add one, or (`?edit=ID`) change one; and ending a code now.

use super::{loaded, BUTTON, INPUT};
use crate::api::admin::discounts::{list_discounts, EndDiscount, SaveDiscount};
use crate::components::error_view::FormError;
use crate::components::page_meta::PageMeta;
use crate::domain::admin::discounts::{DiscountState, DiscountView};
use crate::domain::checkout::DiscountKind;
use crate::pages::checkout::form_error;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn DiscountsPage() -> impl IntoView {
    let list = Resource::new(|| (), |_| list_discounts());
    let edit = use_query_map()
        .read_untracked()
        .get("edit")
        .and_then(|e| e.parse::<i64>().ok());
    view! {
        <PageMeta title="Discounts".into() description="Discount codes.".into()/>
        <h1 class="text-3xl font-bold tracking-tight">"Discounts"</h1>
        {loaded(list, move |list| {
            let editing = edit.and_then(|id| list.iter().find(|d| d.discount_id == id).cloned());
            view! {
                <DiscountForm editing/>
                <DiscountTable list/>
            }
        })}
    }
}

#[component]
fn DiscountForm(editing: Option<DiscountView>) -> impl IntoView {
    let save = ServerAction::<SaveDiscount>::new();
    let error = form_error(save.value());
    let d = editing.as_ref();
    let (kind, amount) = match d.map(|d| d.kind) {
        Some(DiscountKind::Percent(bp)) => ("percent", format!("{}.{:02}", bp / 100, bp % 100)),
        Some(DiscountKind::Fixed(m)) => ("fixed", m.decimal()),
        None => ("percent", String::new()),
    };
    let text = |f: fn(&DiscountView) -> Option<String>| d.and_then(f).unwrap_or_default();
    let heading = if d.is_some() {
        "Change the code"
    } else {
        "New code"
    };
    let id = text(|d| Some(d.discount_id.to_string()));
    let code = text(|d| Some(d.code.clone()));
    let min_subtotal = text(|d| (d.min_subtotal.minor > 0).then(|| d.min_subtotal.decimal()));
    let first_day = text(|d| d.first_day.clone());
    let last_day = text(|d| d.last_day.clone());
    let usage_limit = text(|d| d.usage_limit.map(|l| l.to_string()));
    let per_customer_limit = text(|d| d.per_customer_limit.map(|l| l.to_string()));
    view! {
        <section id="discount-form" class="mt-6 max-w-4xl">
            <h2 class="text-xl font-semibold">{heading}</h2>
            <ActionForm action=save attr:class="mt-3 grid gap-3 sm:grid-cols-4 items-end" attr:data-testid="discount-form">
                <div class="sm:col-span-4"><FormError error/></div>
                <input type="hidden" name="discount_id" value=id/>
                <div>
                    <label for="code" class="block text-sm font-medium">"Code"</label>
                    <input id="code" name="code" required maxlength="40" pattern="[A-Za-z0-9_\\-]{3,40}" value=code class=INPUT/>
                </div>
                <div>
                    <label for="kind" class="block text-sm font-medium">"Takes off"</label>
                    <select id="kind" name="kind" class=INPUT>
                        <option value="percent" selected=kind == "percent">"a percentage"</option>
                        <option value="fixed" selected=kind == "fixed">"a fixed amount"</option>
                    </select>
                </div>
                <div>
                    <label for="amount" class="block text-sm font-medium">"Amount (10 = 10 %, or 5.00)"</label>
                    <input id="amount" name="amount" required inputmode="decimal" value=amount class=INPUT/>
                </div>
                <div>
                    <label for="min_subtotal" class="block text-sm font-medium">"Minimum subtotal"</label>
                    <input id="min_subtotal" name="min_subtotal" inputmode="decimal" placeholder="none" value=min_subtotal class=INPUT/>
                </div>
                <div>
                    <label for="first_day" class="block text-sm font-medium">"First day (UTC)"</label>
                    <input id="first_day" name="first_day" type="date" value=first_day class=INPUT/>
                </div>
                <div>
                    <label for="last_day" class="block text-sm font-medium">"Last day (UTC)"</label>
                    <input id="last_day" name="last_day" type="date" value=last_day class=INPUT/>
                </div>
                <div>
                    <label for="usage_limit" class="block text-sm font-medium">"Uses in all"</label>
                    <input id="usage_limit" name="usage_limit" inputmode="numeric" placeholder="no limit" value=usage_limit class=INPUT/>
                </div>
                <div>
                    <label for="per_customer_limit" class="block text-sm font-medium">"Uses per customer"</label>
                    <input id="per_customer_limit" name="per_customer_limit" inputmode="numeric" placeholder="no limit" value=per_customer_limit class=INPUT/>
                </div>
                <button type="submit" class=BUTTON data-testid="save-discount">"Save code"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn DiscountTable(list: Vec<DiscountView>) -> impl IntoView {
    let end = ServerAction::<EndDiscount>::new();
    let error = form_error(end.value());
    view! {
        <section id="discounts" class="mt-10">
            <FormError error/>
            <table class="w-full text-left text-sm" data-testid="discount-list">
                <thead class="border-b border-stone-200 text-stone-600">
                    <tr>
                        <th scope="col" class="py-2">"Code"</th>
                        <th scope="col">"Takes off"</th>
                        <th scope="col">"Minimum"</th>
                        <th scope="col">"Days (UTC)"</th>
                        <th scope="col" class="text-right">"Used"</th>
                        <th scope="col">"Per customer"</th>
                        <th scope="col">"State"</th>
                        <th scope="col"></th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-stone-100">
                    {list.into_iter().map(|d| {
                        let live = !matches!(d.state, DiscountState::Ended);
                        let id = d.discount_id;
                        let days = format!(
                            "{} – {}",
                            d.first_day.clone().unwrap_or_else(|| "…".into()),
                            d.last_day.clone().unwrap_or_else(|| "…".into())
                        );
                        let used = match d.usage_limit {
                            Some(l) => format!("{} of {l}", d.used_count),
                            None => d.used_count.to_string(),
                        };
                        view! {
                            <tr data-testid="discount-row" data-code=d.code.clone()>
                                <td class="py-2 font-mono"><a class="underline" href=format!("/admin/discounts?edit={id}#discount-form")>{d.code.clone()}</a></td>
                                <td>{d.amount_label()}</td>
                                <td>{(d.min_subtotal.minor > 0).then(|| d.min_subtotal.to_string())}</td>
                                <td>{days}</td>
                                <td class="text-right" data-testid="discount-used">{used}</td>
                                <td>{d.per_customer_limit.map(|l| l.to_string())}</td>
                                <td data-testid="discount-state">{d.state.label()}</td>
                                <td>
                                    {live.then(|| view! {
                                        <ActionForm action=end>
                                            <input type="hidden" name="discount_id" value=id.to_string()/>
                                            <button type="submit" class="text-rose-700 underline">"End now"</button>
                                        </ActionForm>
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}
