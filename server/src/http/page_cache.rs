//! A short-lived cache of whole HTML pages.
//!
//! Catalog pages (home, category, product, search, collection) are the same for every shopper: nothing personal
//! is rendered into them on the server (the header's cart count is an island that asks for it), so they are
//! shared with everyone, cookies or not ([`Page::Shared`]). Other pages (cart, checkout, account, admin, not
//! found) may show who is asking: they are shared only between requests without a `bazaar_*` cookie, and never
//! when they call themselves private. The cache sits outside compression: it has the page rendered uncompressed,
//! compresses it whole ([`compress`]) and stores the compressed bytes per encoding (br, gzip, identity): a hit
//! costs a map lookup and a copy of the headers.
//!
//! What is never stored: anything but GET, pages with the no-JS error round trip (`__err`), responses that set a
//! cookie or say `private`/`no-store`, statuses other than 200 and 404, non-HTML, and bodies over [`MAX_BODY`].
//!
//! Shared responses say `Cache-Control: public, max-age=0, s-maxage=<ttl>`, so a CDN in front can hold them for as
//! long as this cache does. Catalog pages vary by `Accept-Encoding` only; the others by `Cookie` too (a CDN should
//! bypass its cache for them when a `bazaar_*` cookie is present); personal ones say `private, no-store`. A shared
//! page also carries an `ETag` (a digest of its bytes in that encoding), and a request whose `If-None-Match`
//! names it gets `304 Not Modified` without a body: browsers (which revalidate every visit, as `max-age=0` says)
//! and CDNs revalidate for a few hundred bytes instead of the page.
//! With several app servers each keeps its own copy; pages are at most `ttl` old either way.

use super::compress::{self, Effort, Encoding};
use app::request::policy::{self, Page};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use futures_util::StreamExt;
use http_body_util::BodyExt;
use sha2::{Digest, Sha256};
use sqlx::postgres::PgListener;
use sqlx::PgPool;
use std::collections::VecDeque;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Pages larger than this are served but not stored.
pub const MAX_BODY: usize = 1024 * 1024;

#[derive(Clone)]
pub struct PageCache {
    inner: Arc<Inner>,
}

struct Inner {
    ttl: Duration,
    shared_cache_control: HeaderValue,
    /// A maintained concurrent cache: entries weigh their bytes, the least useful go when it is full (TinyLFU),
    /// and each lives `ttl` at most.
    entries: moka::sync::Cache<Key, Arc<Entry>>,
    /// Evictions so far, and the latest of them: a page rendered while one of them covered it is not stored (it
    /// may show what was there before the change).
    evictions: AtomicU64,
    recent: Mutex<VecDeque<(u64, Scope)>>,
    /// Whether this server hears of changes: pages are kept only while it does.
    listening: AtomicBool,
    /// Dropped with the cache (when the router is): tells the task that follows changes to stop.
    stop: Mutex<Option<tokio::sync::oneshot::Sender<()>>>,
    /// Every eviction, for whoever follows the catalog live in this process (live stock): one `LISTEN` connection
    /// per app server, fanned out.
    changes: tokio::sync::broadcast::Sender<Scope>,
}

impl Inner {
    /// Whether an eviction counted since `generation` may cover `path` (`recent`: the list, locked).
    fn evicted_since(&self, recent: &VecDeque<(u64, Scope)>, generation: u64, path: &str) -> bool {
        let now = self.evictions.load(Ordering::Acquire);
        let remembered = recent.front().map_or(now + 1, |(g, _)| *g);
        now > generation
            && (remembered > generation + 1
                || recent
                    .iter()
                    .any(|(g, scope)| *g > generation && scope.covers(path)))
    }
}

/// How many evictions are remembered for renders that were under way.
const RECENT_EVICTIONS: usize = 256;
/// Changes buffered for a live follower that has not read them yet; one that falls further behind is told it
/// lagged (and then treats everything as changed).
const CHANGES_BUFFER: usize = 256;

/// Which cached pages a change of the catalog makes stale: what a `bazaar_pages` notification names (sent by the
/// triggers of migration 22 when a transaction that changed the catalog commits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every page (`*`): categories and collections are in the header and every listing.
    All,
    /// Every listing (`l`): home, categories, search, collections.
    Listings,
    /// Every product page (`p`).
    Products,
    /// One product's pages (`p:<slug>`), with any query string.
    Product(String),
}

