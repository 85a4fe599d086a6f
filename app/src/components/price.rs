use crate::domain::money::Money;
use leptos::prelude::*;

/// A price, with the compare-at price struck through when the item is reduced.
#[component]
pub fn Price(
    price: Money,
    #[prop(default = None)] compare_at: Option<Money>,
    /// Prefix "from" when the variants differ in price.
    #[prop(optional)]
    from: bool,
    #[prop(optional)] large: bool,
) -> impl IntoView {
    let size = if large { "text-2xl" } else { "text-base" };
    let reduced = compare_at.is_some();
    view! {
        <span class=format!("{size} font-semibold {}", if reduced { "text-rose-700" } else { "text-stone-900" })>
            {from.then_some("from ")}
            {price.to_string()}
        </span>
        {compare_at.map(|was| view! {
            <s class="ml-2 text-sm text-stone-500">
                <span class="sr-only">"was "</span>
                {was.to_string()}
            </s>
        })}
    }
}
