//! The lines and totals of a checkout or an order, as a table.

use crate::domain::checkout::{SummaryLine, Totals};
use crate::domain::money::Money;
use leptos::prelude::*;

#[component]
pub fn OrderSummary(
    lines: Vec<SummaryLine>,
    subtotal: Money,
    totals: Option<Totals>,
) -> impl IntoView {
    let row = |label: String, amount: String, testid: &'static str| {
        view! {
            <div class="flex justify-between py-1">
                <dt class="text-stone-700">{label}</dt>
                <dd class="font-medium text-stone-900" data-testid=testid>{amount}</dd>
            </div>
        }
    };
    view! {
        <section aria-labelledby="summary-heading" class="rounded-lg border border-stone-200 bg-white p-4">
            <h2 id="summary-heading" class="text-lg font-semibold text-stone-900">"Order summary"</h2>
            <table class="mt-3 w-full text-sm" data-testid="summary-lines">
                <thead class="sr-only">
                    <tr><th scope="col">"Item"</th><th scope="col">"Quantity"</th><th scope="col">"Price"</th></tr>
                </thead>
                <tbody class="divide-y divide-stone-100">
                    {lines.into_iter().map(|l| view! {
                        <tr data-testid="summary-line" data-sku=l.sku.clone()>
                            <td class="py-2 pr-2">
                                <span class="font-medium text-stone-900">{l.product_name}</span>
                                <span class="block text-stone-600">{l.variant_label}</span>
                            </td>
                            <td class="py-2 pr-2 text-stone-700">{format!("{} × {}", l.quantity, l.unit_price)}</td>
                            <td class="py-2 text-right font-medium text-stone-900">{l.line_total.to_string()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <dl class="mt-3 border-t border-stone-200 pt-3 text-sm">
                {match totals {
                    None => row("Subtotal".into(), subtotal.to_string(), "summary-subtotal").into_any(),
                    Some(t) => view! {
                        {row("Subtotal".into(), t.subtotal.to_string(), "summary-subtotal")}
                        {(t.discount.minor > 0).then(|| row("Discount".into(), format!("−{}", t.discount), "summary-discount"))}
                        {row("Shipping".into(), if t.shipping.minor == 0 { "Free".into() } else { t.shipping.to_string() }, "summary-shipping")}
                        {row(
                            if t.prices_include_tax { "Including tax".into() } else { "Tax".into() },
                            t.tax.to_string(),
                            "summary-tax",
                        )}
                        <div class="mt-2 flex justify-between border-t border-stone-200 pt-2 text-base">
                            <dt class="font-semibold text-stone-900">"Total"</dt>
                            <dd class="font-semibold text-stone-900" data-testid="summary-total">{t.total.to_string()}</dd>
                        </div>
                    }.into_any(),
                }}
            </dl>
        </section>
    }
}

/// The three checkout steps, with the current one marked.
#[component]
pub fn CheckoutSteps(current: u8) -> impl IntoView {
    let steps = [
        (1u8, "Address", "/checkout"),
        (2, "Shipping", "/checkout/shipping"),
        (3, "Review and pay", "/checkout/review"),
    ];
    view! {
        <nav aria-label="Checkout steps" class="text-sm">
            <ol class="flex flex-wrap gap-2 text-stone-600">
                {steps.into_iter().map(|(n, label, href)| {
                    let here = n == current;
                    view! {
                        <li>
                            <a href=href aria-current=here.then_some("step")
                                class=if here { "font-semibold text-stone-900 underline" } else { "hover:underline" }>
                                {format!("{n}. {label}")}
                            </a>
                        </li>
                    }
                }).collect_view()}
            </ol>
        </nav>
    }
}