impl Scope {
    pub fn parse(payload: &str) -> Option<Scope> {
        match payload {
            "*" => Some(Scope::All),
            "l" => Some(Scope::Listings),
            "p" => Some(Scope::Products),
            _ => payload
                .strip_prefix("p:")
                .filter(|slug| !slug.is_empty())
                .map(|slug| Scope::Product(slug.to_string())),
        }
    }

    /// Whether the pages of the product `slug` are among those this change makes stale.
    pub fn covers_product(&self, slug: &str) -> bool {
        match self {
            Scope::All | Scope::Products => true,
            Scope::Listings => false,
            Scope::Product(changed) => changed == slug,
        }
    }

    fn covers(&self, path_and_query: &str) -> bool {
        let path = path_and_query.split('?').next().unwrap_or_default();
        let product = path.strip_prefix("/p/");
        match self {
            Scope::All => true,
            Scope::Listings => product.is_none() && policy::of(path).page == Page::Shared,
            Scope::Products => product.is_some(),
            Scope::Product(slug) => product == Some(slug.as_str()),
        }
    }
}

#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    encoding: Encoding,
    path_and_query: String,
}

/// A strong validator of one representation: a digest of its bytes, tagged with its encoding (each encoding is a
/// representation of its own).
fn etag_of(body: &[u8], encoding: Encoding) -> HeaderValue {
    let digest = Sha256::digest(body);
    let mut tag = String::with_capacity(40);
    tag.push('"');
    for byte in &digest[..12] {
        let _ = write!(tag, "{byte:02x}");
    }
    tag.push('-');
    tag.push_str(encoding.token());
    tag.push('"');
    HeaderValue::from_str(&tag).expect("hex digits are a valid header value")
}

/// Does an `If-None-Match` (its values as the request sent them) name this tag? RFC 9110 asks for the weak
/// comparison here, so `W/"x"` matches `"x"`; `*` matches any.
fn none_match(if_none_match: &[HeaderValue], etag: &HeaderValue) -> bool {
    let Ok(ours) = etag.to_str() else {
        return false;
    };
    if_none_match
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == ours)
}

/// `304 Not Modified` for a page the client holds: its validator and caching headers, no body.
fn not_modified(headers: &HeaderMap) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::NOT_MODIFIED;
    for name in [
        header::ETAG,
        header::CACHE_CONTROL,
        header::VARY,
        HeaderName::from_static("x-bazaar-cache"),
    ] {
        if let Some(value) = headers.get(&name) {
            response.headers_mut().insert(name, value.clone());
        }
    }
    response
}

/// Is this a 200 whose validator the client already has?
fn client_has(status: StatusCode, headers: &HeaderMap, if_none_match: &[HeaderValue]) -> bool {
    status == StatusCode::OK
        && headers
            .get(header::ETAG)
            .is_some_and(|etag| none_match(if_none_match, etag))
}

struct Entry {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    /// When the page was rendered, and the eviction count before: it is served for `ttl` from then, recompressed
    /// or not, unless an eviction since covers it.
    rendered_at: Instant,
    generation: u64,
    /// The page uncompressed while `body` is its quick compression, kept to compress it once more, as well as
    /// [`Effort::Best`] can, the first time the cache serves it again.
    uncompressed: Option<Bytes>,
    recompressing: AtomicBool,
}

impl Entry {
    fn new(
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
        uncompressed: Option<Bytes>,
    ) -> Self {
        Entry {
            status,
            headers,
            body,
            rendered_at: Instant::now(),
            generation: 0,
            uncompressed,
            recompressing: AtomicBool::new(false),
        }
    }

    fn weight(&self, key: &Key) -> usize {
        self.body.len()
            + self.uncompressed.as_ref().map_or(0, Bytes::len)
            + key.path_and_query.len()
            + 512
    }
}

