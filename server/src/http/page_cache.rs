//! A short-lived cache of whole HTML pages for anonymous shoppers.
//!
//! A shopper without a Bazaar cookie (no cart yet, not signed in) sees exactly what every other anonymous shopper
//! sees, so the rendered page can be shared for a few seconds. The cache sits outside compression and stores the
//! compressed bytes per encoding (br, gzip, identity): a hit costs a map lookup and a copy of the headers.
//!
//! What is never stored: requests carrying a `bazaar_*` cookie (their header shows their own cart), anything but
//! GET, pages with the no-JS error round trip (`__err`), responses that set a cookie or say `private`/`no-store`,
//! statuses other than 200 and 404, non-HTML, and bodies over [`MAX_BODY`].
//!
//! Shared responses say `Cache-Control: public, max-age=0, s-maxage=<ttl>` and `Vary: Cookie, Accept-Encoding`, so
//! a CDN in front can hold them for as long as this cache does (configure it to bypass its cache when a
//! `bazaar_*` cookie is present); personal ones say `private, no-store`. A shared page also carries an `ETag` (a
//! digest of its bytes in that encoding), and a request whose `If-None-Match` names it gets `304 Not Modified`
//! without a body: browsers (which revalidate every visit, as `max-age=0` says) and CDNs revalidate for a few
//! hundred bytes instead of the page.
//! With several app servers each keeps its own copy; pages are at most `ttl` old either way.

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use futures_util::StreamExt;
use http_body_util::BodyExt;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fmt::Write as _;
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
    max_bytes: usize,
    shared_cache_control: HeaderValue,
    entries: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    map: HashMap<Key, Arc<Entry>>,
    bytes: usize,
}

#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    encoding: Encoding,
    path_and_query: String,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

impl Encoding {
    /// Its `Accept-Encoding` token.
    fn token(self) -> &'static str {
        match self {
            Encoding::Brotli => "br",
            Encoding::Gzip => "gzip",
            Encoding::Identity => "identity",
        }
    }
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
    stored: Instant,
}

impl Entry {
    fn weight(&self, key: &Key) -> usize {
        self.body.len() + key.path_and_query.len() + 512
    }
}

impl PageCache {
    /// `ttl` zero turns the cache off (pages are still marked public or private for a CDN).
    pub fn new(ttl: Duration, max_bytes: usize) -> Self {
        let shared_cache_control =
            HeaderValue::from_str(&format!("public, max-age=0, s-maxage={}", ttl.as_secs()))
                .expect("a number is a valid header value");
        Self {
            inner: Arc::new(Inner {
                ttl,
                max_bytes,
                shared_cache_control,
                entries: Mutex::new(Entries::default()),
            }),
        }
    }

    fn enabled(&self) -> bool {
        !self.inner.ttl.is_zero()
    }

    fn lookup(&self, key: &Key) -> Option<Arc<Entry>> {
        let entries = self.inner.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .map
            .get(key)
            .filter(|entry| entry.stored.elapsed() < self.inner.ttl)
            .cloned()
    }

    fn store(&self, key: Key, entry: Entry) {
        let weight = entry.weight(&key);
        let mut entries = self.inner.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.bytes + weight > self.inner.max_bytes {
            let ttl = self.inner.ttl;
            let mut freed = 0;
            entries.map.retain(|k, e| {
                let keep = e.stored.elapsed() < ttl;
                if !keep {
                    freed += e.weight(k);
                }
                keep
            });
            entries.bytes -= freed;
            if entries.bytes + weight > self.inner.max_bytes {
                return; // full of fresh pages: serve this one uncached
            }
        }
        if let Some(old) = entries.map.insert(key.clone(), Arc::new(entry)) {
            entries.bytes -= old.weight(&key);
        }
        entries.bytes += weight;
    }
}

/// Does this request carry a cookie that makes its page personal?
fn has_personal_cookie(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|pair| pair.trim_start().starts_with("bazaar_"))
}

