//! Every request counted (`bazaar_http_requests_total`) and timed (`bazaar_http_request_duration_seconds`) by
//! route template (`/c/{slug}`, never the path itself, so the labels stay few), method and status.

use axum::extract::{MatchedPath, Request};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;

pub async fn layer(req: Request, next: Next) -> Response {
    let started = Instant::now();
    // Requests no route took (static files, unknown paths) share one label.
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "other".to_string(), |p| p.as_str().to_string());
    let method = match *req.method() {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    };
    let response = next.run(req).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("bazaar_http_requests_total", "route" => route.clone(), "method" => method, "status" => status)
        .increment(1);
    metrics::histogram!("bazaar_http_request_duration_seconds", "route" => route, "method" => method)
        .record(started.elapsed().as_secs_f64());
    response
}
