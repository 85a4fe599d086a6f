//! Metrics in Prometheus' text format, on a listener of their own (`BAZAAR_METRICS_BIND`, e.g. `127.0.0.1:9091`),
//! never on the public port: what an operator scrapes is not for shoppers.
//!
//! Counters and histograms are recorded where things happen (requests in `http::request_metrics`, the page
//! cache, admission, rate limits, database waits, jobs, orders, payments); gauges that describe a state (pools,
//! the job queue, the standby's lag) are read when Prometheus scrapes, so they cost nothing in between. The
//! README lists every metric.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use backend::AppState;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Duration;

/// Latency buckets (seconds) of every `…_seconds` histogram: a cached page (well under a millisecond) to a slow
/// provider call (seconds).
const BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The process's recorder, installed on first use: the metrics facade has one recorder per process (the
/// integration tests run many apps in one, and they share it).
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), BUCKETS)
            .expect("the buckets are not empty")
            .build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("a metrics recorder was installed already: /metrics shows none of ours");
        }
        handle
    })
}

/// What a scrape reads besides the recorded metrics.
#[derive(Clone)]
pub struct Scrape {
    pub state: AppState,
    /// Catalog reads go to a standby (`DATABASE_READ_URL`): its replay lag is reported.
    pub standby: bool,
}

pub fn routes(scrape: Scrape) -> Router {
    Router::new()
        .route("/metrics", get(render))
        .with_state(scrape)
}

async fn render(State(scrape): State<Scrape>) -> impl IntoResponse {
    observe(&scrape).await;
    let handle = handle();
    handle.run_upkeep();
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        handle.render(),
    )
}

/// Serves `/metrics` on `addr` until the process ends, and keeps the histograms' upkeep.
pub async fn serve(addr: std::net::SocketAddr, scrape: Scrape) -> Result<(), crate::BoxError> {
    handle();
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(addr = %listener.local_addr()?, "metrics listening");
    tokio::spawn(async {
        let mut tick = tokio::time::interval(Duration::from_secs(5));
        loop {
            tick.tick().await;
            handle().run_upkeep();
        }
    });
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, routes(scrape)).await {
            tracing::error!(error = %e, "the metrics listener stopped");
        }
    });
    Ok(())
}

/// The gauges read at scrape time. A query that fails or takes over a second leaves its gauges as they were
/// (and says so in the log): a scrape never waits on a busy database for long.
async fn observe(scrape: &Scrape) {
    let state = &scrape.state;
    let mut pools = vec![("primary", &state.pool), ("checkout", &state.checkout_pool)];
    if scrape.standby {
        pools.push(("read", &state.read_pool.0));
    }
    for (name, pool) in pools {
        let size = f64::from(pool.size());
        let idle = pool.num_idle() as f64;
        metrics::gauge!("bazaar_db_pool_connections", "pool" => name, "state" => "idle").set(idle);
        metrics::gauge!("bazaar_db_pool_connections", "pool" => name, "state" => "in_use")
            .set((size - idle).max(0.0));
        metrics::gauge!("bazaar_db_pool_max_connections", "pool" => name)
            .set(f64::from(pool.options().get_max_connections()));
    }

    let within = Duration::from_secs(1);
    match tokio::time::timeout(within, backend::db::job::queue(&state.pool)).await {
        Ok(Ok(kinds)) => {
            for kind in kinds {
                let k = kind.kind;
                metrics::gauge!("bazaar_jobs_queued", "kind" => k.clone()).set(kind.queued as f64);
                metrics::gauge!("bazaar_jobs_ready", "kind" => k.clone()).set(kind.ready as f64);
                metrics::gauge!("bazaar_jobs_oldest_ready_seconds", "kind" => k.clone())
                    .set(kind.oldest_ready_secs);
                metrics::gauge!("bazaar_jobs_dead", "kind" => k).set(kind.dead as f64);
            }
        }
        Ok(Err(e)) => tracing::warn!(error = %e, "metrics: could not read the job queue"),
        Err(_) => tracing::warn!("metrics: reading the job queue took over a second"),
    }

    if scrape.standby {
        let lag = sqlx::query_scalar!(
            // Caught up (all it received is replayed) counts as no lag, however long the primary has been idle.
            r#"select (case when not pg_is_in_recovery()
                                 or pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0
                            else coalesce(extract(epoch from now() - pg_last_xact_replay_timestamp()), 0)
                       end)::float8 as "lag!""#
        )
        .fetch_one(&state.read_pool.0);
        match tokio::time::timeout(within, lag).await {
            Ok(Ok(seconds)) => {
                metrics::gauge!("bazaar_db_standby_up").set(1.0);
                metrics::gauge!("bazaar_db_standby_lag_seconds").set(seconds);
            }
            _ => metrics::gauge!("bazaar_db_standby_up").set(0.0),
        }
    }
}