fn encoding_of(headers: &HeaderMap) -> Encoding {
    let accepted: Vec<String> = headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter(|item| !item.contains("q=0") || item.contains("q=0."))
        .map(|item| {
            item.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .collect();
    if accepted.iter().any(|e| e == "br") {
        Encoding::Brotli
    } else if accepted.iter().any(|e| e == "gzip") {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

fn is_page_path(path: &str) -> bool {
    app::request::policy::of(path).page
}

fn storable(response: &Response) -> bool {
    let headers = response.headers();
    matches!(response.status(), StatusCode::OK | StatusCode::NOT_FOUND)
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

fn mark(headers: &mut HeaderMap, cache_control: HeaderValue, hit: bool) {
    headers.insert(header::CACHE_CONTROL, cache_control);
    headers.insert(
        header::VARY,
        HeaderValue::from_static("Cookie, Accept-Encoding"),
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

enum Collected {
    Whole(Bytes),
    /// Over `MAX_BODY`: what was read, then the rest as it comes, not kept.
    TooLarge(Body),
    Broken,
}

/// Reads a rendered page whole, to keep it, unless it is too large to keep.
async fn collect(mut body: Body) -> Collected {
    let mut collected = Vec::new();
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return Collected::Broken;
        };
        if let Ok(data) = frame.into_data() {
            collected.extend_from_slice(&data);
            if collected.len() > MAX_BODY {
                let head = futures_util::stream::once(async move { Ok(Bytes::from(collected)) });
                let stream = head.chain(body.into_data_stream());
                return Collected::TooLarge(Body::from_stream(stream));
            }
        }
    }
    Collected::Whole(Bytes::from(collected))
}

pub async fn layer(State(cache): State<PageCache>, mut req: Request, next: Next) -> Response {
    let path_and_query = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let candidate = req.method() == Method::GET
        && is_page_path(req.uri().path())
        && !req.uri().query().is_some_and(|q| q.contains("__err"));
    if !candidate {
        return next.run(req).await;
    }
    if has_personal_cookie(req.headers()) {
        return personal(next.run(req).await);
    }

    let encoding = encoding_of(req.headers());
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
        if let Some(entry) = cache.lookup(&key) {
            let mut headers = entry.headers.clone();
            mark(&mut headers, cache.inner.shared_cache_control.clone(), true);
            if client_has(entry.status, &headers, &if_none_match) {
                return not_modified(&headers);
            }
            let mut response = Response::new(Body::from(entry.body.clone()));
            *response.status_mut() = entry.status;
            *response.headers_mut() = headers;
            return response;
        }
    }

    // Ask the inner layers for exactly the encoding this entry is filed under.
    req.headers_mut().insert(
        header::ACCEPT_ENCODING,
        HeaderValue::from_static(encoding.token()),
    );
    let response = next.run(req).await;
    if !storable(&response) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let body = match collect(body).await {
        Collected::Whole(body) => body,
        Collected::TooLarge(stream) => return Response::from_parts(parts, stream),
        Collected::Broken => return super::fn_errors::internal_response(),
    };
    if parts.status == StatusCode::OK {
        parts.headers.insert(header::ETAG, etag_of(&body, encoding));
    }
    mark(
        &mut parts.headers,
        cache.inner.shared_cache_control.clone(),
        false,
    );
    if cache.enabled() {
        let mut headers = parts.headers.clone();
        headers.remove("x-request-id");
        cache.store(
            key,
            Entry {
                status: parts.status,
                headers,
                body: body.clone(),
                stored: Instant::now(),
            },
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
    fn picks_the_best_accepted_encoding() {
        assert_eq!(
            encoding_of(&headers(&[(header::ACCEPT_ENCODING, "gzip, deflate, br")])),
            Encoding::Brotli
        );
        assert_eq!(
            encoding_of(&headers(&[(header::ACCEPT_ENCODING, "gzip")])),
            Encoding::Gzip
        );
        assert_eq!(
            encoding_of(&headers(&[(header::ACCEPT_ENCODING, "br;q=0, gzip")])),
            Encoding::Gzip
        );
        assert_eq!(
            encoding_of(&headers(&[(header::ACCEPT_ENCODING, "br;q=0.5")])),
            Encoding::Brotli
        );
        assert_eq!(encoding_of(&headers(&[])), Encoding::Identity);
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

    #[test]
    fn expired_entries_make_room_and_fresh_ones_are_kept() {
        let cache = PageCache::new(Duration::from_secs(60), 4096);
        let key = |p: &str| Key {
            encoding: Encoding::Identity,
            path_and_query: p.to_string(),
        };
        let entry = |len: usize, age: Duration| Entry {
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body: Bytes::from(vec![b'x'; len]),
            stored: Instant::now() - age,
        };
        cache.store(key("/old"), entry(2000, Duration::from_secs(120)));
        cache.store(key("/a"), entry(1000, Duration::ZERO));
        assert!(cache.lookup(&key("/old")).is_none(), "expired");
        // Storing /b needs the expired page's room.
        cache.store(key("/b"), entry(1000, Duration::ZERO));
        assert!(cache.lookup(&key("/a")).is_some());
        assert!(cache.lookup(&key("/b")).is_some());
        // No room left for fresh pages: the new one is not stored, the old ones stay.
        cache.store(key("/c"), entry(3000, Duration::ZERO));
        assert!(cache.lookup(&key("/c")).is_none());
        assert!(cache.lookup(&key("/a")).is_some());
    }
}
