//! Live stock: the product page's server-sent events (`/events/stock/<slug>`).

use super::helpers::*;
use futures::StreamExt;
use sqlx::PgPool;
use std::time::Duration;

type Body =
    std::pin::Pin<Box<dyn futures::Stream<Item = reqwest::Result<axum::body::Bytes>> + Send>>;

/// An open stream: the response's body, and what has been read of it and not yet parsed.
struct Events {
    body: Body,
    buffer: String,
}

impl Events {
    async fn open(app: &TestApp, slug: &str) -> Events {
        let response = anonymous_client()
            .get(app.url(&format!("/events/stock/{slug}")))
            .send()
            .await
            .expect("GET");
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["content-type"].to_str().unwrap(),
            "text/event-stream"
        );
        Events {
            body: Box::pin(response.bytes_stream()),
            buffer: String::new(),
        }
    }

    /// The data of the next `stock` event, as (sku, state, message) triples; fails after 10 s without one.
    async fn next(&mut self) -> Vec<(String, String, String)> {
        let data = tokio::time::timeout(Duration::from_secs(10), async {
            loop {
                if let Some(end) = self.buffer.find("\n\n") {
                    let event: String = self.buffer.drain(..end + 2).collect();
                    if event.lines().any(|l| l == "event: stock") {
                        break event
                            .lines()
                            .filter_map(|l| l.strip_prefix("data:"))
                            .map(str::trim_start)
                            .collect::<Vec<_>>()
                            .join("\n");
                    }
                    continue;
                }
                let chunk = self
                    .body
                    .next()
                    .await
                    .expect("the stream stays open")
                    .expect("a chunk");
                self.buffer
                    .push_str(std::str::from_utf8(&chunk).expect("UTF-8"));
            }
        })
        .await
        .expect("a stock event within 10 s");
        let variants: Vec<serde_json::Value> = serde_json::from_str(&data).expect("JSON");
        variants
            .into_iter()
            .map(|v| {
                let field = |k: &str| v[k].as_str().expect(k).to_string();
                (field("sku"), field("state"), field("message"))
            })
            .collect()
    }

    /// Whether the server ended the stream within 5 s.
    async fn ends(&mut self) -> bool {
        tokio::time::timeout(Duration::from_secs(5), async {
            while let Some(Ok(_)) = self.body.next().await {}
        })
        .await
        .is_ok()
    }
}

/// A published product with well-stocked variants: (slug, one of its SKUs).
async fn product(app: &TestApp) -> (String, String) {
    sqlx::query_as::<_, (String, String)>(
        "select p.slug, v.sku from product p join variant v on v.product_id = p.product_id
         where p.published and v.stock_on_hand - v.reserved > 10 order by p.slug, v.sku limit 1",
    )
    .fetch_one(&app.pool)
    .await
    .expect("a product in stock")
}

fn state_of(stock: &[(String, String, String)], sku: &str) -> (String, String) {
    let (_, state, message) = stock.iter().find(|(s, _, _)| s == sku).expect("the SKU");
    (state.clone(), message.clone())
}

#[sqlx::test(migrations = "../migrations")]
async fn a_stream_says_the_stock_now_and_each_change_the_page_would_show(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (slug, sku) = product(&app).await;
    let mut events = Events::open(&app, &slug).await;
    assert_eq!(
        state_of(&events.next().await, &sku),
        ("in_stock".into(), "In stock".into())
    );
    // A second shopper on the same page hears the same.
    let mut other = Events::open(&app, &slug).await;
    assert_eq!(state_of(&other.next().await, &sku).0, "in_stock");

    app.set_stock(&sku, 0).await;
    assert_eq!(
        state_of(&events.next().await, &sku),
        ("sold_out".into(), "Sold out".into())
    );
    assert_eq!(state_of(&other.next().await, &sku).0, "sold_out");

    app.set_stock(&sku, 3).await;
    assert_eq!(
        state_of(&events.next().await, &sku),
        ("low".into(), "Only 3 left".into())
    );
    // Only what the page shows is told: 3 → 2 is news ("Only 2 left"), a well-stocked 50 → 40 is not.
    app.set_stock(&sku, 50).await;
    assert_eq!(state_of(&events.next().await, &sku).0, "in_stock");
    app.set_stock(&sku, 40).await;
    app.set_stock(&sku, 2).await;
    assert_eq!(
        state_of(&events.next().await, &sku),
        ("low".into(), "Only 2 left".into())
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn streams_are_capped_and_bad_requests_refused_cleanly(pool: PgPool) {
    let app = spawn_app_with(pool, &[("BAZAAR_LIVE_STOCK_MAX_STREAMS", "1")]).await;
    let (slug, _) = product(&app).await;

    let bad = app.get("/events/stock/Not%20a%20slug!").await;
    assert_eq!(bad.status(), 400);
    let unknown = app.get("/events/stock/no-such-product").await;
    assert_eq!(unknown.status(), 404);

    let mut first = Events::open(&app, &slug).await;
    first.next().await;
    // Over the cap: 503 with a wait, and the shopper's message; the open stream goes on.
    let refused = app.get(&format!("/events/stock/{slug}")).await;
    assert_eq!(refused.status(), 503);
    assert_eq!(refused.headers()["retry-after"], "30");
    assert!(refused.headers().contains_key("bazaar-message"));
    let body = refused.text().await.unwrap();
    assert!(!body.to_lowercase().contains("sql"), "{body}");

    // Draining ends the open stream and refuses new ones.
    app.live_stock.drain();
    assert!(
        first.ends().await,
        "the stream ended when the server drained"
    );
    let after = app.get(&format!("/events/stock/{slug}")).await;
    assert_eq!(after.status(), 503);
}

#[sqlx::test(migrations = "../migrations")]
async fn with_live_stock_off_browsers_are_told_to_stop_asking(pool: PgPool) {
    let app = spawn_app_with(pool, &[("BAZAAR_LIVE_STOCK_MAX_STREAMS", "0")]).await;
    let (slug, _) = product(&app).await;
    let response = app.get(&format!("/events/stock/{slug}")).await;
    assert_eq!(response.status(), 204);
}

#[sqlx::test(migrations = "../migrations")]
async fn switched_off_by_its_flag_open_streams_end_and_new_ones_are_told_to_stop(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (slug, _) = product(&app).await;
    let mut open = Events::open(&app, &slug).await;
    open.next().await;
    // As an admin's change does: the row, whose trigger tells every server.
    sqlx::query("insert into feature_flag (key, enabled) values ('live_stock', false)")
        .execute(&app.pool)
        .await
        .unwrap();
    assert!(
        open.ends().await,
        "the open stream ends once live stock is off"
    );
    let response = app.get(&format!("/events/stock/{slug}")).await;
    assert_eq!(response.status(), 204);
    sqlx::query("update feature_flag set enabled = true where key = 'live_stock'")
        .execute(&app.pool)
        .await
        .unwrap();
    let started = std::time::Instant::now();
    while app.get(&format!("/events/stock/{slug}")).await.status() != 200 {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "live stock back on"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
