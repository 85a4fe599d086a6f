//! `/healthz`: the process is up (for liveness probes). `/readyz`: it can reach the database (for load balancers
//! and deploys: a new instance gets traffic only once this answers 200, and a draining one answers 503 at once).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use backend::AppState;
use std::time::Duration;

pub fn routes() -> Router<super::SiteState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(
    State(state): State<AppState>,
    State(draining): State<super::drain::Draining>,
) -> (StatusCode, &'static str) {
    if draining.get() {
        return (StatusCode::SERVICE_UNAVAILABLE, "draining");
    }
    let check = sqlx::query_scalar!("select 1 as \"one!\"").fetch_one(&state.pool);
    match tokio::time::timeout(Duration::from_secs(2), check).await {
        Ok(Ok(_)) => (StatusCode::OK, "ready"),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database timeout"),
    }
}
