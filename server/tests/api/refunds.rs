//! Refunds through the payment provider (localstripe): a paid card order cancelled before it ships is refunded in
//! full and its stock comes back; partial refunds add up and never pass what was paid; a refund asked again
//! after a lost answer refunds once; the provider's `charge.refunded` webhook settles a pending refund once.

use crate::account_security::{role, sign_up};
use crate::accounts::{browser, post};
use crate::checkout::{count, stock, Shopper};
use crate::helpers::{require_stripe, spawn_app, TestApp};
use crate::payments::{deliver, order_state, place_by_card};
use backend::payment::{RefundRequest, RefundStatus};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sqlx::PgPool;

const PAYS: &str = "4242424242424242";

/// An admin and a staff member, signed in.
async fn admin_and_staff(app: &TestApp) -> (reqwest::Client, reqwest::Client) {
    let (admin, staff) = (browser(), browser());
    sign_up(app, &admin, "ada@example.com").await;
    sign_up(app, &staff, "stan@example.com").await;
    role(app, "ada@example.com", "admin").await;
    role(app, "stan@example.com", "staff").await;
    (admin, staff)
}

async fn act(
    app: &TestApp,
    who: &reqwest::Client,
    number: &str,
    action: &str,
    amount: &str,
) -> (StatusCode, String) {
    post(
        app,
        who,
        "admin/order/act",
        &[("number", number), ("action", action), ("amount", amount)],
    )
    .await
}

