//! `/admin/imports`: upload a product CSV (admins) or a stock CSV (staff), download the catalog and the orders
//! of a range of days as CSV, and the latest imports. `/admin/imports/:id`: one import's progress bar, counts
//! and rejected rows; the page reloads itself every second while the import runs (a `<meta>` refresh, so it
//! needs no script and the CSP stays strict).

use super::{loaded, when, BUTTON, INPUT};
use crate::api::admin::imports::{get_import, get_imports, IMPORT_PATH};
use crate::components::error_view::FormError;
use crate::components::page_meta::PageMeta;
use crate::domain::account::Role;
use crate::domain::admin::imports::{
    ImportKind, ImportList, ImportView, PRODUCT_COLUMNS, STOCK_COLUMNS,
};
use crate::domain::admin::AdminOverview;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::error::ServerFnUrlError;
use leptos_meta::Meta;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn ImportsPage() -> impl IntoView {
    let is_admin = use_context::<AdminOverview>().is_some_and(|o| o.role == Role::Admin);
    let query = use_query_map();
    // A plain form post that failed comes back here with its error in the query (`__path`, `__err`).
    let error: Option<AppError> = query.with_untracked(|q| {
        (q.get("__path").as_deref() == Some(IMPORT_PATH))
            .then(|| q.get("__err"))
            .flatten()
            .map(|e| ServerFnUrlError::<AppError>::decode_err(&e))
    });
    let imports = Resource::new(|| (), |_| get_imports());
    view! {
        <PageMeta title="Imports and exports".into() description="Bulk files.".into()/>
        <h1 class="text-3xl font-bold tracking-tight">"Imports and exports"</h1>
        <div class="mt-2 max-w-3xl" data-testid="import-error"><FormError error=Signal::stored(error)/></div>
        <div class="mt-4 grid gap-8 lg:grid-cols-2">
            {is_admin.then(|| view! {
                <Upload kind=ImportKind::Products
                    help="One row per variant. A row creates its variant, or updates the one with its SKU; rows with the same product web address are variants of one product. Blank cells keep what the shop has. opening_stock is booked as received only when a row creates its variant."
                    columns=&PRODUCT_COLUMNS/>
            })}
            <Upload kind=ImportKind::Stock
                help="One adjustment per row, booked in the stock ledger: quantity adds units (negative: removes them); reason is received, correction, damaged or returned."
                columns=&STOCK_COLUMNS/>
        </div>
        <Exports/>
        {loaded(imports, |list| view! { <Latest list/> })}
    }
}