impl PageCache {
    /// `ttl` zero turns the cache off (pages are still marked public or private for a CDN). `cdn_ttl` is what
    /// shared pages tell a CDN (`s-maxage`, no longer than `ttl`): a CDN is not told of changes, so it keeps a
    /// page for seconds while this cache, which is, keeps it for minutes.
    pub fn new(ttl: Duration, max_bytes: usize, cdn_ttl: Duration) -> Self {
        let shared_cache_control = HeaderValue::from_str(&format!(
            "public, max-age=0, s-maxage={}, stale-while-revalidate={}",
            cdn_ttl.min(ttl).as_secs(),
            STALE_WHILE_REVALIDATE.as_secs()
        ))
        .expect("numbers are a valid header value");
        let entries = moka::sync::Cache::builder()
            .max_capacity(max_bytes as u64)
            .weigher(|key: &Key, entry: &Arc<Entry>| {
                u32::try_from(entry.weight(key)).unwrap_or(u32::MAX)
            })
            .time_to_live(ttl.max(Duration::from_millis(1)))
            .eviction_listener(|_key, _entry, cause| {
                let cause = match cause {
                    moka::notification::RemovalCause::Expired => "expired",
                    moka::notification::RemovalCause::Explicit => "changed",
                    moka::notification::RemovalCause::Replaced => "replaced",
                    moka::notification::RemovalCause::Size => "size",
                };
                metrics::counter!("bazaar_page_cache_removals_total", "cause" => cause)
                    .increment(1);
            })
            .build();
        Self {
            inner: Arc::new(Inner {
                ttl,
                shared_cache_control,
                entries,
                evictions: AtomicU64::new(0),
                recent: Mutex::new(VecDeque::with_capacity(RECENT_EVICTIONS)),
                listening: AtomicBool::new(false),
                stop: Mutex::new(None),
                changes: tokio::sync::broadcast::channel(CHANGES_BUFFER).0,
            }),
        }
    }

    /// Pages are kept and served from the cache only while this server hears of changes.
    fn enabled(&self) -> bool {
        !self.inner.ttl.is_zero() && self.inner.listening.load(Ordering::Acquire)
    }

    fn lookup(&self, key: &Key) -> Option<Arc<Entry>> {
        self.inner
            .entries
            .get(key)
            .filter(|entry| entry.rendered_at.elapsed() < self.inner.ttl)
    }

