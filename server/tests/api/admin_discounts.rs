//! Discount codes from the back office: an admin creates a code, shoppers redeem it and the list counts the
//! uses; a limit is never set below the uses already counted; a code ended now is refused at checkout.

use crate::accounts::post;
use crate::admin::{cast, ok};
use crate::checkout::Shopper;
use crate::helpers::spawn_app;
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::PgPool;

fn row<'a>(list: &'a Value, code: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == code)
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_code_made_in_the_back_office_is_redeemed_counted_and_ended(pool: PgPool) {
    let app = spawn_app(pool).await;
    let cast = cast(&app).await;
    let saved = ok(
        &app,
        &cast.admin,
        "admin/discount/save",
        &[
            ("code", "winter-10"),
            ("kind", "percent"),
            ("amount", "10"),
            ("usage_limit", "5"),
            ("per_customer_limit", "1"),
        ],
    )
    .await;
    assert_eq!(saved["code"], "WINTER-10");
    assert_eq!(saved["state"], "Active");
    let id = saved["discount_id"].to_string();

    // A shopper uses it: 10 % off, and the list counts one use.
    let (sku, _) = app.sku_with_stock(1).await;
    let shopper = Shopper::new(&app);
    shopper.add(&sku, 1).await;
    shopper.address("winter@example.com", "FR", "75002").await;
    let r = shopper.shipping("standard", "winter-10").await;
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    let (key, fingerprint, summary) = shopper.review().await;
    let subtotal = summary["totals"]["subtotal"]["minor"].as_i64().unwrap();
    assert_eq!(
        summary["totals"]["discount"]["minor"].as_i64().unwrap(),
        (subtotal * 1000 + 5000) / 10_000
    );
    let placed = shopper.place_with(&key, &fingerprint, "manual", "").await;
    assert!(placed.status().is_success());
    let list = ok(&app, &cast.admin, "admin/discounts", &[]).await;
    assert_eq!(row(&list, "WINTER-10")["used_count"], 1);

    // The limit cannot go below the uses; the code cannot take another code's name.
    let (status, body) = post(
        &app,
        &cast.admin,
        "admin/discount/save",
        &[
            ("discount_id", &id),
            ("code", "WINTER-10"),
            ("kind", "percent"),
            ("amount", "10"),
            ("usage_limit", "0"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    ok(
        &app,
        &cast.admin,
        "admin/discount/save",
        &[("code", "FIVER"), ("kind", "fixed"), ("amount", "5")],
    )
    .await;
    let (status, body) = post(
        &app,
        &cast.admin,
        "admin/discount/save",
        &[
            ("discount_id", &id),
            ("code", "fiver"),
            ("kind", "percent"),
            ("amount", "10"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body.contains("\"code\"") && !body.contains("constraint"),
        "{body}"
    );

    // Ended now: the next shopper is told it has expired.
    let ended = ok(
        &app,
        &cast.admin,
        "admin/discount/end",
        &[("discount_id", &id)],
    )
    .await;
    assert_eq!(ended["state"], "Ended");
    let late = Shopper::new(&app);
    late.add(&sku, 1).await;
    late.address("late@example.com", "FR", "75002").await;
    let r = late.shipping("standard", "WINTER-10").await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("expired"));
    let actions: Vec<String> = sqlx::query_scalar(
        "select action from audit_log where entity = 'discount' order by audit_log_id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        actions,
        ["discount.create", "discount.create", "discount.end"]
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_window_of_days_starts_and_ends_with_whole_days(pool: PgPool) {
    let app = spawn_app(pool).await;
    let cast = cast(&app).await;
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    let saved = ok(
        &app,
        &cast.admin,
        "admin/discount/save",
        &[
            ("code", "SOON"),
            ("kind", "fixed"),
            ("amount", "3.50"),
            ("min_subtotal", "20"),
            ("first_day", &tomorrow),
            ("last_day", &tomorrow),
        ],
    )
    .await;
    assert_eq!(saved["state"], "Scheduled");
    assert_eq!(saved["first_day"], tomorrow.as_str());
    assert_eq!(
        saved["last_day"],
        tomorrow.as_str(),
        "the last day is included"
    );
    assert_eq!(saved["kind"]["Fixed"]["minor"], 350);
    let (status, body) = post(
        &app,
        &cast.admin,
        "admin/discount/save",
        &[
            ("code", "BACKWARDS"),
            ("kind", "fixed"),
            ("amount", "1"),
            ("first_day", &tomorrow),
            ("last_day", "2020-01-01"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}
