//! The HTTP router: the Leptos app and its server functions, health checks, static files and media.

pub mod admission;
pub mod bench;
pub mod compress;
pub mod drain;
pub mod exports;
pub mod fn_errors;
pub mod health;
pub mod live_stock;
pub mod origin;
pub mod page_cache;
pub mod rate_limit;
pub mod request_metrics;
pub mod security_headers;
pub mod seo;
pub mod static_files;
pub mod webhooks;

use crate::config::Config;
use app::components::page_meta::PublicUrl;
use app::{shell, App};
use axum::extract::FromRef;
use axum::Router;
use backend::AppState;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use std::sync::LazyLock;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

/// The shop's public URL (configured, or the address it listens on), and the origins that count as the shop's
/// own for the cross-site check: the public URL, and the address it listens on (a developer's browser, a health
/// check through the loopback).
fn site_origins(
    config: &Config,
    leptos_options: &LeptosOptions,
) -> (PublicUrl, origin::SiteOrigins) {
    let public_url = PublicUrl(config.public_url.clone().unwrap_or_else(|| {
        let scheme = if config.tls.is_some() {
            "https"
        } else {
            "http"
        };
        format!(
            "{scheme}://{}",
            config.bind.unwrap_or(leptos_options.site_addr)
        )
    }));
    let origins = origin::SiteOrigins::new(
        [
            public_url.0.clone(),
            format!("http://{}", leptos_options.site_addr),
        ]
        .into_iter()
        .chain(config.bind.map(|addr| format!("http://{addr}"))),
    );
    (public_url, origins)
}

/// The app's routes, worked out once per process. Working them out runs the app with resource loading suppressed
/// process-wide (leptos_router's `RouteList::generate` sets a global flag), and a render whose resource first
/// polls meanwhile waits forever (leptos-rs/leptos#4773): a process that builds several routers (the integration
/// tests, each with its own app) must not build one while another serves.
static ROUTES: LazyLock<Vec<AxumRouteListing>> = LazyLock::new(|| generate_route_list(App));

/// What the router's handlers can ask for: the backend's state, and the Leptos site options.
#[derive(Clone, FromRef)]
pub struct SiteState {
    pub app: AppState,
    pub leptos_options: LeptosOptions,
    pub public_url: PublicUrl,
    pub draining: drain::Draining,
}

/// The router, and what starts its drain.
pub async fn router(
    state: AppState,
    leptos_options: LeptosOptions,
    config: &Config,
) -> (Router, drain::Drain) {
    let (router, _, drain) = router_with_tasks(state, leptos_options, config).await;
    (router, drain)
}

/// The router, the background tasks it started (the page cache's listener, live stock's follower), for a caller
/// that must stop them itself (tests: a task left running keeps its database connection, and the test's database,
/// open), and what starts its drain.
pub async fn router_with_tasks(
    state: AppState,
    leptos_options: LeptosOptions,
    config: &Config,
) -> (Router, Vec<tokio::task::JoinHandle<()>>, drain::Drain) {
    let mut tasks = Vec::new();
    // Metrics recorded from here on are kept (the recorder is the process's, installed once).
    crate::metrics::handle();
    let routes = ROUTES.clone();
    let (public_url, origins) = site_origins(config, &leptos_options);
    let site = SiteState {
        app: state.clone(),
        leptos_options: leptos_options.clone(),
        public_url: public_url.clone(),
        draining: drain::Draining::default(),
    };
    let draining = site.draining.clone();
    let https = public_url.0.starts_with("https://") || config.is_https();
    let context = {
        let state = state.clone();
        let leptos_options = leptos_options.clone();
        move || {
            provide_context(state.clone());
            provide_context(leptos_options.clone());
            provide_context(public_url.clone());
        }
    };
    let shell_options = leptos_options.clone();
    let fallback_options = leptos_options.clone();

    let page_cache = page_cache::PageCache::new(
        std::time::Duration::from_secs(config.page_cache_ttl_secs),
        config.page_cache_max_mb.saturating_mul(1024 * 1024),
        std::time::Duration::from_secs(config.page_cache_cdn_secs),
    );
    // Feature flags: loaded before the first request, then reloaded on every change (one LISTEN per server).
    tasks.push(state.flags.follow(&state.pool).await);
    // Subscribed before following starts: its first eviction (`*`, once it listens) says changes are heard.
    let category_changes = page_cache.subscribe();
    if config.page_cache_ttl_secs > 0 || config.live_stock_max_streams > 0 {
        // Notifications come from the primary (a standby does not pass them on). Live stock hears them through
        // the cache: one LISTEN connection per server.
        tasks.push(page_cache.follow_changes(state.pool.clone()).await);
    }
    // The category tree is kept in memory while changes are heard; any change of a category evicts every page
    // (`*`), and so the tree.
    tasks.push(tokio::spawn({
        let mut changes = category_changes;
        let pages = page_cache.clone();
        let categories = state.categories.clone();
        async move {
            loop {
                match changes.recv().await {
                    Ok(page_cache::Scope::All)
                    | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                        categories.set_following(pages.listening())
                    }
                    Ok(_) => {}
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                }
            }
        }
    }));
    let (live_stock, live_task) =
        live_stock::LiveStock::start(state.clone(), &page_cache, config.live_stock_max_streams);
    tasks.push(live_task);

    let admission = admission::Admission::new(config.checkout_max_inflight, config.max_inflight);

    let mut router = Router::new();
    if config.bench_endpoints {
        router = router.merge(bench::routes());
    }
    let secure = !config.bench_without_security;
    let router = router
        .leptos_routes_with_context(&site, routes, context.clone(), move || shell(shell_options.clone()))
        .merge(health::routes())
        .merge(exports::routes())
        .merge(seo::routes())
        .merge(webhooks::routes())
        .merge(static_files::routes(&leptos_options, &config.media_dir))
        .merge(live_stock.routes())
        .fallback(leptos_axum::file_and_error_handler_with_context::<SiteState, _>(context, move |_| {
            shell(fallback_options.clone())
        }))
        .layer(axum::middleware::from_fn(fn_errors::status_from_app_error))
        // Level 4: brotli's and gzip's defaults cost several times the CPU for a few percent smaller pages.
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(4)))
        .layer(axum::middleware::from_fn_with_state(admission, admission::layer))
        .layer(axum::middleware::from_fn_with_state(page_cache, page_cache::layer))
        .layer(tower::util::option_layer(secure.then(|| {
            axum::middleware::from_fn_with_state(
                rate_limit::RateLimits::new(&config.rate_limits),
                rate_limit::layer,
            )
        })))
        // Before anything else acts on a request: a cross-site write never reaches a handler.
        .layer(tower::util::option_layer(
            secure.then(|| axum::middleware::from_fn_with_state(origins, origin::layer)),
        ))
        .layer(CatchPanicLayer::custom(fn_errors::panic_response))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
            let request_id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id)
        }))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(axum::middleware::from_fn_with_state(draining.clone(), drain::layer))
        // Outermost: counts what the client got, shed and rate-limited answers included.
        .layer(axum::middleware::from_fn(request_metrics::layer));
    let router = security_headers::layers(https)
        .into_iter()
        .filter(|_| secure)
        .fold(router, |router, layer| router.layer(layer))
        .with_state(site);
    (
        router,
        tasks,
        drain::Drain {
            draining,
            live_stock,
        },
    )
}