    /// Compresses a page that the cache serves again as well as it can, once, off the request, and files it in
    /// place of the quick compression, unless a change evicted it meanwhile (checked as [`PageCache::store`]
    /// does) or the entry was replaced.
    fn recompress(&self, key: Key, quick: Arc<Entry>) {
        if quick.uncompressed.is_none() || quick.recompressing.swap(true, Ordering::AcqRel) {
            return;
        }
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let Some(page) = quick.uncompressed.as_ref() else {
                return;
            };
            let best = compress::whole(key.encoding, page, Effort::Best);
            let mut headers = quick.headers.clone();
            let body = if best.len() < quick.body.len() {
                if headers.contains_key(header::ETAG) {
                    headers.insert(header::ETAG, etag_of(&best, key.encoding));
                }
                best
            } else {
                quick.body.clone()
            };
            let better = Arc::new(Entry {
                rendered_at: quick.rendered_at,
                generation: quick.generation,
                ..Entry::new(quick.status, headers, body, None)
            });
            let recent = inner.recent.lock().unwrap_or_else(|e| e.into_inner());
            if inner.evicted_since(&recent, quick.generation, &key.path_and_query) {
                return;
            }
            inner
                .entries
                .entry(key)
                .and_compute_with(|current| match current {
                    Some(current) if Arc::ptr_eq(current.value(), &quick) => {
                        moka::ops::compute::Op::Put(better)
                    }
                    _ => moka::ops::compute::Op::Nop,
                });
            drop(recent);
        });
    }

    /// The eviction count before a render, for [`PageCache::store`].
    fn generation(&self) -> u64 {
        self.inner.evictions.load(Ordering::Acquire)
    }

    /// Keeps a page rendered since `generation`, unless an eviction since then covers it. The entry goes in
    /// under the lock that evictions are counted under, so one counted after the check finds it to drop.
    fn store(&self, key: Key, entry: Entry, generation: u64) {
        let recent = self.inner.recent.lock().unwrap_or_else(|e| e.into_inner());
        if self
            .inner
            .evicted_since(&recent, generation, &key.path_and_query)
        {
            return;
        }
        self.inner.entries.insert(
            key,
            Arc::new(Entry {
                generation,
                ..entry
            }),
        );
        drop(recent);
    }

    /// Whether this server hears of catalog changes now.
    pub fn listening(&self) -> bool {
        self.inner.listening.load(Ordering::Acquire)
    }

    /// Follows every change this server hears of (each eviction, as it happens).
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<Scope> {
        self.inner.changes.subscribe()
    }

    /// Drops the cached pages that `scope` covers; a render under way when this is called will not be kept.
    /// Live followers are told.
    pub fn evict(&self, scope: Scope) {
        let named = match scope {
            Scope::All => "all",
            Scope::Listings => "listings",
            Scope::Products => "products",
            Scope::Product(_) => "product",
        };
        metrics::counter!("bazaar_page_cache_changes_total", "scope" => named).increment(1);
        // No follower is not an error.
        let _ = self.inner.changes.send(scope.clone());
        {
            let mut recent = self.inner.recent.lock().unwrap_or_else(|e| e.into_inner());
            let generation = self.inner.evictions.fetch_add(1, Ordering::AcqRel) + 1;
            if recent.len() == RECENT_EVICTIONS {
                recent.pop_front();
            }
            recent.push_back((generation, scope.clone()));
        }
        if scope == Scope::All {
            self.inner.entries.invalidate_all();
            return;
        }
        for (key, _) in self.inner.entries.iter() {
            if scope.covers(&key.path_and_query) {
                self.inner.entries.invalidate(&*key);
            }
        }
    }

    /// Starts following the `bazaar_pages` notifications of the primary database: waits for the first `LISTEN`
    /// (so a server caches nothing before it can hear of changes), then evicts what they name in a task of its
    /// own for as long as the process runs. When the connection is lost, nothing is kept until it is back, and
    /// everything is evicted (changes made meanwhile were not heard).
    pub async fn follow_changes(&self, pool: PgPool) -> tokio::task::JoinHandle<()> {
        // A connection of its own, outside the app's pool: it is held for as long as the server runs.
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(1)
            .connect_lazy_with(pool.connect_options().as_ref().clone());
        let first = listen(&pool).await;
        let (stop_tx, mut stop) = tokio::sync::oneshot::channel::<()>();
        *self.inner.stop.lock().unwrap_or_else(|e| e.into_inner()) = Some(stop_tx);
        // The task holds the cache weakly: when the router goes, the cache goes, and so does the task (with its
        // connection, which would otherwise keep the database from closing).
        let cache = Arc::downgrade(&self.inner);
        let with_cache = move |act: &dyn Fn(&PageCache)| {
            if let Some(inner) = cache.upgrade() {
                act(&PageCache { inner });
            }
        };
        tokio::spawn(async move {
            let mut next = first;
            loop {
                let mut listener = match next.take() {
                    Some(listener) => listener,
                    None => {
                        tokio::select! {
                            _ = &mut stop => break,
                            () = tokio::time::sleep(Duration::from_secs(1)) => {}
                        }
                        match listen(&pool).await {
                            Some(listener) => listener,
                            None => continue,
                        }
                    }
                };
                // Listening first, then everything evicted: whoever the eviction tells (the category tree) sees
                // that changes are heard again. A page stored in between is evicted by it.
                with_cache(&|cache| {
                    cache.inner.listening.store(true, Ordering::Release);
                    cache.evict(Scope::All);
                });
                loop {
                    let note = tokio::select! {
                        _ = &mut stop => {
                            drop(listener);
                            pool.close().await;
                            return;
                        }
                        note = listener.try_recv() => note,
                    };
                    match note {
                        Ok(Some(note)) => match Scope::parse(note.payload()) {
                            Some(scope) => with_cache(&|cache| cache.evict(scope.clone())),
                            None => {
                                tracing::warn!(
                                    payload = note.payload(),
                                    "page cache: unknown notification"
                                )
                            }
                        },
                        Ok(None) | Err(_) => break,
                    }
                }
                tracing::warn!("page cache: catalog notifications interrupted; not caching until they are back");
                with_cache(&|cache| {
                    cache.inner.listening.store(false, Ordering::Release);
                    cache.evict(Scope::All);
                });
            }
            pool.close().await;
        })
    }
}

