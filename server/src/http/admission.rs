//! Admission control: checkout is kept apart from everything else, so a surge of browsing cannot starve it.
//!
//! Requests fall into two lanes (the route table, `app::request::policy`, says which), each with its own limit on
//! requests in flight:
//! - **the money path**: the cart and its changes, checkout, orders, payments and webhooks: when its limit is
//!   reached a request waits for a slot, up to [`CHECKOUT_WAIT`], before it is turned away;
//! - **everything else** (catalog pages): when its limit is reached the request is refused at once with
//!   `503 Service Unavailable` and `Retry-After: 1`, so under overload browsing is shed first. Its default limit
//!   is small (8 per core): on a busy day CPU, not connections, is what runs out.
//!
//! Health checks and static files are not counted. Pages served from the page cache never get here (that layer
//! sits outside this one), so shedding only ever applies to requests that would cost a render. Checkout also has
//! its own database pool (see `startup`), so its queries never wait behind catalog queries.

use app::error::AppError;
use app::request::policy::{self, Lane};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// How long a checkout request may wait for a slot.
pub const CHECKOUT_WAIT: Duration = Duration::from_secs(10);

#[derive(Clone)]
pub struct Admission {
    checkout: Arc<Semaphore>,
    other: Arc<Semaphore>,
}

impl Admission {
    pub fn new(checkout_limit: usize, other_limit: usize) -> Self {
        Admission {
            checkout: Arc::new(Semaphore::new(checkout_limit.max(1))),
            other: Arc::new(Semaphore::new(other_limit.max(1))),
        }
    }
}

fn busy() -> Response {
    let body = serde_json::to_vec(&AppError::Unavailable).unwrap_or_default();
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    let headers = response.headers_mut();
    headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

pub async fn layer(State(admission): State<Admission>, req: Request, next: Next) -> Response {
    match policy::of(req.uri().path()).lane {
        Lane::Exempt => next.run(req).await,
        Lane::Browse => match admission.other.clone().try_acquire_owned() {
            Ok(_permit) => {
                let _counted = InFlight::enter("browse");
                next.run(req).await
            }
            Err(_) => {
                tracing::warn!(path = %req.uri().path(), "shedding: catalog limit reached");
                metrics::counter!("bazaar_admission_shed_total", "lane" => "browse").increment(1);
                busy()
            }
        },
        Lane::Checkout => {
            match tokio::time::timeout(CHECKOUT_WAIT, admission.checkout.clone().acquire_owned())
                .await
            {
                Ok(Ok(_permit)) => {
                    let _counted = InFlight::enter("checkout");
                    next.run(req).await
                }
                _ => {
                    tracing::warn!(path = %req.uri().path(), "checkout limit reached and no slot freed in time");
                    metrics::counter!("bazaar_admission_shed_total", "lane" => "checkout")
                        .increment(1);
                    busy()
                }
            }
        }
    }
}

/// A request holding a slot, counted in `bazaar_admission_in_flight` until it ends (or is dropped).
struct InFlight(&'static str);

impl InFlight {
    fn enter(lane: &'static str) -> Self {
        metrics::gauge!("bazaar_admission_in_flight", "lane" => lane).increment(1.0);
        InFlight(lane)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        metrics::gauge!("bazaar_admission_in_flight", "lane" => self.0).decrement(1.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;
    use axum::Router;
    use tower::ServiceExt;

    /// With both limits at one: a second catalog request while one is in flight is shed at once, and a
    /// checkout request still gets through.
    #[tokio::test]
    async fn catalog_is_shed_first_and_checkout_goes_through() {
        let admission = Admission::new(1, 1);
        let gate = Arc::new(tokio::sync::Notify::new());
        let held = gate.clone();
        let app = Router::new()
            .route(
                "/c/slow",
                get(move || {
                    let held = held.clone();
                    async move {
                        held.notified().await;
                        "slow page"
                    }
                }),
            )
            .route("/checkout", get(|| async { "checkout" }))
            .layer(axum::middleware::from_fn_with_state(admission, layer));
        let req = |path: &str| Request::builder().uri(path).body(Body::empty()).unwrap();

        let slow = tokio::spawn(app.clone().oneshot(req("/c/slow")));
        tokio::task::yield_now().await;
        tokio::time::sleep(Duration::from_millis(50)).await;

        let shed = app.clone().oneshot(req("/c/slow")).await.unwrap();
        assert_eq!(shed.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(shed.headers()[header::RETRY_AFTER], "1");
        let checkout = app.clone().oneshot(req("/checkout")).await.unwrap();
        assert_eq!(checkout.status(), StatusCode::OK);

        gate.notify_one();
        assert_eq!(slow.await.unwrap().unwrap().status(), StatusCode::OK);
    }
}
