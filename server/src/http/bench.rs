//! The benchmark ceiling: a fixed page held in memory, served through the same middleware as every page
//! (request id, tracing, compression). Enabled only with `BAZAAR_BENCH_ENDPOINTS=true`.

use axum::response::Html;
use axum::routing::get;
use axum::Router;
use std::sync::LazyLock;

/// About the size of a rendered category page with its hydration data (~33 KB).
static PAGE: LazyLock<String> = LazyLock::new(|| {
    let card = r#"<li><a href="/p/example" class="group block rounded-lg"><div class="aspect-square overflow-hidden rounded-lg bg-stone-100"><img src="/media/products/example-1.svg" alt="Example product" width="800" height="800" loading="lazy" class="h-full w-full object-cover"></div><h3 class="mt-2 text-sm font-medium text-stone-800">Example product</h3><p class="mt-1"><span class="text-base font-semibold text-stone-900">€42.00</span></p></a></li>"#;
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Ceiling · Bazaar</title></head><body><main><ul>{}</ul></main></body></html>",
        card.repeat(80)
    )
});

pub fn routes() -> Router<super::SiteState> {
    Router::new().route("/__bench/static", get(|| async { Html(PAGE.as_str()) }))
}
