//! Card payments through localstripe (a Stripe-compatible server that scripts/test starts), and the webhook
//! endpoint's checks. Cards: 4242… pays, 4000 0000 0000 0341 is declined when charged, 4000 0027 6000 3184 wants
//! 3-D Secure (the intent waits in `requires_action`, so only a webhook or a retrieval can mark it paid).

use crate::checkout::{count, stock, Shopper};
use crate::helpers::{card_token, require_stripe, spawn_app, TestApp, STRIPE_WEBHOOK_SECRET};
use backend::payment::stripe::sign;
use futures::future::join_all;
use serde_json::{json, Value};
use sqlx::PgPool;

const PAYS: &str = "4242424242424242";
const DECLINED: &str = "4000000000000341";
const NEEDS_3DS: &str = "4000002760003184";

/// (status, payment_method, stock_state) of an order.
pub async fn order_state(app: &TestApp, number: &str) -> (String, String) {
    sqlx::query_as("select status::text, stock_state from customer_order where number = $1")
        .bind(number)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn payments_of(app: &TestApp, number: &str) -> Vec<(String, Option<String>, Option<String>)> {
    sqlx::query_as(
        "select p.status::text, p.intent_id, p.failure_message from payment p
         join customer_order o using (customer_order_id) where o.number = $1 order by p.created_at",
    )
    .bind(number)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

/// Places a card order for 2 units of `sku`; returns (number, access key).
pub async fn place_by_card(shopper: &Shopper<'_>, sku: &str, card: &str) -> (String, String) {
    let (key, fp) = shopper.ready(sku, 2, "").await;
    let token = card_token(card).await;
    let response = shopper.place_with(&key, &fp, "card", &token).await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert!(status.is_success(), "{status} {body}");
    (
        body["number"].as_str().unwrap().to_string(),
        body["access_token"].as_str().unwrap().to_string(),
    )
}

/// Pays an order from its page with `card_token` (a token, or something that is not one).
async fn pay(
    shopper: &Shopper<'_>,
    number: &str,
    key: &str,
    card_token: &str,
) -> reqwest::Response {
    shopper
        .call(
            "order/pay",
            &[("number", number), ("key", key), ("card_token", card_token)],
        )
        .await
}

async fn order_json(shopper: &Shopper<'_>, number: &str, key: &str) -> Value {
    shopper
        .ok("order", &[("number", number), ("key", key)])
        .await
}

#[sqlx::test(migrations = "../migrations")]
async fn a_card_payment_marks_the_order_paid_and_sells_the_stock(pool: PgPool) {
    require_stripe();
    let app = spawn_app(pool).await;
    let (sku, on_hand) = app.sku_with_stock(3).await;
    let shopper = Shopper::new(&app);
    let (number, key) = place_by_card(&shopper, &sku, PAYS).await;

    assert_eq!(
        order_state(&app, &number).await,
        ("paid".into(), "sold".into())
    );
    assert_eq!(stock(&app, &sku).await, (on_hand - 2, 0));
    let payments = payments_of(&app, &number).await;
    assert_eq!(payments.len(), 1);
    assert_eq!(payments[0].0, "succeeded");
    assert!(payments[0]
        .1
        .as_deref()
        .is_some_and(|id| id.starts_with("pi_")));
    let order = order_json(&shopper, &number, &key).await;
    assert_eq!(order["status"], "paid");
    assert_eq!(order["payment"], "Succeeded");
    assert_eq!(
        order["card"],
        Value::Null,
        "a paid order offers no card form"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_declined_card_leaves_the_order_reserved_and_another_card_pays_it(pool: PgPool) {
    require_stripe();
    let app = spawn_app(pool).await;
    let (sku, on_hand) = app.sku_with_stock(3).await;
    let shopper = Shopper::new(&app);
    let (number, key) = place_by_card(&shopper, &sku, DECLINED).await;

    assert_eq!(
        order_state(&app, &number).await,
        ("awaiting_payment".into(), "reserved".into())
    );
    assert_eq!(
        stock(&app, &sku).await,
        (on_hand, 2),
        "the items stay held for another try"
    );
    let order = order_json(&shopper, &number, &key).await;
    assert_eq!(
        order["payment"]["Failed"]["message"],
        "Your card was declined."
    );
    assert!(order["card"]["script_url"]
        .as_str()
        .unwrap()
        .ends_with("/js.stripe.com/v3/"));

    // Declined again from the order page: 402 with the provider's words, nothing else changes.
    let again = pay(&shopper, &number, &key, &card_token(DECLINED).await).await;
    assert_eq!(again.status(), 402);
    let body: Value = again.json().await.unwrap();
    assert_eq!(
        body["PaymentDeclined"]["message"],
        "Your card was declined."
    );
    // The wrong key cannot pay (or see) the order; a missing or forged token is refused before any charge.
    let stranger = pay(&shopper, &number, "nope", &card_token(PAYS).await).await;
    assert_eq!(stranger.status(), 404);
    for bad in ["", "4242424242424242", "tok_<x>"] {
        let r = pay(&shopper, &number, &key, bad).await;
        assert_eq!(r.status(), 400, "{bad}");
    }
    assert_eq!(payments_of(&app, &number).await.len(), 2);

    let paid = pay(&shopper, &number, &key, &card_token(PAYS).await).await;
    assert!(paid.status().is_success(), "{}", paid.text().await.unwrap());
    assert_eq!(
        order_state(&app, &number).await,
        ("paid".into(), "sold".into())
    );
    assert_eq!(stock(&app, &sku).await, (on_hand - 2, 0));
    // Paying a paid order again charges nothing.
    let twice = pay(&shopper, &number, &key, &card_token(PAYS).await).await;
    assert!(twice.status().is_success());
    let statuses: Vec<String> = payments_of(&app, &number)
        .await
        .into_iter()
        .map(|p| p.0)
        .collect();
    assert_eq!(statuses, ["failed", "failed", "succeeded"]);
}

#[sqlx::test(migrations = "../migrations")]
async fn one_key_sent_three_times_makes_one_order_and_one_payment(pool: PgPool) {
    require_stripe();
    let app = spawn_app(pool).await;
    let (sku, _) = app.sku_with_stock(3).await;

    // Sequentially: the retries find the order paid.
    let shopper = Shopper::new(&app);
    let (key, fp) = shopper.ready(&sku, 1, "").await;
    let token = card_token(PAYS).await;
    let mut numbers = Vec::new();
    for _ in 0..3 {
        let r = shopper.place_with(&key, &fp, "card", &token).await;
        let status = r.status();
        let body = r.text().await.unwrap();
        assert!(status.is_success(), "{status} {body}");
        numbers.push(serde_json::from_str::<Value>(&body).unwrap()["number"].clone());
    }
    assert!(numbers.windows(2).all(|w| w[0] == w[1]));

    // Concurrently: they wait for each other on the key; one payment starts.
    let other = Shopper::new(&app);
    let (key, fp) = other.ready(&sku, 1, "").await;
    let token = card_token(PAYS).await;
    let results = join_all((0..3).map(|_| other.place_with(&key, &fp, "card", &token))).await;
    let mut numbers = Vec::new();
    for r in results {
        let status = r.status();
        let body = r.text().await.unwrap();
        assert!(status.is_success(), "{status} {body}");
        numbers.push(serde_json::from_str::<Value>(&body).unwrap()["number"].clone());
    }
    assert!(numbers.windows(2).all(|w| w[0] == w[1]));

    assert_eq!(count(&app, "select count(*) from customer_order").await, 2);
    assert_eq!(count(&app, "select count(*) from payment").await, 2);
    assert_eq!(
        count(
            &app,
            "select count(*) from payment where status = 'succeeded'"
        )
        .await,
        2
    );
}

/// A 3-D Secure card: the order waits, its payment holds the intent id. Returns (number, key, intent id, total).
async fn order_awaiting_3ds(app: &TestApp, sku: &str) -> (String, String, String, i64) {
    let shopper = Shopper::new(app);
    let (number, key) = place_by_card(&shopper, sku, NEEDS_3DS).await;
    let payments = payments_of(app, &number).await;
    assert_eq!(payments.len(), 1);
    assert_eq!(payments[0].0, "requires_action");
    let total: i64 = sqlx::query_scalar("select total_minor from customer_order where number = $1")
        .bind(&number)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    (number, key, payments[0].1.clone().unwrap(), total)
}

fn succeeded_event(event_id: &str, intent_id: &str, amount: i64) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "id": event_id,
        "object": "event",
        "type": "payment_intent.succeeded",
        "data": { "object": {
            "id": intent_id, "object": "payment_intent", "status": "succeeded",
            "amount": amount, "currency": "eur", "client_secret": null,
            "metadata": {}, "last_payment_error": null
        }}
    }))
    .unwrap()
}

