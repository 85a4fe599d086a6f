//! Feature flags: admins set them (audited), every app server hears of a change within a second, and the flags
//! wired so far do what they say: card payments off (the kill switch) while bank transfer stays, search
//! suggestions off. Live stock off is in `live_stock.rs`.

use crate::accounts::{browser, post};
use crate::admin::cast;
use crate::checkout::Shopper;
use crate::helpers::{card_token, require_stripe, spawn_app, TestApp};
use app::domain::flags::Flag;
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::PgPool;
use std::sync::Arc;
use std::time::{Duration, Instant};

async fn set(
    app: &TestApp,
    client: &reqwest::Client,
    key: &str,
    on: bool,
    percent: &str,
) -> (StatusCode, String) {
    let mut form = vec![("key", key), ("percent", percent)];
    if on {
        form.push(("enabled", "on"));
    }
    post(app, client, "admin/flags/set", &form).await
}

/// Waits until `flags` say `flag` is `on` for everyone; how long that took. Not hearing it in 10 s is a failure;
/// how fast it is heard is a figure, not an assertion (this host is shared): the test prints it.
async fn heard(flags: &backend::flags::Flags, flag: Flag, on: bool) -> Duration {
    heard_since(flags, flag, on, Instant::now()).await
}

/// [`heard`], timed from `started` (the change).
async fn heard_since(
    flags: &backend::flags::Flags,
    flag: Flag,
    on: bool,
    started: Instant,
) -> Duration {
    while flags.is_on(flag, None) != on {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{flag:?} still not {on} after 10 s"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    started.elapsed()
}

#[sqlx::test(migrations = "../migrations")]
async fn only_admins_see_and_set_flags_and_every_change_is_audited(pool: PgPool) {
    let app = spawn_app(pool).await;
    let cast = cast(&app).await;
    let anonymous = browser();
    for client in [&anonymous, &cast.customer, &cast.staff] {
        let (status, _) = post(&app, client, "admin/flags", &[]).await;
        assert!(matches!(status.as_u16(), 401 | 403), "list: {status}");
        let (status, _) = set(&app, client, "live_stock", false, "100").await;
        assert!(matches!(status.as_u16(), 401 | 403), "set: {status}");
    }
    assert!(app.state.flags.is_on(Flag::LiveStock, None));

    let (status, body) = post(&app, &cast.admin, "admin/flags", &[]).await;
    assert_eq!(status, 200, "{body}");
    let flags: Vec<Value> = serde_json::from_str(&body).unwrap();
    let keys: Vec<&str> = flags.iter().map(|f| f["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["search_suggestions", "live_stock", "card_payments"]);
    assert!(flags
        .iter()
        .all(|f| f["setting"]["enabled"] == true && f["changed"].is_null()));

    // Bad input: a clear error on the field, nothing changed.
    for (key, percent, field) in [
        ("no_such_flag", "100", "key"),
        ("live_stock", "150", "percent"),
        ("live_stock", "half", "percent"),
        ("card_payments", "50", "percent"),
    ] {
        let (status, body) = set(&app, &cast.admin, key, true, percent).await;
        assert_eq!(status, 400, "{key} {percent}: {body}");
        assert!(body.contains(field), "{body}");
        assert!(!body.to_lowercase().contains("sql"), "{body}");
    }
    let stored: i64 = sqlx::query_scalar("select count(*) from feature_flag")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, 0);

    let (status, body) = set(&app, &cast.admin, "live_stock", true, "25").await;
    assert_eq!(status, 200, "{body}");
    let (_, body) = post(&app, &cast.admin, "admin/flags", &[]).await;
    let flags: Vec<Value> = serde_json::from_str(&body).unwrap();
    let live = flags.iter().find(|f| f["key"] == "live_stock").unwrap();
    assert_eq!(live["setting"]["percent"], 25);
    assert_eq!(live["changed"][1], "ada@example.com");
    let (before, after): (Value, Value) = sqlx::query_as(
        "select before, after from audit_log where action = 'flag.set' and entity_id = 'live_stock'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        before,
        serde_json::json!({ "enabled": true, "percent": 100 })
    );
    assert_eq!(after, serde_json::json!({ "enabled": true, "percent": 25 }));

    // The admin page lists them, with the form to change each.
    let (status, html) = app.page_as(&cast.admin, "/admin/flags").await;
    assert_eq!(status, 200);
    assert!(html.contains("On for 25 % of shoppers"), "the flags page");
    assert!(html.contains(r#"action="/api/admin/flags/set""#));
}

/// Run with `--nocapture` to see how long each server took to hear a change (the target is under a second).
#[sqlx::test(migrations = "../migrations")]
async fn a_change_reaches_every_app_server(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let cast = cast(&app).await;
    // Two more app servers' flags, each following the database on its own connection.
    let others: Vec<Arc<backend::flags::Flags>> = (0..2).map(|_| Arc::default()).collect();
    let mut following = Vec::new();
    for flags in &others {
        following.push(flags.follow(&app.pool).await);
    }
    for (on, percent) in [(false, "100"), (true, "100")] {
        let started = Instant::now();
        let (status, body) = set(&app, &cast.admin, "search_suggestions", on, percent).await;
        assert_eq!(status, 200, "{body}");
        let mut took = Vec::new();
        for flags in others.iter().map(|f| &**f).chain([&*app.state.flags]) {
            took.push(heard_since(flags, Flag::SearchSuggestions, on, started).await);
        }
        eprintln!("search_suggestions set to {on}: heard by the 3 servers {took:?} after the admin's request began");
    }
    // A server that starts later reads what is set.
    set(&app, &cast.admin, "live_stock", false, "100").await;
    let late = Arc::new(backend::flags::Flags::default());
    following.push(late.follow(&app.pool).await);
    assert!(!late.is_on(Flag::LiveStock, None));
    for task in following {
        task.abort();
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn with_card_payments_off_checkout_takes_no_cards_and_bank_transfer_stays(pool: PgPool) {
    require_stripe();
    let app = spawn_app(pool).await;
    let cast = cast(&app).await;
    let (sku, _) = app.sku_with_stock(5).await;
    let shopper = Shopper::new(&app);
    shopper.ready(&sku, 1, "").await;
    let before = shopper.ok("checkout", &[]).await;
    assert!(before["card"].is_object(), "cards are on: {before}");
    assert_eq!(before["cards_paused"], false);

    let (status, body) = set(&app, &cast.admin, "card_payments", false, "100").await;
    assert_eq!(status, 200, "{body}");
    heard(&app.state.flags, Flag::CardPayments, false).await;

    let (key, fingerprint, _) = shopper.review().await;
    let data = shopper.ok("checkout", &[]).await;
    assert!(data["card"].is_null(), "no card fields: {data}");
    assert_eq!(data["cards_paused"], true);
    let token = card_token("4242424242424242").await;
    let refused = shopper.place_with(&key, &fingerprint, "card", &token).await;
    assert_eq!(refused.status(), 400);
    let refused: Value = refused.json().await.unwrap();
    assert!(
        refused.to_string().contains("Card payments are offline"),
        "{refused}"
    );
    let orders: i64 = sqlx::query_scalar("select count(*) from customer_order")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(orders, 0, "a refused card order is not placed");
    // The review page says so, and bank transfer works.
    let (_, page) = app.page_as(&shopper.client, "/checkout/review").await;
    assert!(page.contains(r#"data-testid="cards-paused""#));
    assert!(!page.contains(r#"data-testid="pay-by-card""#));
    let placed = shopper.place(&key, &fingerprint).await;
    assert!(
        placed.status().is_success(),
        "{}",
        placed.text().await.unwrap()
    );

    // Back on: cards again.
    set(&app, &cast.admin, "card_payments", true, "100").await;
    heard(&app.state.flags, Flag::CardPayments, true).await;
    let again = Shopper::new(&app);
    again.ready(&sku, 1, "").await;
    let (key, fingerprint, _) = again.review().await;
    let token = card_token("4242424242424242").await;
    let paid = again.place_with(&key, &fingerprint, "card", &token).await;
    assert!(paid.status().is_success(), "{}", paid.text().await.unwrap());
}

#[sqlx::test(migrations = "../migrations")]
async fn with_search_suggestions_off_the_search_box_suggests_nothing(pool: PgPool) {
    let app = spawn_app(pool).await;
    let cast = cast(&app).await;
    let suggest = || async {
        let r = browser()
            .get(app.url("/api/suggest?q=shirt"))
            .header("accept", "application/json")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        r.json::<Value>().await.unwrap()
    };
    let on = suggest().await;
    assert!(!on["products"].as_array().unwrap().is_empty(), "{on}");

    set(&app, &cast.admin, "search_suggestions", false, "100").await;
    heard(&app.state.flags, Flag::SearchSuggestions, false).await;
    let off = suggest().await;
    assert!(off["products"].as_array().unwrap().is_empty(), "{off}");
    assert!(off["categories"].as_array().unwrap().is_empty(), "{off}");
    // The search page itself still works.
    let page = app.get("/search?q=shirt").await;
    assert_eq!(page.status(), 200);
}
