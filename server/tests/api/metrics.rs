use crate::helpers::spawn_app;
use sqlx::PgPool;

/// The line of `metric` whose labels include every one of `labels` (`name="value"`), if any.
fn line<'a>(text: &'a str, metric: &str, labels: &[&str]) -> Option<&'a str> {
    text.lines().find(|l| {
        l.starts_with(&format!("{metric}{{")) && labels.iter().all(|label| l.contains(label))
    })
}

fn value(line: &str) -> f64 {
    line.rsplit(' ').next().unwrap().parse().unwrap()
}

/// `/metrics` answers on its own listener, never on the shop's port, with requests by route template, the pools,
/// the page cache, and the job queue read at scrape time (depth, and the age of the oldest ready job).
#[sqlx::test(migrations = "../migrations")]
async fn metrics_are_served_apart_and_name_routes_pools_cache_and_queue(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    assert_eq!(
        app.get("/metrics").await.status(),
        404,
        "not on the public port"
    );
    for _ in 0..2 {
        assert_eq!(app.get("/c/knitwear").await.status(), 200);
    }
    // A server function, refused (nothing in the cart): labelled by its own path, which the alert rules and the
    // dashboard's checkout panels match (`/api/checkout.*`).
    let refused = app.call("checkout/place", &[]).await.status();
    assert!(refused.is_client_error(), "{refused}");
    // A job of a kind no worker runs, ready for a minute: the queue's oldest ready job.
    sqlx::query(
        "insert into job (kind, run_at) values ('metrics.test', now() - interval '60 seconds')",
    )
    .execute(&pool)
    .await
    .unwrap();

    // A connection taken as the services take one: its wait is timed.
    drop(app.state.conn("a metrics test").await.unwrap());

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let scrape = server::metrics::Scrape {
        state: app.state.clone(),
        // The primary stands in for a standby: not in recovery, so no lag, and up.
        standby: true,
    };
    let serving =
        tokio::spawn(async move { axum::serve(listener, server::metrics::routes(scrape)).await });
    let response = reqwest::get(format!("http://{addr}/metrics"))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let text = response.text().await.unwrap();
    // Its state holds pool connections: ended, so the test's database can be dropped.
    serving.abort();

    // The template, not the path: one series for every category.
    let requests = line(
        &text,
        "bazaar_http_requests_total",
        &["route=\"/c/{slug}\"", "method=\"GET\"", "status=\"200\""],
    )
    .unwrap_or_else(|| panic!("category requests by template:\n{text}"));
    assert!(value(requests) >= 2.0, "{requests}");
    assert!(!text.contains("/c/knitwear"), "no label carries a path");
    let status = format!("status=\"{}\"", refused.as_u16());
    assert!(
        line(
            &text,
            "bazaar_http_requests_total",
            &["route=\"/api/checkout/place\"", "method=\"POST\"", &status]
        )
        .is_some(),
        "{text}"
    );
    assert!(
        line(
            &text,
            "bazaar_http_request_duration_seconds_bucket",
            &["route=\"/c/{slug}\""]
        )
        .is_some(),
        "latency histogram by route"
    );
    for state in ["idle", "in_use"] {
        let label = format!("state=\"{state}\"");
        assert!(
            line(
                &text,
                "bazaar_db_pool_connections",
                &["pool=\"primary\"", &label]
            )
            .is_some(),
            "{text}"
        );
    }
    assert!(line(
        &text,
        "bazaar_db_pool_max_connections",
        &["pool=\"checkout\""]
    )
    .is_some());
    assert!(
        line(
            &text,
            "bazaar_db_acquire_seconds_count",
            &["pool=\"primary\""]
        )
        .is_some(),
        "{text}"
    );
    assert!(
        line(
            &text,
            "bazaar_page_cache_requests_total",
            &["result=\"miss\""]
        )
        .is_some(),
        "{text}"
    );

    let queued =
        line(&text, "bazaar_jobs_queued", &["kind=\"metrics.test\""]).expect("queue depth by kind");
    assert_eq!(value(queued), 1.0);
    let oldest = line(
        &text,
        "bazaar_jobs_oldest_ready_seconds",
        &["kind=\"metrics.test\""],
    )
    .expect("queue age");
    assert!((59.0..3600.0).contains(&value(oldest)), "{oldest}");
    let up = text
        .lines()
        .find(|l| l.starts_with("bazaar_db_standby_up "))
        .expect("standby up");
    assert_eq!(value(up), 1.0);
    let lag = text
        .lines()
        .find(|l| l.starts_with("bazaar_db_standby_lag_seconds "))
        .expect("standby lag");
    assert_eq!(value(lag), 0.0);
}
