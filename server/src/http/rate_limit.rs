//! Rate limits per client IP: one for every request (pages, server functions), and a tighter one for placing and
//! paying for orders (card testing, order floods). Over a limit: 429 with `Retry-After`, as a friendly page for a
//! browser and as `AppError::RateLimited` for the app's own calls.
//!
//! The client IP is the TCP peer, unless that peer is a configured trusted proxy: then it is the right-most
//! address in `X-Forwarded-For` that is not itself a trusted proxy (the left part of that header is whatever the
//! client wrote, so it is never believed).
//!
//! Limits are kept in memory, per app server (GCRA through the `governor` crate). With several instances each
//! allows the full rate: enforce a shared limit at the edge (load balancer, CDN) or divide the limits by the number
//! of instances; see the README.

use crate::config::IpLimits;
use app::error::AppError;
use app::request::policy::{self, Limit};
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone)]
pub struct RateLimits {
    all: Option<Arc<DefaultKeyedRateLimiter<IpAddr>>>,
    orders: Option<Arc<DefaultKeyedRateLimiter<IpAddr>>>,
    sign_in: Option<Arc<DefaultKeyedRateLimiter<IpAddr>>>,
    trusted: Arc<Vec<ipnet::IpNet>>,
}

fn limiter(per_minute: Option<NonZeroU32>) -> Option<Arc<DefaultKeyedRateLimiter<IpAddr>>> {
    // A burst of a tenth of the minute's allowance (at least 5): a page load fetches a few things at once.
    per_minute.map(|n| {
        let burst = NonZeroU32::new((n.get() / 10).max(5)).unwrap_or(NonZeroU32::MIN);
        Arc::new(RateLimiter::keyed(
            Quota::per_minute(n).allow_burst(burst.min(n)),
        ))
    })
}

impl RateLimits {
    pub fn new(limits: &IpLimits) -> Self {
        let this = RateLimits {
            all: limiter(limits.per_ip_per_minute),
            orders: limiter(limits.orders_per_ip_per_minute),
            sign_in: limiter(limits.sign_in_per_ip_per_minute),
            trusted: Arc::new(limits.trusted_proxies.clone()),
        };
        // Forget clients that have been quiet long enough to be back at a full allowance.
        let sweep = this.clone();
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            handle.spawn(async move {
                let mut tick = tokio::time::interval(Duration::from_secs(60));
                loop {
                    tick.tick().await;
                    for l in [&sweep.all, &sweep.orders, &sweep.sign_in]
                        .into_iter()
                        .flatten()
                    {
                        l.retain_recent();
                        l.shrink_to_fit();
                    }
                }
            });
        }
        this
    }

    fn is_trusted(&self, ip: IpAddr) -> bool {
        self.trusted.iter().any(|net| net.contains(&ip))
    }

    /// The client's address, believing `X-Forwarded-For` only as far as trusted proxies wrote it.
    pub fn client_ip(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.is_trusted(peer) {
            return peer;
        }
        let forwarded: Vec<IpAddr> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|part| part.trim().parse::<IpAddr>().ok())
            .collect();
        forwarded
            .iter()
            .rev()
            .find(|ip| !self.is_trusted(**ip))
            .or_else(|| forwarded.first())
            .copied()
            .unwrap_or(peer)
    }
}

fn wait(limiter: &DefaultKeyedRateLimiter<IpAddr>, ip: &IpAddr) -> Option<Duration> {
    limiter
        .check_key(ip)
        .err()
        .map(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
}

pub async fn layer(State(limits): State<RateLimits>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let limit = policy::of(path).limit;
    if limit == Limit::None {
        return next.run(request).await;
    }
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let Some(peer) = peer else {
        // Served without connection info (never in `serve`): nothing to key on.
        return next.run(request).await;
    };
    let ip = limits.client_ip(peer, request.headers());
    let order_wait = match limit {
        Limit::Orders => limits.orders.as_deref().and_then(|l| wait(l, &ip)),
        Limit::SignIn => limits.sign_in.as_deref().and_then(|l| wait(l, &ip)),
        Limit::General | Limit::None => None,
    };
    let which = match limit {
        Limit::Orders => "orders",
        Limit::SignIn => "sign_in",
        Limit::General | Limit::None => "general",
    };
    let (wait, which) = match order_wait {
        Some(wait) => (Some(wait), which),
        None => (limits.all.as_deref().and_then(|l| wait(l, &ip)), "general"),
    };
    match wait {
        None => next.run(request).await,
        Some(wait) => {
            metrics::counter!("bazaar_rate_limited_total", "limit" => which).increment(1);
            tracing::warn!(%ip, path, retry_after_ms = wait.as_millis() as u64, "rate limited");
            too_many(request.headers(), wait)
        }
    }
}

/// 429: the app's JSON error for its own calls, a short page for a browser.
fn too_many(headers: &HeaderMap, wait: Duration) -> Response {
    let error = AppError::rate_limited(wait);
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("application/json") && !a.contains("text/html"));
    let mut response = if wants_json {
        super::fn_errors::error_response(&error)
    } else {
        let secs = error.retry_after_secs().unwrap_or(1);
        let mut page = Response::new(Body::from(format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
             <title>Please slow down</title></head>\
             <body style=\"font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem\">\
             <h1>Please slow down</h1><p>We received a lot of requests from your connection in a short time. \
             Please wait {secs} second{s} and try again.</p><p><a href=\"/\">Back to the shop</a></p></body></html>",
            s = if secs == 1 { "" } else { "s" }
        )));
        page.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        super::fn_errors::set_error_status(&mut page, &error);
        page
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(trusted: &[&str]) -> RateLimits {
        RateLimits::new(&IpLimits {
            per_ip_per_minute: NonZeroU32::new(60),
            orders_per_ip_per_minute: NonZeroU32::new(5),
            sign_in_per_ip_per_minute: NonZeroU32::new(5),
            trusted_proxies: trusted.iter().map(|t| t.parse().unwrap()).collect(),
        })
    }

    fn xff(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", value.parse().unwrap());
        h
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let l = limits(&["10.0.0.0/8"]);
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        // A client talking to us directly cannot choose its address.
        assert_eq!(
            l.client_ip(ip("203.0.113.9"), &xff("1.2.3.4")),
            ip("203.0.113.9")
        );
        // Through our proxy: the address it saw, not what the client put in front.
        assert_eq!(
            l.client_ip(ip("10.0.0.2"), &xff("6.6.6.6, 203.0.113.9")),
            ip("203.0.113.9")
        );
        // Through two of our proxies.
        assert_eq!(
            l.client_ip(ip("10.0.0.2"), &xff("203.0.113.9, 10.0.0.7")),
            ip("203.0.113.9")
        );
        // A proxy that sent nothing usable: the proxy itself.
        assert_eq!(l.client_ip(ip("10.0.0.2"), &xff("garbage")), ip("10.0.0.2"));
    }
}
