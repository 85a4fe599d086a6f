//! `/admin/flags`: the feature flags, each on or off and, where it makes sense, for a share of shoppers. A change
//! reaches every app server within a second and is in the audit log. Admins only.

use super::{loaded, when, BUTTON, INPUT};
use crate::api::admin::flags::{list_flags, SetFlag};
use crate::components::error_view::FormError;
use crate::components::page_meta::PageMeta;
use crate::domain::flags::FlagView;
use crate::pages::checkout::form_error;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn FlagsPage() -> impl IntoView {
    let list = Resource::new(|| (), |_| list_flags());
    let saved = use_query_map().read_untracked().get("saved");
    view! {
        <PageMeta title="Feature flags".into() description="Switch features on and off.".into()/>
        <h1 class="text-3xl font-bold tracking-tight">"Feature flags"</h1>
        <p class="mt-2 max-w-3xl text-sm text-stone-600">
            "A change reaches every app server within a second. A share below 100 % reaches that share of shoppers, "
            "each by their cart (or session): the same shopper keeps seeing the same thing, and a shopper without "
            "either sees the feature only at 100 %."
        </p>
        {loaded(list, move |flags| {
            let saved = saved.clone();
            view! {
                <div class="mt-6 grid max-w-3xl gap-4" data-testid="flags">
                    {flags.into_iter().map(|f| {
                        let just_saved = saved.as_deref() == Some(f.key.as_str());
                        view! { <FlagForm f just_saved/> }
                    }).collect_view()}
                </div>
            }
        })}
    }
}

#[component]
fn FlagForm(f: FlagView, just_saved: bool) -> impl IntoView {
    let set = ServerAction::<SetFlag>::new();
    let error = form_error(set.value());
    let id = format!("flag-{}", f.key);
    let enabled_id = format!("{id}-enabled");
    let percent_id = format!("{id}-percent");
    let (enabled_for, percent_for) = (enabled_id.clone(), percent_id.clone());
    let key = f.key.clone();
    let section_key = f.key.clone();
    let (enabled, percent, allows_rollout) =
        (f.setting.enabled, f.setting.percent, f.allows_rollout);
    let state = match (f.setting.enabled, f.setting.percent) {
        (false, _) => "Off".to_string(),
        (true, 100) => "On for everyone".to_string(),
        (true, p) => format!("On for {p} % of shoppers"),
    };
    view! {
        <section id=id class="rounded-lg border border-stone-200 bg-white p-4" data-testid="flag" data-key=section_key>
            <h2 class="font-semibold">{f.label} " · " <span data-testid="flag-state">{state}</span></h2>
            <p class="mt-1 text-sm text-stone-600">{f.description}</p>
            {f.changed.map(|(at, by)| view! {
                <p class="mt-1 text-xs text-stone-500">"Changed " {when(&at)} {by.map(|by| format!(" by {by}"))}</p>
            })}
            {just_saved.then(|| view! { <p class="mt-1 text-sm text-emerald-800" role="status">"Saved."</p> })}
            <ActionForm action=set attr:class="mt-3 flex flex-wrap items-end gap-4">
                <FormError error/>
                <input type="hidden" name="key" value=key/>
                <label for=enabled_for class="flex items-center gap-2 text-sm font-medium">
                    <input id=enabled_id type="checkbox" name="enabled" value="on" checked=enabled/>
                    "On"
                </label>
                {if allows_rollout {
                    view! {
                        <div>
                            <label for=percent_for class="block text-sm font-medium">"Share of shoppers (%)"</label>
                            <input id=percent_id type="number" name="percent" min="0" max="100" required
                                value=percent.to_string() class=INPUT/>
                        </div>
                    }.into_any()
                } else {
                    view! { <input type="hidden" name="percent" value="100"/> }.into_any()
                }}
                <button type="submit" class=BUTTON>"Save"</button>
            </ActionForm>
        </section>
    }
}
