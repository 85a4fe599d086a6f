//! Live stock: a product page follows its variants' stock as it changes, by server-sent events.
//!
//! `GET /events/stock/{slug}` answers `text/event-stream`: a `stock` event with the stock as the page shows it now
//! (the page may have come from a cache), then one each time that changes (another shopper bought the last ones,
//! a restock). Each app server has one `LISTEN` connection on the primary (the page cache's), whose notifications
//! reach a single task here; it keeps one `watch` channel per product that has streams open, re-reads the stock
//! of the products a notification covers (one query for all of them) and publishes it only when it changed. So a
//! thousand shoppers on one product cost one read per change, not a thousand.
//!
//! Streams are capped per server (`BAZAAR_LIVE_STOCK_MAX_STREAMS`): over the cap the answer is
//! `503 Service Unavailable` with `Retry-After`, and the page keeps the stock it was rendered with (adding to the
//! cart checks the real count either way). With the cap at 0 the answer is `204 No Content`, which tells a
//! browser to stop asking; so does the `live_stock` feature flag when it is off for the shopper (an open stream
//! ends within a second of the switch). A stream ends after [`MAX_AGE`] (the browser reconnects, which spreads streams over the
//! servers again after a deploy) and at once when the server drains ([`LiveStock::drain`]).

use super::fn_errors::error_response;
use super::page_cache::{PageCache, Scope};
use app::domain::catalog::StockShown;
use app::domain::flags::Flag;
use app::domain::slug::Slug;
use app::error::AppError;
use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use backend::AppState;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{broadcast, watch, OwnedSemaphorePermit, Semaphore};

/// How long one stream lasts before the browser is asked to reconnect.
pub const MAX_AGE: Duration = Duration::from_secs(600);
/// How long a browser waits before it reconnects (after [`MAX_AGE`], a drain, a lost connection).
const RECONNECT: Duration = Duration::from_secs(5);
/// What an over-the-cap answer asks the browser to wait.
const RETRY_AFTER_SECS: u64 = 30;

#[derive(Clone)]
pub struct LiveStock {
    inner: Arc<Inner>,
}

struct Inner {
    app: AppState,
    /// `None`: live stock is off.
    permits: Option<Arc<Semaphore>>,
    /// The products with streams open, each with the JSON of its latest stock ("" until it is first read).
    watched: Mutex<HashMap<String, watch::Sender<Arc<str>>>>,
    /// Set when the server drains: every stream ends, so the drain does not wait for them.
    draining: watch::Sender<bool>,
}

impl LiveStock {
    /// Live stock with at most `max_streams` streams open (0: off), following the changes `pages` hears of.
    pub fn start(
        app: AppState,
        pages: &PageCache,
        max_streams: usize,
    ) -> (Self, tokio::task::JoinHandle<()>) {
        let live = LiveStock {
            inner: Arc::new(Inner {
                app,
                permits: (max_streams > 0).then(|| Arc::new(Semaphore::new(max_streams))),
                watched: Mutex::new(HashMap::new()),
                draining: watch::channel(false).0,
            }),
        };
        // The task holds the state weakly: when the router goes, so does the task.
        let weak = Arc::downgrade(&live.inner);
        let changes = pages.subscribe();
        let task = tokio::spawn(follow(weak, changes));
        (live, task)
    }

    /// Ends every open stream and refuses new ones (SIGTERM: the server drains).
    pub fn drain(&self) {
        self.inner.draining.send_replace(true);
    }

    pub fn routes(&self) -> Router<super::SiteState> {
        let live = self.clone();
        Router::new().route(
            &format!("{}{{slug}}", app::request::policy::LIVE_STOCK),
            get(
                move |Path(slug): Path<String>, headers: axum::http::HeaderMap| {
                    let live = live.clone();
                    async move { live.open(&slug, &headers).await }
                },
            ),
        )
    }

    async fn open(&self, raw_slug: &str, headers: &axum::http::HeaderMap) -> Response {
        let Some(permits) = &self.inner.permits else {
            return StatusCode::NO_CONTENT.into_response();
        };
        // Switched off for this shopper (the `live_stock` flag; a rollout goes by cart, else session).
        let shopper = app::request::cookies::rollout_key(headers);
        let flags = self.inner.app.flags.clone();
        if !flags.is_on(Flag::LiveStock, shopper.as_deref()) {
            return StatusCode::NO_CONTENT.into_response();
        }
        if *self.inner.draining.borrow() {
            return unavailable();
        }
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            return unavailable();
        };
        let slug = match Slug::parse(raw_slug) {
            Ok(slug) => slug,
            Err(e) => return error_response(&AppError::from(e)),
        };
        let (stock, created) = self.watch(slug.as_str());
        if created {
            // The first stream of this product on this server reads it; the others wait for that.
            match read(&self.inner.app, &[slug.as_str().to_string()]).await {
                Ok(mut found) => match found.remove(slug.as_str()) {
                    Some(json) => publish_first(&self.inner, slug.as_str(), json),
                    None => {
                        self.forget_if_unused(slug.as_str());
                        return error_response(&AppError::NotFound);
                    }
                },
                Err(e) => {
                    self.forget_if_unused(slug.as_str());
                    return error_response(&e);
                }
            }
        }
        let still_on = Box::new(move || flags.is_on(Flag::LiveStock, shopper.as_deref()));
        stream(stock, self.inner.draining.subscribe(), permit, still_on)
    }

    /// A receiver of the product's stock, and whether this call started watching it.
    fn watch(&self, slug: &str) -> (watch::Receiver<Arc<str>>, bool) {
        let mut watched = self.inner.watched.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(sender) = watched.get(slug) {
            return (sender.subscribe(), false);
        }
        let (sender, receiver) = watch::channel(Arc::<str>::from(""));
        watched.insert(slug.to_string(), sender);
        (receiver, true)
    }

    fn forget_if_unused(&self, slug: &str) {
        let mut watched = self.inner.watched.lock().unwrap_or_else(|e| e.into_inner());
        // Ours is the caller's receiver, about to be dropped.
        if watched.get(slug).is_some_and(|s| s.receiver_count() <= 1) {
            watched.remove(slug);
        }
    }
}