pub async fn send_webhook(app: &TestApp, body: &[u8], signature: Option<String>) -> (u16, Value) {
    let mut request = app
        .client
        .post(app.url("/webhooks/stripe"))
        .header("content-type", "application/json")
        .body(body.to_vec());
    if let Some(signature) = signature {
        request = request.header("stripe-signature", signature);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// What the `payment.webhook` job did with an event, once it has (the endpoint only stores and queues it).
pub async fn outcome_of(app: &TestApp, event_id: &str) -> String {
    for _ in 0..200 {
        let outcome: Option<String> = sqlx::query_scalar(
            "select outcome from payment_event where event_id = $1 and handled_at is not null",
        )
        .bind(event_id)
        .fetch_optional(&app.pool)
        .await
        .unwrap()
        .flatten();
        if let Some(outcome) = outcome {
            return outcome;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("event {event_id} was not handled within 10 s");
}

/// Sends a signed event; it must be acknowledged as queued. Returns what its job did with it.
pub async fn deliver(app: &TestApp, event_id: &str, body: &[u8], now: i64) -> String {
    let (status, answer) =
        send_webhook(app, body, Some(sign(STRIPE_WEBHOOK_SECRET, body, now))).await;
    assert_eq!(
        (status, answer["outcome"].as_str()),
        (200, Some("queued")),
        "{answer}"
    );
    outcome_of(app, event_id).await
}

#[sqlx::test(migrations = "../migrations")]
async fn webhooks_pay_orders_only_when_signed_fresh_new_and_matching(pool: PgPool) {
    require_stripe();
    let app = spawn_app(pool).await;
    let (sku, on_hand) = app.sku_with_stock(3).await;
    let (number, _key, intent, total) = order_awaiting_3ds(&app, &sku).await;
    let now = chrono::Utc::now().timestamp();
    let unpaid = || async { order_state(&app, &number).await.0 == "awaiting_payment" };
    let events = || async { count(&app, "select count(*) from order_event").await };

    let body = succeeded_event("evt_valid", &intent, total);
    // Wrong secret, no signature, a stale timestamp, a body changed after signing: 400, nothing recorded.
    let (status, _) = send_webhook(&app, &body, Some(sign("whsec_wrong", &body, now))).await;
    assert_eq!(status, 400);
    assert_eq!(send_webhook(&app, &body, None).await.0, 400);
    let (status, answer) = send_webhook(
        &app,
        &body,
        Some(sign(STRIPE_WEBHOOK_SECRET, &body, now - 600)),
    )
    .await;
    assert_eq!(status, 400);
    assert!(answer["error"].as_str().unwrap().contains("timestamp"));
    let forged = succeeded_event("evt_valid", &intent, 1);
    assert_eq!(
        send_webhook(&app, &forged, Some(sign(STRIPE_WEBHOOK_SECRET, &body, now)))
            .await
            .0,
        400
    );
    assert!(unpaid().await);
    assert_eq!(count(&app, "select count(*) from payment_event").await, 0);

    // Signed, but for another amount: acknowledged, not paid.
    let wrong_amount = succeeded_event("evt_amount", &intent, total - 1);
    assert_eq!(
        deliver(&app, "evt_amount", &wrong_amount, now).await,
        "amount_mismatch"
    );
    assert!(unpaid().await);

    // Signed, about an intent we never made: acknowledged, nothing changes.
    let unknown = succeeded_event("evt_unknown", "pi_not_ours", total);
    assert_eq!(
        deliver(&app, "evt_unknown", &unknown, now).await,
        "unknown_intent"
    );
    assert!(unpaid().await);

    // The real thing: paid, stock sold.
    assert_eq!(deliver(&app, "evt_valid", &body, now).await, "paid");
    assert_eq!(
        order_state(&app, &number).await,
        ("paid".into(), "sold".into())
    );
    assert_eq!(stock(&app, &sku).await, (on_hand - 2, 0));
    let after = events().await;

    // Replayed (same event id, freshly signed): acknowledged as a duplicate, nothing happens twice.
    let (status, answer) = send_webhook(
        &app,
        &body,
        Some(sign(STRIPE_WEBHOOK_SECRET, &body, now + 5)),
    )
    .await;
    assert_eq!(
        (status, answer["outcome"].as_str()),
        (200, Some("duplicate"))
    );
    // A new event id for the same success: already paid.
    let again = succeeded_event("evt_again", &intent, total);
    assert_eq!(
        deliver(&app, "evt_again", &again, now).await,
        "already_paid"
    );
    assert_eq!(events().await, after);
    assert_eq!(stock(&app, &sku).await, (on_hand - 2, 0));
    assert_eq!(
        count(
            &app,
            "select count(*) from payment where status = 'succeeded'"
        )
        .await,
        1
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn card_orders_need_a_card_token_and_place_nothing_without_one(pool: PgPool) {
    require_stripe();
    let app = spawn_app(pool).await;
    let (sku, _) = app.sku_with_stock(3).await;
    let shopper = Shopper::new(&app);
    let (key, fp) = shopper.ready(&sku, 1, "").await;
    for bad in ["", "4242424242424242", "pm_card_visa"] {
        let r = shopper.place_with(&key, &fp, "card", bad).await;
        assert_eq!(r.status(), 400, "{bad}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["Invalid"]["field"], "card");
    }
    assert_eq!(count(&app, "select count(*) from customer_order").await, 0);
    assert_eq!(stock(&app, &sku).await.1, 0);
}
