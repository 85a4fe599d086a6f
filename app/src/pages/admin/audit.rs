//! `/admin/audit`: every admin write, newest first, filterable by action, record and staff member. Admins only.

use super::{loaded, urlencode, when, BUTTON, INPUT};
use crate::api::admin::audit::list_audit;
use crate::components::page_meta::PageMeta;
use crate::domain::admin::audit::AuditPage as Page;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |k: &str| query.read_untracked().get(k).unwrap_or_default();
    let page = Resource::new(
        move || {
            let q = query.read();
            let get = |k: &str| q.get(k).unwrap_or_default();
            (get("action"), get("entity_id"), get("actor"), get("before"))
        },
        |(action, entity_id, actor, before)| list_audit(action, entity_id, actor, before),
    );
    let filters = format!(
        "action={}&entity_id={}&actor={}",
        urlencode(&get("action")),
        urlencode(&get("entity_id")),
        urlencode(&get("actor"))
    );
    view! {
        <PageMeta title="Audit log".into() description="Every change made in the admin area.".into()/>
        <h1 class="text-3xl font-bold tracking-tight">"Audit log"</h1>
        <form method="get" action="/admin/audit" class="mt-4 grid gap-3 sm:grid-cols-4 items-end" data-testid="audit-filters">
            <div>
                <label for="audit-action" class="block text-sm font-medium">"Action"</label>
                <input id="audit-action" name="action" placeholder="order, stock.adjust" value=get("action") class=INPUT/>
            </div>
            <div>
                <label for="audit-entity" class="block text-sm font-medium">"Record"</label>
                <input id="audit-entity" name="entity_id" placeholder="BZ-…, a SKU" value=get("entity_id") class=INPUT/>
            </div>
            <div>
                <label for="audit-actor" class="block text-sm font-medium">"By (email)"</label>
                <input id="audit-actor" name="actor" value=get("actor") class=INPUT/>
            </div>
            <button type="submit" class=BUTTON>"Filter"</button>
        </form>
        {loaded(page, move |page| view! { <Entries page filters=filters.clone()/> })}
    }
}

#[component]
fn Entries(page: Page, filters: String) -> impl IntoView {
    let next = page
        .next
        .map(|id| format!("/admin/audit?{filters}&before={id}"));
    view! {
        <table class="mt-6 w-full text-left text-sm" data-testid="audit-list">
            <thead class="border-b border-stone-200 text-stone-600">
                <tr>
                    <th scope="col" class="py-2">"When"</th><th scope="col">"By"</th><th scope="col">"Action"</th>
                    <th scope="col">"Record"</th><th scope="col">"Before"</th><th scope="col">"After"</th>
                </tr>
            </thead>
            <tbody class="divide-y divide-stone-100 align-top">
                {page.entries.into_iter().map(|e| {
                    let action = e.action.clone();
                    view! {
                    <tr data-testid="audit-entry" data-action=action>
                        <td class="py-2">{when(&e.at)}</td>
                        <td>{e.by}</td>
                        <td>{e.action}</td>
                        <td>{e.entity} " " {e.entity_id}</td>
                        <td><code class="break-all text-xs">{e.before}</code></td>
                        <td><code class="break-all text-xs">{e.after}</code></td>
                    </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        {next.map(|href| view! { <p class="mt-4"><a class="underline" href=href>"Older entries →"</a></p> })}
    }
}