fn unavailable() -> Response {
    let mut response = error_response(&AppError::Unavailable);
    response.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from_str(&RETRY_AFTER_SECS.to_string()).expect("a number is a header value"),
    );
    response
}

/// The first read of a product, unless the follower has published a newer one meanwhile.
fn publish_first(inner: &Inner, slug: &str, json: String) {
    let watched = inner.watched.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(sender) = watched.get(slug) {
        sender.send_if_modified(|now| {
            let first = now.is_empty();
            if first {
                *now = json.into();
            }
            first
        });
    }
}

/// The stock of these products as JSON (the page's view of each variant), by slug; an unknown or unpublished
/// product is missing.
async fn read(app: &AppState, slugs: &[String]) -> Result<HashMap<String, String>, AppError> {
    let stock = backend::catalog::stock_shown(app, slugs).await?;
    Ok(stock
        .into_iter()
        .map(|(slug, variants): (String, Vec<StockShown>)| {
            (slug, serde_json::to_string(&variants).unwrap_or_default())
        })
        .collect())
}

/// The one task per server that turns change notifications into new stock for the products watched.
async fn follow(live: std::sync::Weak<Inner>, mut changes: broadcast::Receiver<Scope>) {
    loop {
        let scope = match changes.recv().await {
            Ok(scope) => Some(scope),
            // Fell behind: anything may have changed.
            Err(broadcast::error::RecvError::Lagged(_)) => None,
            Err(broadcast::error::RecvError::Closed) => return,
        };
        let Some(inner) = live.upgrade() else { return };
        let slugs: Vec<String> = {
            let mut watched = inner.watched.lock().unwrap_or_else(|e| e.into_inner());
            watched.retain(|_, sender| sender.receiver_count() > 0);
            watched
                .keys()
                .filter(|slug| scope.as_ref().is_none_or(|s| s.covers_product(slug)))
                .cloned()
                .collect()
        };
        if slugs.is_empty() {
            continue;
        }
        let found = match read(&inner.app, &slugs).await {
            Ok(found) => found,
            Err(_) => continue, // logged where it failed; the next change reads again
        };
        let watched = inner.watched.lock().unwrap_or_else(|e| e.into_inner());
        for slug in &slugs {
            // A product no longer shown has no variants to offer.
            let json = found.get(slug).map_or("[]", String::as_str);
            if let Some(sender) = watched.get(slug) {
                sender.send_if_modified(|now| {
                    let changed = **now != *json;
                    if changed {
                        *now = json.into();
                    }
                    changed
                });
            }
        }
    }
}

struct Open {
    stock: watch::Receiver<Arc<str>>,
    draining: watch::Receiver<bool>,
    until: tokio::time::Instant,
    first: bool,
    _permit: OwnedSemaphorePermit,
    /// Whether the `live_stock` flag is still on for this shopper, asked every [`FLAG_CHECK`]: switched off, the
    /// stream ends, and the browser's reconnection gets `204` (stop asking).
    still_on: Box<dyn Fn() -> bool + Send>,
    flag_check: tokio::time::Interval,
}

/// How often an open stream asks whether live stock is still on for it.
const FLAG_CHECK: Duration = Duration::from_secs(1);

fn stream(
    stock: watch::Receiver<Arc<str>>,
    draining: watch::Receiver<bool>,
    permit: OwnedSemaphorePermit,
    still_on: Box<dyn Fn() -> bool + Send>,
) -> Response {
    let open = Open {
        stock,
        draining,
        until: tokio::time::Instant::now() + MAX_AGE,
        first: true,
        _permit: permit,
        still_on,
        flag_check: tokio::time::interval_at(tokio::time::Instant::now() + FLAG_CHECK, FLAG_CHECK),
    };
    let events = futures_util::stream::unfold(open, |mut open| async move {
        loop {
            if open.first {
                open.first = false;
                let now = open.stock.borrow_and_update().clone();
                if !now.is_empty() {
                    let event = Event::default().event("stock").retry(RECONNECT).data(&*now);
                    return Some((Ok::<_, std::convert::Infallible>(event), open));
                }
            }
            let changed = tokio::select! {
                changed = open.stock.changed() => changed.is_ok(),
                _ = open.draining.wait_for(|draining| *draining) => false,
                () = tokio::time::sleep_until(open.until) => false,
                _ = open.flag_check.tick() => {
                    if (open.still_on)() {
                        continue;
                    }
                    false
                }
            };
            if !changed {
                return None;
            }
            let now = open.stock.borrow_and_update().clone();
            if !now.is_empty() {
                return Some((Ok(Event::default().event("stock").data(&*now)), open));
            }
        }
    });
    let mut response = Sse::new(events)
        .keep_alive(KeepAlive::default())
        .into_response();
    // A proxy that buffers answers (nginx does by default) would hold the events back.
    response
        .headers_mut()
        .insert("x-accel-buffering", HeaderValue::from_static("no"));
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