#[component]
fn Upload(kind: ImportKind, help: &'static str, columns: &'static [&'static str]) -> impl IntoView {
    let id = format!("file-{}", kind.as_db());
    view! {
        <section data-testid=format!("import-{}", kind.as_db())>
            <h2 class="text-xl font-semibold">{format!("Import {}", kind.label().to_lowercase())}</h2>
            <p class="mt-1 text-sm text-stone-600">{help}</p>
            <p class="mt-1 text-xs text-stone-500">"Columns: " <code>{columns.join(", ")}</code></p>
            <form method="post" action=IMPORT_PATH enctype="multipart/form-data" class="mt-3 flex flex-wrap items-end gap-3">
                <input type="hidden" name="kind" value=kind.as_db()/>
                <div>
                    <label for=id.clone() class="block text-sm font-medium">"CSV file (UTF-8)"</label>
                    <input id=id name="file" type="file" accept=".csv,text/csv" required class="mt-1 text-sm"/>
                </div>
                <button type="submit" class=BUTTON>"Import"</button>
            </form>
        </section>
    }
}

#[component]
fn Exports() -> impl IntoView {
    view! {
        <section class="mt-10" data-testid="exports">
            <h2 class="text-xl font-semibold">"Export"</h2>
            <p class="mt-2 text-sm">
                <a class="underline" href="/admin/export/products.csv" download>"Download every product variant (CSV)"</a>
                " — the same columns the product import reads."
            </p>
            <form method="get" action="/admin/export/orders.csv" class="mt-3 flex flex-wrap items-end gap-3">
                <div>
                    <label for="export-from" class="block text-sm font-medium">"Orders placed from"</label>
                    <input id="export-from" name="from" type="date" class=INPUT/>
                </div>
                <div>
                    <label for="export-to" class="block text-sm font-medium">"to (inclusive)"</label>
                    <input id="export-to" name="to" type="date" class=INPUT/>
                </div>
                <button type="submit" class=BUTTON>"Download orders (CSV)"</button>
            </form>
        </section>
    }
}

#[component]
fn Latest(list: ImportList) -> impl IntoView {
    let empty = list.imports.is_empty();
    view! {
        <section class="mt-10">
            <h2 class="text-xl font-semibold">"Latest imports"</h2>
            <Show when=move || empty><p class="mt-2 text-sm text-stone-600">"No imports yet."</p></Show>
            <table class="mt-3 w-full text-left text-sm" data-testid="imports">
                <thead class="text-stone-600"><tr>
                    <th scope="col">"Import"</th><th scope="col">"File"</th><th scope="col">"State"</th>
                    <th scope="col" class="text-right">"Rows"</th><th scope="col" class="text-right">"Rejected"</th>
                    <th scope="col">"By"</th><th scope="col">"When"</th>
                </tr></thead>
                <tbody class="divide-y divide-stone-100">
                    {list.imports.into_iter().map(|i| view! {
                        <tr>
                            <td class="py-1"><a class="underline" href=format!("/admin/imports/{}", i.import_id)>{format!("#{} {}", i.import_id, i.kind.label())}</a></td>
                            <td>{i.file_name.clone()}</td>
                            <td>{format!("{} · {} %", i.state.label(), i.percent())}</td>
                            <td class="text-right">{i.total_rows}</td>
                            <td class="text-right">{i.rejected_rows}</td>
                            <td>{i.by.clone()}</td>
                            <td>{when(&i.created_at)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let params = use_params_map();
    let import = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        get_import,
    );
    view! {
        <PageMeta title="Import".into() description="One import's progress.".into()/>
        <p class="text-sm"><a href="/admin/imports" class="underline">"← Imports and exports"</a></p>
        {loaded(import, |i| view! { <Progress i/> })}
    }
}

#[component]
fn Progress(i: ImportView) -> impl IntoView {
    let percent = i.percent();
    let unchanged = i.unchanged_rows();
    let active = i.state.is_active();
    let more = i.rejected_rows > i.rejections.len() as i64;
    view! {
        {active.then(|| view! { <Meta http_equiv="refresh" content="1"/> })}
        <h1 class="mt-2 text-3xl font-bold tracking-tight">{format!("Import #{} · {}", i.import_id, i.file_name)}</h1>
        <p class="mt-1 text-sm text-stone-600">
            {format!("{} · uploaded by {} · {}", i.kind.label(), i.by, when(&i.created_at))}
        </p>
        <section class="mt-6 max-w-xl" data-testid="import-status" data-state=format!("{:?}", i.state).to_lowercase()>
            <p class="font-medium" data-testid="import-state">{i.state.label()}</p>
            <progress class="mt-2 h-3 w-full" max=i.total_rows.max(1) value=i.processed_rows
                aria-label="Rows imported" data-testid="import-progress"></progress>
            <p class="mt-1 text-sm"><span data-testid="import-percent">{format!("{percent} %")}</span>
                {format!(" · {} of {} rows", i.processed_rows, i.total_rows)}</p>
            <dl class="mt-4 grid grid-cols-4 gap-3 text-sm">
                <div><dt class="text-stone-600">"Created"</dt><dd class="text-lg font-semibold" data-testid="import-created">{i.created_rows}</dd></div>
                <div><dt class="text-stone-600">"Updated"</dt><dd class="text-lg font-semibold" data-testid="import-updated">{i.updated_rows}</dd></div>
                <div><dt class="text-stone-600">"Unchanged"</dt><dd class="text-lg font-semibold">{unchanged}</dd></div>
                <div><dt class="text-stone-600">"Rejected"</dt><dd class="text-lg font-semibold" data-testid="import-rejected">{i.rejected_rows}</dd></div>
            </dl>
        </section>
        {(!i.rejections.is_empty()).then(|| view! {
            <section class="mt-8">
                <h2 class="text-xl font-semibold">"Rejected rows"</h2>
                {more.then(|| view! { <p class="text-sm text-stone-600">{format!("The first {} are listed.", i.rejections.len())}</p> })}
                <table class="mt-3 w-full text-left text-sm" data-testid="rejections">
                    <thead class="text-stone-600"><tr><th scope="col">"Line"</th><th scope="col">"SKU"</th><th scope="col">"Why"</th></tr></thead>
                    <tbody class="divide-y divide-stone-100">
                        {i.rejections.into_iter().map(|r| view! {
                            <tr data-testid="rejection"><td class="py-1">{r.line}</td><td>{r.sku}</td><td>{r.reason}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        })}
    }
}