/// (total, refunded) of an order, in minor units.
async fn money_of(app: &TestApp, number: &str) -> (i64, i64) {
    sqlx::query_as("select total_minor, refunded_minor from customer_order where number = $1")
        .bind(number)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// The order's payment intent at the provider.
async fn intent_of(app: &TestApp, number: &str) -> String {
    sqlx::query_scalar(
        "select p.intent_id from payment p join customer_order o using (customer_order_id)
         where o.number = $1 and p.status = 'succeeded'",
    )
    .bind(number)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

/// What the provider itself holds: the amounts of the refunds made on `intent`.
async fn provider_refunds(intent: &str) -> Vec<i64> {
    let base = require_stripe();
    let list: Value = reqwest::Client::new()
        .get(format!("{base}/v1/refunds"))
        .basic_auth("sk_test_bazaar", None::<&str>)
        .query(&[("payment_intent", intent)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["amount"].as_i64().unwrap())
        .collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_paid_card_order_cancelled_before_shipping_is_refunded_in_full(pool: PgPool) {
    require_stripe();
    let app = spawn_app(pool).await;
    let (admin, staff) = admin_and_staff(&app).await;
    let (sku, _) = app.sku_with_stock(3).await;
    let (on_hand, _) = stock(&app, &sku).await;
    let (number, _) = place_by_card(&Shopper::new(&app), &sku, PAYS).await;
    assert_eq!(
        order_state(&app, &number).await,
        ("paid".to_string(), "sold".to_string())
    );
    assert_eq!(stock(&app, &sku).await, (on_hand - 2, 0));

    // Staff may not pay money back: 403, nothing changed.
    let (status, body) = act(&app, &staff, &number, "cancel", "").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(count(&app, "select count(*) from refund").await, 0);

    let (status, body) = act(&app, &admin, &number, "cancel", "").await;
    assert!(status.is_success(), "{body}");
    assert_eq!(body, "\"cancelled\"");
    let (total, refunded) = money_of(&app, &number).await;
    assert_eq!(refunded, total);
    assert_eq!(
        provider_refunds(&intent_of(&app, &number).await).await,
        [total]
    );
    assert_eq!(stock(&app, &sku).await, (on_hand, 0));
    let audit: String = sqlx::query_scalar("select action from audit_log where entity_id = $1")
        .bind(&number)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(audit, "order.cancel");
}

#[sqlx::test(migrations = "../migrations")]
async fn partial_refunds_add_up_and_never_pass_what_was_paid(pool: PgPool) {
    require_stripe();
    let app = spawn_app(pool).await;
    let (admin, staff) = admin_and_staff(&app).await;
    let (sku, _) = app.sku_with_stock(3).await;
    let (number, _) = place_by_card(&Shopper::new(&app), &sku, PAYS).await;
    let ship = [
        ("number", number.as_str()),
        ("action", "ship"),
        ("carrier", "dhl"),
        ("tracking_number", "JD014600003828"),
    ];
    let (status, body) = post(&app, &staff, "admin/order/act", &ship).await;
    assert!(status.is_success(), "{body}");
    let (total, _) = money_of(&app, &number).await;

    let (status, body) = act(&app, &admin, &number, "refund", "5.00").await;
    assert!(status.is_success(), "{body}");
    assert_eq!(body, "\"partially_refunded\"");
    assert_eq!(money_of(&app, &number).await.1, 500);
    // More than is left, a malformed amount: 400 on the amount field, nothing asked of the provider.
    let too_much = format!("{}.{:02}", (total - 500 + 1) / 100, (total - 500 + 1) % 100);
    for bad in [too_much.as_str(), "-3", "1.234", "abc"] {
        let (status, body) = act(&app, &admin, &number, "refund", bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        assert!(body.contains("amount"), "{body}");
    }
    let intent = intent_of(&app, &number).await;
    assert_eq!(provider_refunds(&intent).await, [500]);
    // The rest (a blank amount): refunded in full; then nothing is left.
    let (status, body) = act(&app, &admin, &number, "refund", "").await;
    assert!(status.is_success(), "{body}");
    assert_eq!(body, "\"refunded\"");
    assert_eq!(money_of(&app, &number).await, (total, total));
    let (status, _) = act(&app, &admin, &number, "refund", "").await;
    assert_eq!(status, StatusCode::CONFLICT);
    let mut made = provider_refunds(&intent).await;
    made.sort();
    assert_eq!(made, {
        let mut v = vec![500, total - 500];
        v.sort();
        v
    });
    // Shipped goods are not restocked by a refund: they come back through a return.
    let released = count(
        &app,
        "select count(*) from stock_movement where reason = 'released'",
    )
    .await;
    assert_eq!(released, 0);
}

/// Records a refund of `amount` as the admin action does, and asks the provider for it, but "loses" the answer:
/// the refund stays pending here while the provider has made it.
async fn refund_with_lost_answer(app: &TestApp, number: &str, amount: i64) -> uuid::Uuid {
    let admin_id: i64 =
        sqlx::query_scalar("select customer_id from customer where email = 'ada@example.com'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let mut tx = app.pool.begin().await.unwrap();
    let id: i64 =
        sqlx::query_scalar("select customer_order_id from customer_order where number = $1")
            .bind(number)
            .fetch_one(&mut *tx)
            .await
            .unwrap();
    let row = backend::db::order::lock(&mut tx, id)
        .await
        .unwrap()
        .unwrap();
    let input = backend::refunds::RefundInput {
        amount_minor: Some(amount),
        actor: Some(admin_id),
        ..Default::default()
    };
    let started = backend::refunds::start_on(&mut tx, &row, &input)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let provider = app.state.payments.card.clone().unwrap();
    let made = provider
        .refund(RefundRequest {
            refund_id: started.refund_id,
            intent_id: started.intent_id.as_deref().unwrap(),
            amount_minor: amount,
            currency: &started.currency,
        })
        .await
        .unwrap();
    assert_eq!(made.status, RefundStatus::Succeeded);
    started.refund_id
}

#[sqlx::test(migrations = "../migrations")]
async fn a_refund_asked_again_after_a_lost_answer_refunds_once(pool: PgPool) {
    require_stripe();
    let app = spawn_app(pool).await;
    let (admin, _) = admin_and_staff(&app).await;
    let (sku, _) = app.sku_with_stock(3).await;
    let (number, _) = place_by_card(&Shopper::new(&app), &sku, PAYS).await;
    refund_with_lost_answer(&app, &number, 300).await;
    assert_eq!(
        money_of(&app, &number).await.1,
        0,
        "not settled: the answer was lost"
    );

    // Another amount while that one is in flight: refused, so the admin finishes the first.
    let (status, body) = act(&app, &admin, &number, "refund", "4.00").await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("3.00") || body.contains("3,00"), "{body}");
    // The admin asks again: the provider's refund is found, not made again.
    let (status, body) = act(&app, &admin, &number, "refund", "3.00").await;
    assert!(status.is_success(), "{body}");
    assert_eq!(money_of(&app, &number).await.1, 300);
    assert_eq!(
        provider_refunds(&intent_of(&app, &number).await).await,
        [300]
    );
    assert_eq!(count(&app, "select count(*) from refund").await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_providers_refund_webhook_settles_a_pending_refund_once(pool: PgPool) {
    require_stripe();
    let app = spawn_app(pool).await;
    admin_and_staff(&app).await;
    let (sku, _) = app.sku_with_stock(3).await;
    let (number, _) = place_by_card(&Shopper::new(&app), &sku, PAYS).await;
    let refund_id = refund_with_lost_answer(&app, &number, 250).await;
    let intent = intent_of(&app, &number).await;
    let event = |id: &str| {
        serde_json::to_vec(&json!({
            "id": id,
            "type": "charge.refunded",
            "data": { "object": {
                "id": "ch_test",
                "payment_intent": intent,
                "refunds": { "data": [{
                    "id": "re_test",
                    "status": "succeeded",
                    "amount": 250,
                    "metadata": { "bazaar_refund": refund_id.to_string() }
                }] }
            } }
        }))
        .unwrap()
    };
    let now = chrono::Utc::now().timestamp();
    assert_eq!(
        deliver(&app, "evt_refund_1", &event("evt_refund_1"), now).await,
        "refunded"
    );
    assert_eq!(money_of(&app, &number).await.1, 250);
    assert_eq!(order_state(&app, &number).await.0, "partially_refunded");
    // The same news again (another event id): acknowledged, nothing counted twice.
    assert_eq!(
        deliver(&app, "evt_refund_2", &event("evt_refund_2"), now).await,
        "ignored"
    );
    assert_eq!(money_of(&app, &number).await.1, 250);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_bank_transfer_is_refunded_by_hand_at_once(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (admin, staff) = admin_and_staff(&app).await;
    let (sku, _) = app.sku_with_stock(3).await;
    let shopper = Shopper::new(&app);
    let (key, fp) = shopper.ready(&sku, 1, "").await;
    let placed: Value = shopper.place(&key, &fp).await.json().await.unwrap();
    let number = placed["number"].as_str().unwrap().to_string();
    let paid = post(
        &app,
        &staff,
        "admin/order/act",
        &[("number", &number), ("action", "record_payment")],
    )
    .await;
    assert!(paid.0.is_success(), "{}", paid.1);
    let (status, body) = act(&app, &admin, &number, "refund", "1").await;
    assert!(status.is_success(), "{body}");
    assert_eq!(money_of(&app, &number).await.1, 100);
    let detail: Value = serde_json::from_str(
        &post(&app, &staff, "admin/order", &[("number", &number)])
            .await
            .1,
    )
    .unwrap();
    assert_eq!(detail["refunds"][0]["status"], "succeeded");
    assert_eq!(detail["refunds"][0]["by"], "ada@example.com");
}
