//! An order's idempotency key answers only the shopper who placed the order with it: the same cart or the same
//! account. The key and the fingerprint sit in the review page's HTML, so a stranger holding them must learn
//! nothing and change nothing.

use crate::account_security::{sign_in, sign_up};
use crate::accounts::PASSWORD;
use crate::checkout::{count, stock, Shopper};
use crate::helpers::{spawn_app, TestApp};
use futures::future::join_all;
use serde_json::Value;
use sqlx::PgPool;

/// What a stranger's replay may have changed: orders, order events, jobs, reserved stock.
async fn footprint(app: &TestApp, sku: &str) -> (i64, i64, i64, i32) {
    (
        count(app, "select count(*) from customer_order").await,
        count(app, "select count(*) from order_event").await,
        count(app, "select count(*) from job").await,
        stock(app, sku).await.1,
    )
}

/// Places the reviewed order and returns (number, access token).
async fn place(shopper: &Shopper<'_>, key: &str, fp: &str) -> (String, String) {
    let r = shopper.place(key, fp).await;
    assert_eq!(r.status(), 200);
    let placed: Value = r.json().await.unwrap();
    (
        placed["number"].as_str().unwrap().to_string(),
        placed["access_token"].as_str().unwrap().to_string(),
    )
}

/// The stranger's replay, as the hydrated page sends it and as a plain form post: refused with what a changed
/// cart gets, and neither the order's number nor its secret anywhere in the answer.
async fn assert_refused(stranger: &Shopper<'_>, key: &str, fp: &str, placed: &(String, String)) {
    let r = stranger.place(key, fp).await;
    let status = r.status();
    let headers = format!("{:?}", r.headers());
    let body = r.text().await.unwrap();
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("changed"), "{body}");
    for secret in [&placed.0, &placed.1] {
        assert!(!body.contains(secret.as_str()) && !headers.contains(secret.as_str()));
    }
    let form = stranger
        .client
        .post(stranger.app.url("/api/checkout/place"))
        .form(&[
            ("idempotency_key", key),
            ("fingerprint", fp),
            ("payment_method", "manual"),
        ])
        .send()
        .await
        .unwrap();
    let location = form
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let body = form.text().await.unwrap();
    for secret in [&placed.0, &placed.1] {
        assert!(!location.contains(secret.as_str()) && !body.contains(secret.as_str()));
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_stranger_with_the_key_and_fingerprint_gets_no_order_and_writes_nothing(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (sku, _) = app.sku_with_stock(3).await;
    let ana = Shopper::new(&app);
    let (key, fp) = ana.ready(&sku, 1, "").await;
    let placed = place(&ana, &key, &fp).await;
    let before = footprint(&app, &sku).await;

    // A guest with no cart at all, and a guest whose cart holds the very same line and address.
    let empty = Shopper::new(&app);
    assert_refused(&empty, &key, &fp, &placed).await;
    let twin = Shopper::new(&app);
    let (_, twin_fp) = twin.ready(&sku, 1, "").await;
    assert_eq!(
        twin_fp, fp,
        "the same lines and address give the same fingerprint"
    );
    assert_refused(&twin, &key, &fp, &placed).await;
    // Another account, signed in, with a cart of its own.
    let bea = Shopper::new(&app);
    sign_up(&app, &bea.client, "bea@example.com").await;
    bea.ready(&sku, 1, "").await;
    assert_refused(&bea, &key, &fp, &placed).await;
    assert_eq!(footprint(&app, &sku).await, before, "nothing was written");

    // The twin's and Bea's carts are untouched: each still places its own order under its own key.
    for shopper in [&twin, &bea] {
        let (key, fp, _) = shopper.review().await;
        let own = place(shopper, &key, &fp).await;
        assert_ne!(own.0, placed.0);
    }
    // And Ana, the owner, still gets hers.
    assert_eq!(place(&ana, &key, &fp).await, placed);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_signed_in_owner_replays_its_key_in_turn_or_at_once_and_gets_one_order(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (sku, _) = app.sku_with_stock(3).await;
    let ana = Shopper::new(&app);
    sign_up(&app, &ana.client, "ana@example.com").await;
    let (key, fp) = ana.ready(&sku, 1, "").await;
    let placed = place(&ana, &key, &fp).await;
    assert_eq!(place(&ana, &key, &fp).await, placed);
    let all = join_all((0..4).map(|_| place(&ana, &key, &fp))).await;
    assert!(all.iter().all(|p| *p == placed));
    // From another device of the same account too: the order is the account's.
    let phone = Shopper::new(&app);
    assert!(sign_in(&app, &phone.client, "ana@example.com", PASSWORD)
        .await
        .is_success());
    assert_eq!(place(&phone, &key, &fp).await, placed);
    assert_eq!(count(&app, "select count(*) from customer_order").await, 1);
    assert_eq!(stock(&app, &sku).await.1, 1, "reserved once");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_guest_who_signs_in_after_placing_still_gets_the_order(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (sku, _) = app.sku_with_stock(3).await;

    // An account with no cart: the guest cart becomes the account's.
    let guest = Shopper::new(&app);
    let (key, fp) = guest.ready(&sku, 1, "").await;
    let placed = place(&guest, &key, &fp).await;
    sign_up(&app, &guest.client, "ana@example.com").await;
    assert_eq!(place(&guest, &key, &fp).await, placed);

    // An account that has a cart already: the guest cart merges into it, and its orders go along.
    let laptop = Shopper::new(&app);
    sign_up(&app, &laptop.client, "bea@example.com").await;
    laptop.add(&sku, 1).await;
    let phone = Shopper::new(&app);
    let (key, fp) = phone.ready(&sku, 1, "").await;
    let placed = place(&phone, &key, &fp).await;
    assert!(sign_in(&app, &phone.client, "bea@example.com", PASSWORD)
        .await
        .is_success());
    assert_eq!(place(&phone, &key, &fp).await, placed);
    assert_eq!(place(&laptop, &key, &fp).await, placed, "the same account");
    assert_eq!(count(&app, "select count(*) from customer_order").await, 2);
    // A guest who never signed in still gets nothing.
    assert_refused(&Shopper::new(&app), &key, &fp, &placed).await;
}