/// A listener on the notification channel, or `None` (logged) when the database cannot be reached.
async fn listen(pool: &PgPool) -> Option<PgListener> {
    let attempt = async {
        let mut listener = PgListener::connect_with(pool).await?;
        listener.listen(CHANNEL).await?;
        Ok::<_, sqlx::Error>(listener)
    };
    match attempt.await {
        Ok(listener) => Some(listener),
        Err(e) => {
            tracing::warn!(error = %e, "page cache: cannot listen for catalog changes; not caching meanwhile");
            None
        }
    }
}

/// The channel the catalog's triggers notify.
const CHANNEL: &str = "bazaar_pages";

/// How long a CDN or browser may show a shared page past its `s-maxage` while it fetches a fresh one.
const STALE_WHILE_REVALIDATE: Duration = Duration::from_secs(30);

/// Does this request carry a cookie that makes its page personal?
fn has_personal_cookie(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|pair| pair.trim_start().starts_with("bazaar_"))
}

fn storable(status: StatusCode, headers: &HeaderMap) -> bool {
    matches!(status, StatusCode::OK | StatusCode::NOT_FOUND)
        && !headers.contains_key(header::SET_COOKIE)
        && headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"))
        && !headers
            .get(header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("private") || v.contains("no-store"))
}

fn mark(headers: &mut HeaderMap, page: Page, cache_control: HeaderValue, hit: bool) {
    headers.insert(header::CACHE_CONTROL, cache_control);
    headers.insert(
        header::VARY,
        HeaderValue::from_static(if page == Page::Shared {
            "Accept-Encoding"
        } else {
            "Cookie, Accept-Encoding"
        }),
    );
    headers.insert(
        "x-bazaar-cache",
        HeaderValue::from_static(if hit { "hit" } else { "miss" }),
    );
}

/// A page for a shopper with a cart or a session: always rendered, and never stored by anyone.
fn personal(mut response: Response) -> Response {
    if response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.to_str().is_ok_and(|v| v.starts_with("text/html")))
    {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
    }
    response
}

/// Names the encoding of a body compressed here, and that it depends on the request's `Accept-Encoding`.
fn mark_encoding(headers: &mut HeaderMap, encoding: Encoding) {
    headers.remove(header::CONTENT_LENGTH);
    if encoding != Encoding::Identity {
        headers.insert(
            header::CONTENT_ENCODING,
            HeaderValue::from_static(encoding.token()),
        );
    }
    let varies = headers
        .get_all(header::VARY)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|name| name.trim().eq_ignore_ascii_case("accept-encoding") || name.trim() == "*");
    if !varies {
        headers.append(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    }
}

/// A body too large to keep, compressed as it streams on.
fn encoded_stream(
    mut parts: axum::http::response::Parts,
    body: Body,
    encoding: Encoding,
) -> Response {
    let Some(encoder) = compress::Encoder::new(encoding, None, Effort::Balanced) else {
        return Response::from_parts(parts, body);
    };
    mark_encoding(&mut parts.headers, encoding);
    let chunks = body.into_data_stream();
    let encoded = futures_util::stream::unfold(Some((chunks, encoder)), |state| async move {
        let (mut chunks, mut encoder) = state?;
        loop {
            match chunks.next().await {
                Some(Ok(data)) => {
                    let out = encoder.push(&data);
                    if !out.is_empty() {
                        return Some((Ok(out), Some((chunks, encoder))));
                    }
                }
                Some(Err(e)) => return Some((Err(e), None)),
                None => return Some((Ok(encoder.finish()), None)),
            }
        }
    });
    Response::from_parts(parts, Body::from_stream(encoded))
}

enum Collected {
    Whole(Bytes),
    /// Over `MAX_BODY`: what was read, then the rest as it comes, not kept.
    TooLarge(Body),
    Broken,
}

