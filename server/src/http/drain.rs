//! Draining for a deploy. On SIGTERM the server first tells the load balancer to stop sending it traffic —
//! `/readyz` answers 503 — while it goes on serving whatever still arrives, and asks HTTP/1.1 clients to close
//! their keep-alive connections after each answer, so none is left idle for a request to race the listener's
//! close. Live stock streams end at once (browsers reconnect to another server). After the drain delay the
//! listener closes and requests in flight finish.

use super::live_stock::LiveStock;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Version};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Whether this server drains: shared by `/readyz` and the connection layer.
#[derive(Clone, Default)]
pub struct Draining(Arc<AtomicBool>);

impl Draining {
    pub fn get(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
}

/// What starts the drain.
#[derive(Clone)]
pub struct Drain {
    pub draining: Draining,
    pub live_stock: LiveStock,
}

impl Drain {
    pub fn start(&self) {
        self.draining.0.store(true, Ordering::Release);
        self.live_stock.drain();
    }
}

/// While draining, each HTTP/1.1 answer closes its connection (HTTP/2 has no such header; its connections are
/// closed by the server's graceful shutdown with a GOAWAY).
pub async fn layer(State(draining): State<Draining>, request: Request, next: Next) -> Response {
    let http1 = request.version() <= Version::HTTP_11;
    let mut response = next.run(request).await;
    if http1 && draining.get() {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}