/// Reads a rendered page whole, to keep it, unless it is too large to keep. A page that comes in one piece (as a
/// page rendered whole before it is sent does) is kept as it came, without a copy.
async fn collect(mut body: Body) -> Collected {
    let mut first: Option<Bytes> = None;
    let mut collected = Vec::new();
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return Collected::Broken;
        };
        let Ok(data) = frame.into_data() else {
            continue;
        };
        if collected.is_empty() && first.is_none() {
            first = Some(data);
        } else {
            if let Some(first) = first.take() {
                collected.reserve(first.len() + data.len());
                collected.extend_from_slice(&first);
            }
            collected.extend_from_slice(&data);
        }
        let read = first.as_ref().map_or(collected.len(), Bytes::len);
        if read > MAX_BODY {
            let head = first.unwrap_or_else(|| Bytes::from(collected));
            let stream =
                futures_util::stream::once(async move { Ok(head) }).chain(body.into_data_stream());
            return Collected::TooLarge(Body::from_stream(stream));
        }
    }
    Collected::Whole(first.unwrap_or_else(|| Bytes::from(collected)))
}

pub async fn layer(State(cache): State<PageCache>, mut req: Request, next: Next) -> Response {
    let path_and_query = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let page = policy::of(req.uri().path()).page;
    let candidate = req.method() == Method::GET
        && page != Page::No
        && !req.uri().query().is_some_and(|q| q.contains("__err"));
    if !candidate {
        return next.run(req).await;
    }
    if page == Page::Personal && has_personal_cookie(req.headers()) {
        return personal(next.run(req).await);
    }

    let encoding = Encoding::accepted_by(req.headers());
    let key = Key {
        encoding,
        path_and_query: path_and_query.to_string(),
    };
    let if_none_match: Vec<HeaderValue> = req
        .headers()
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .cloned()
        .collect();
    if cache.enabled() {
        let found = cache.lookup(&key);
        let result = if found.is_some() { "hit" } else { "miss" };
        metrics::counter!("bazaar_page_cache_requests_total", "result" => result).increment(1);
        if let Some(entry) = found {
            cache.recompress(key.clone(), entry.clone());
            let mut headers = entry.headers.clone();
            mark(
                &mut headers,
                page,
                cache.inner.shared_cache_control.clone(),
                true,
            );
            if client_has(entry.status, &headers, &if_none_match) {
                return not_modified(&headers);
            }
            let mut response = Response::new(Body::from(entry.body.clone()));
            *response.status_mut() = entry.status;
            *response.headers_mut() = headers;
            return response;
        }
    }

    let generation = cache.generation();
    // The inner layers render the page uncompressed; it is compressed here, whole (see `compress`).
    req.headers_mut().insert(
        header::ACCEPT_ENCODING,
        HeaderValue::from_static(Encoding::Identity.token()),
    );
    let response = next.run(req).await;
    let (mut parts, body) = response.into_parts();
    if !compress::compressible(&parts.headers) {
        return Response::from_parts(parts, body);
    }
    let (body, plain) = match collect(body).await {
        Collected::Whole(plain) => (compress::whole(encoding, &plain, Effort::Quick), plain),
        Collected::TooLarge(stream) => return encoded_stream(parts, stream, encoding),
        Collected::Broken => return super::fn_errors::internal_response(),
    };
    mark_encoding(&mut parts.headers, encoding);
    if !storable(parts.status, &parts.headers) {
        return Response::from_parts(parts, Body::from(body));
    }
    if parts.status == StatusCode::OK {
        parts.headers.insert(header::ETAG, etag_of(&body, encoding));
    }
    mark(
        &mut parts.headers,
        page,
        cache.inner.shared_cache_control.clone(),
        false,
    );
    if cache.enabled() {
        let mut headers = parts.headers.clone();
        headers.remove("x-request-id");
        cache.store(
            key,
            Entry::new(
                parts.status,
                headers,
                body.clone(),
                (encoding != Encoding::Identity).then_some(plain),
            ),
            generation,
        );
    }
    if client_has(parts.status, &parts.headers, &if_none_match) {
        return not_modified(&parts.headers);
    }
    Response::from_parts(parts, Body::from(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(name.clone(), HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn if_none_match_names_a_tag_weakly_or_by_star() {
        let ours = etag_of(b"<html></html>", Encoding::Brotli);
        let tag = ours.to_str().unwrap().to_string();
        assert!(tag.starts_with('"') && tag.ends_with("-br\""));
        let values = |v: &str| vec![HeaderValue::from_str(v).unwrap()];
        assert!(none_match(&values(&tag), &ours));
        assert!(none_match(&values(&format!("\"other\", W/{tag}")), &ours));
        assert!(none_match(&values("*"), &ours));
        assert!(!none_match(&values("\"other\""), &ours));
        assert!(!none_match(&[], &ours));
        // The same bytes in another encoding are another representation.
        assert_ne!(etag_of(b"<html></html>", Encoding::Gzip), ours);
    }

    #[test]
    fn only_bazaar_cookies_make_a_page_personal() {
        assert!(has_personal_cookie(&headers(&[(
            header::COOKIE,
            "_ga=1; bazaar_cart=abc"
        )])));
        assert!(!has_personal_cookie(&headers(&[(
            header::COOKIE,
            "_ga=1; theme=dark"
        )])));
        assert!(!has_personal_cookie(&headers(&[])));
    }

    /// A cache as a server that hears of changes has it.
    fn listening(cache: PageCache) -> PageCache {
        cache.inner.listening.store(true, Ordering::Release);
        cache
    }

    /// A cache of a megabyte that keeps pages a minute, hearing of changes.
    fn listening_cache() -> PageCache {
        listening(PageCache::new(
            Duration::from_secs(60),
            1 << 20,
            Duration::from_secs(5),
        ))
    }

    fn key(path: &str) -> Key {
        Key {
            encoding: Encoding::Identity,
            path_and_query: path.to_string(),
        }
    }

    fn entry(len: usize) -> Entry {
        Entry::new(
            StatusCode::OK,
            HeaderMap::new(),
            Bytes::from(vec![b'x'; len]),
            None,
        )
    }

    fn streamed(pieces: Vec<Vec<u8>>) -> Body {
        Body::from_stream(futures_util::stream::iter(
            pieces
                .into_iter()
                .map(|piece| Ok::<_, std::io::Error>(Bytes::from(piece))),
        ))
    }

    #[tokio::test]
    async fn a_page_is_collected_whole_from_one_piece_or_many() {
        let Collected::Whole(one) = collect(Body::from("<p>one piece</p>")).await else {
            panic!("not collected whole");
        };
        assert_eq!(&one[..], b"<p>one piece</p>");
        let pieces = streamed(vec![
            b"<p>".to_vec(),
            Vec::new(),
            b"many".to_vec(),
            b" pieces</p>".to_vec(),
        ]);
        let Collected::Whole(many) = collect(pieces).await else {
            panic!("not collected whole");
        };
        assert_eq!(&many[..], b"<p>many pieces</p>");
    }

    /// A body over `MAX_BODY` is not kept: it streams on, compressed as it goes, every byte of it.
    #[tokio::test]
    async fn a_body_too_large_to_keep_streams_on_compressed() {
        let piece: Vec<u8> = (0..MAX_BODY / 2 + 1)
            .map(|i| b"<li>card</li>"[i % 13])
            .collect();
        let body = streamed(vec![piece.clone(), piece.clone(), piece.clone()]);
        let Collected::TooLarge(rest) = collect(body).await else {
            panic!("a body over the limit was kept");
        };
        let (parts, _) = Response::new(()).into_parts();
        let response = encoded_stream(parts, rest, Encoding::Brotli);
        assert_eq!(response.headers()[header::CONTENT_ENCODING], "br");
        let packed = response.into_body().collect().await.unwrap().to_bytes();
        let mut unpacked = Vec::new();
        std::io::Read::read_to_end(
            &mut brotli::Decompressor::new(&packed[..], 4096),
            &mut unpacked,
        )
        .unwrap();
        assert_eq!(unpacked.len(), 3 * piece.len());
        assert!(unpacked.chunks(piece.len()).all(|chunk| chunk == piece));
    }

    #[test]
    fn notifications_name_their_scope() {
        assert_eq!(Scope::parse("*"), Some(Scope::All));
        assert_eq!(Scope::parse("l"), Some(Scope::Listings));
        assert_eq!(Scope::parse("p"), Some(Scope::Products));
        assert_eq!(
            Scope::parse("p:wool-coat"),
            Some(Scope::Product("wool-coat".into()))
        );
        assert_eq!(Scope::parse("p:"), None);
        assert_eq!(Scope::parse("x"), None);
    }

    #[test]
    fn a_scope_covers_its_pages_only() {
        let coat = Scope::Product("coat".into());
        assert!(coat.covers("/p/coat"));
        assert!(coat.covers("/p/coat?variant=C-M"));
        assert!(!coat.covers("/p/coats"));
        assert!(!coat.covers("/c/coat"));
        for listing in [
            "/",
            "/?x=1",
            "/c/clothing?sort=price",
            "/search?q=coat",
            "/collections/gifts",
        ] {
            assert!(Scope::Listings.covers(listing), "{listing}");
            assert!(!Scope::Products.covers(listing), "{listing}");
        }
        assert!(!Scope::Listings.covers("/p/coat"));
        assert!(!Scope::Listings.covers("/account/sign-in"));
        assert!(Scope::All.covers("/account/sign-in"));
    }

    #[test]
    fn eviction_drops_what_it_covers_and_keeps_the_rest() {
        let cache = listening_cache();
        for path in [
            "/p/coat",
            "/p/coat?variant=C-M",
            "/p/hat",
            "/c/clothing",
            "/account/sign-in",
        ] {
            cache.store(key(path), entry(10), cache.generation());
        }
        cache.evict(Scope::Product("coat".into()));
        assert!(cache.lookup(&key("/p/coat")).is_none());
        assert!(cache.lookup(&key("/p/coat?variant=C-M")).is_none());
        assert!(cache.lookup(&key("/p/hat")).is_some());
        assert!(cache.lookup(&key("/c/clothing")).is_some());
        cache.evict(Scope::Listings);
        assert!(cache.lookup(&key("/c/clothing")).is_none());
        assert!(cache.lookup(&key("/p/hat")).is_some());
        cache.evict(Scope::All);
        assert!(cache.lookup(&key("/p/hat")).is_none());
        assert!(cache.lookup(&key("/account/sign-in")).is_none());
    }

    /// A page whose render began before a change it shows, and ended after the change's eviction, is not kept.
    #[test]
    fn a_render_overtaken_by_an_eviction_is_not_stored() {
        let cache = listening_cache();
        let before = cache.generation();
        cache.evict(Scope::Product("coat".into()));
        cache.store(key("/p/coat"), entry(10), before);
        assert!(cache.lookup(&key("/p/coat")).is_none());
        // Another product's render is kept.
        cache.store(key("/p/hat"), entry(10), before);
        assert!(cache.lookup(&key("/p/hat")).is_some());
        // Too many evictions to remember since the render began: not kept.
        let long_ago = cache.generation();
        for _ in 0..=RECENT_EVICTIONS {
            cache.evict(Scope::Product("other".into()));
        }
        cache.store(key("/p/scarf"), entry(10), long_ago);
        assert!(cache.lookup(&key("/p/scarf")).is_none());
        cache.store(key("/p/scarf"), entry(10), cache.generation());
        assert!(cache.lookup(&key("/p/scarf")).is_some());
    }

    #[test]
    fn a_full_cache_evicts_by_size() {
        let cache = listening(PageCache::new(
            Duration::from_secs(60),
            64 * 1024,
            Duration::from_secs(5),
        ));
        for i in 0..64 {
            cache.store(
                key(&format!("/p/item-{i}")),
                entry(4096),
                cache.generation(),
            );
        }
        cache.inner.entries.run_pending_tasks();
        assert!(cache.inner.entries.weighted_size() <= 64 * 1024);
        assert!(cache.inner.entries.entry_count() < 64);
    }

    #[test]
    fn shared_pages_tell_a_cdn_the_shorter_lifetime() {
        let cache = PageCache::new(Duration::from_secs(300), 1 << 20, Duration::from_secs(5));
        assert_eq!(
            cache.inner.shared_cache_control,
            "public, max-age=0, s-maxage=5, stale-while-revalidate=30"
        );
    }
}
