//! The back office against the running app: who may call each admin server function, the order actions as
//! transitions of the state machine (each with its event, its audit entry and its email), unpaid bank-transfer
//! orders running out, and the stock ledger that always sums to what is on hand — under concurrent checkouts and
//! adjustments too.

use crate::account_security::{role, sign_up};
use crate::accounts::{browser, post};
use crate::checkout::{count, stock, Shopper};
use crate::helpers::{smtp_sink, spawn_app, wait_for_mail, TestApp};
use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::PgPool;

/// A shopper's order of `quantity` × `sku`, paid by `method`: (number, link key).
pub(crate) async fn order(
    app: &TestApp,
    sku: &str,
    quantity: u32,
    email: &str,
    method: &str,
) -> (String, String) {
    let shopper = Shopper::new(app);
    shopper.add(sku, quantity).await;
    shopper.address(email, "FR", "75002").await;
    assert!(shopper.shipping("standard", "").await.status().is_success());
    let (key, fingerprint, _) = shopper.review().await;
    let token = if method == "card" {
        crate::helpers::card_token("4242424242424242").await
    } else {
        String::new()
    };
    let r = shopper.place_with(&key, &fingerprint, method, &token).await;
    let status = r.status();
    let placed: Value = r.json().await.unwrap();
    assert!(status.is_success(), "{placed}");
    (
        placed["number"].as_str().unwrap().to_string(),
        placed["access_token"].as_str().unwrap().to_string(),
    )
}

/// A customer, a staff member and an admin, each signed in in a browser of their own.
pub(crate) struct Cast {
    pub customer: reqwest::Client,
    pub staff: reqwest::Client,
    pub admin: reqwest::Client,
}

pub(crate) async fn cast(app: &TestApp) -> Cast {
    let cast = Cast {
        customer: browser(),
        staff: browser(),
        admin: browser(),
    };
    sign_up(app, &cast.customer, "carl@example.com").await;
    sign_up(app, &cast.staff, "stan@example.com").await;
    sign_up(app, &cast.admin, "ada@example.com").await;
    role(app, "stan@example.com", "staff").await;
    role(app, "ada@example.com", "admin").await;
    cast
}

pub(crate) async fn ok(
    app: &TestApp,
    client: &reqwest::Client,
    endpoint: &str,
    form: &[(&str, &str)],
) -> Value {
    let (status, body) = post(app, client, endpoint, form).await;
    assert!(status.is_success(), "{endpoint}: {status} {body}");
    serde_json::from_str(&body).unwrap_or(Value::Null)
}

/// Everything an admin call could have written.
async fn footprint(app: &TestApp) -> Vec<i64> {
    let mut out = Vec::new();
    for sql in [
        "select count(*) from audit_log",
        "select count(*) from order_event",
        "select count(*) from stock_movement",
        "select count(*) from payment",
        "select count(*) from refund",
        "select count(*) from job",
        "select coalesce(sum(stock_on_hand), 0)::bigint from variant",
        "select count(*) from customer where role <> 'customer'",
        "select count(*) from customer_order where status <> 'awaiting_payment'",
        "select count(*) from product",
        "select count(*) from variant",
        "select count(*) from category",
        "select count(*) from collection",
        "select count(*) from customer where disabled_at is not null",
        "select count(*) from discount",
        "select count(*) from discount where ends_at is not null",
        "select count(*) from product_image",
        "select count(*) from return_request",
    ] {
        out.push(count(app, sql).await);
    }
    out
}

/// An admin server function, a valid form for it, and whether only admins may call it.
type Call<'a> = (&'a str, Vec<(&'a str, &'a str)>, bool);

#[sqlx::test(migrations = "../migrations")]
async fn every_admin_function_refuses_visitors_customers_and_staff_where_admins_only(pool: PgPool) {
    let app = spawn_app(pool).await;
    let cast = cast(&app).await;
    let (sku, _) = app.sku_with_stock(3).await;
    let (number, _) = order(&app, &sku, 1, "buyer@example.com", "manual").await;
    let (product_id, category_id): (i64, i64) = sqlx::query_as(
        "select product_id, category_id from product join variant using (product_id) where sku = $1",
    )
    .bind(&sku)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let (product_id, category_id) = (product_id.to_string(), category_id.to_string());
    let carl: i64 =
        sqlx::query_scalar("select customer_id from customer where email = 'carl@example.com'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let carl = carl.to_string();
    let image_id: i64 = sqlx::query_scalar(
        "select product_image_id from product_image where product_id = $1 order by position limit 1",
    )
    .bind(product_id.parse::<i64>().unwrap())
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let image_id = image_id.to_string();
    let before = footprint(&app).await;
    let calls: Vec<Call> = vec![
        ("admin/overview", vec![], false),
        ("admin/dashboard", vec![], false),
        ("admin/orders", vec![("status", "awaiting_payment")], false),
        ("admin/order", vec![("number", &number)], false),
        (
            "admin/order/act",
            vec![("number", &number), ("action", "record_payment")],
            false,
        ),
        (
            "admin/order/act",
            vec![("number", &number), ("action", "cancel")],
            false,
        ),
        (
            "admin/order/act",
            vec![("number", &number), ("action", "refund")],
            true,
        ),
        (
            "admin/order/return",
            vec![("number", &number), ("return_id", "1"), ("step", "approve")],
            false,
        ),
        ("admin/stock", vec![], false),
        ("admin/stock/variant", vec![("sku", &sku)], false),
        (
            "admin/stock/adjust",
            vec![("sku", &sku), ("delta", "5"), ("reason", "received")],
            false,
        ),
        (
            "admin/role",
            vec![("email", "carl@example.com"), ("role", "admin")],
            true,
        ),
        ("admin/audit", vec![], true),
        ("admin/products", vec![("q", "shirt")], false),
        ("admin/product", vec![("product_id", &product_id)], false),
        (
            "admin/product/image/remove",
            vec![("product_id", &product_id), ("image_id", &image_id)],
            true,
        ),
        (
            "admin/product/save",
            vec![
                ("name", "Desk Lamp"),
                ("category", &category_id),
                ("status", "draft"),
                ("variants[0][sku]", "DESK-LAMP"),
                ("variants[0][price]", "10"),
            ],
            true,
        ),
        ("admin/categories", vec![], false),
        (
            "admin/category/save",
            vec![("name", "Lamps"), ("parent", &category_id)],
            true,
        ),
        (
            "admin/category/delete",
            vec![("category_id", "999999")],
            true,
        ),
        ("admin/collections", vec![], false),
        (
            "admin/collection/delete",
            vec![("collection_id", "999999")],
            true,
        ),
        (
            "admin/collection/save",
            vec![("name", "Bright ideas"), ("featured", "on")],
            true,
        ),
        ("admin/customers", vec![("q", "carl")], false),
        ("admin/customer", vec![("customer_id", &carl)], false),
        (
            "admin/customer/act",
            vec![("customer_id", &carl), ("action", "send_password_reset")],
            true,
        ),
        ("admin/discounts", vec![], true),
        (
            "admin/discount/save",
            vec![("code", "STAFF-ONLY"), ("kind", "percent"), ("amount", "5")],
            true,
        ),
        ("admin/discount/end", vec![("discount_id", "1")], true),
    ];
    for (endpoint, form, admin_only) in &calls {
        let visitor = post(&app, &browser(), endpoint, form).await;
        assert_eq!(
            visitor.0,
            StatusCode::UNAUTHORIZED,
            "{endpoint} visitor: {}",
            visitor.1
        );
        let customer = post(&app, &cast.customer, endpoint, form).await;
        assert_eq!(
            customer.0,
            StatusCode::FORBIDDEN,
            "{endpoint} customer: {}",
            customer.1
        );
        if *admin_only {
            let staff = post(&app, &cast.staff, endpoint, form).await;
            assert_eq!(
                staff.0,
                StatusCode::FORBIDDEN,
                "{endpoint} staff: {}",
                staff.1
            );
        }
        assert_eq!(footprint(&app).await, before, "{endpoint} changed nothing");
    }
    // The same calls succeed for whoever may make them (reads first, then the writes).
    for (endpoint, form, admin_only) in &calls {
        if endpoint.ends_with("act") && form[1].1 == "cancel" {
            continue; // the payment was just recorded; cancelling a paid order is tested below
        }
        if endpoint.ends_with("/delete") {
            continue; // deleting is tested with its own categories and collections (admin_categories.rs)
        }
        if endpoint.ends_with("/return") {
            continue; // a return needs a shipped order and a shopper's request (returns.rs)
        }
        let who = if *admin_only {
            &cast.admin
        } else {
            &cast.staff
        };
        ok(&app, who, endpoint, form).await;
    }
    // Recorded, refunded (by the admin), adjusted, role given, image removed, product, category and collection
    // created, reset link sent, discount created and ended.
    assert_eq!(count(&app, "select count(*) from audit_log").await, 11);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_bank_transfer_order_is_paid_then_shipped_with_tracking(pool: PgPool) {
    let app = spawn_app(pool).await;
    let cast = cast(&app).await;
    let (sku, _) = app.sku_with_stock(3).await;
    let shopper = format!("transfer-{}@example.com", uuid::Uuid::new_v4().simple());
    let (number, key) = order(&app, &sku, 2, &shopper, "manual").await;
    let (on_hand, reserved) = stock(&app, &sku).await;
    assert_eq!(reserved, 2);

    // The list finds it by email and by status; the detail shows the decrypted address and the deadline.
    let list = ok(
        &app,
        &cast.staff,
        "admin/orders",
        &[("q", &shopper.to_uppercase())],
    )
    .await;
    assert_eq!(list["orders"][0]["number"], number.as_str());
    assert_eq!(list["orders"][0]["items"], 2);
    let list = ok(&app, &cast.staff, "admin/orders", &[("status", "paid")]).await;
    assert_eq!(list["orders"].as_array().unwrap().len(), 0);
    let detail = ok(&app, &cast.staff, "admin/order", &[("number", &number)]).await;
    assert_eq!(detail["order"]["address"]["name"], "Ana Pérez");
    assert!(detail["order"]["pay_by"].is_string());
    assert_eq!(
        detail["actions"],
        serde_json::json!(["RecordPayment", "Cancel"])
    );

    // Shipping before payment is refused, and changes nothing.
    let ship = [
        ("number", number.as_str()),
        ("action", "ship"),
        ("carrier", "ups"),
        ("tracking_number", "1Z999AA10123456784"),
    ];
    let (status, body) = post(&app, &cast.staff, "admin/order/act", &ship).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");

    // The transfer arrives: paid, the stock sold (a ledger row), the payment on record.
    let paid = ok(
        &app,
        &cast.staff,
        "admin/order/act",
        &[
            ("number", &number),
            ("action", "record_payment"),
            ("note", "IBAN ref 42"),
        ],
    )
    .await;
    assert_eq!(paid, "paid");
    assert_eq!(stock(&app, &sku).await, (on_hand - 2, 0));
    let sold: i64 = sqlx::query_scalar(
        "select sum(delta)::bigint from stock_movement m join variant v using (variant_id)
         where v.sku = $1 and m.reason = 'sold'",
    )
    .bind(&sku)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(sold, -2);
    // Twice: the second is refused (409), nothing doubles.
    let again = act(&app, &cast.staff, &number, "record_payment").await;
    assert_eq!(again.0, StatusCode::CONFLICT, "{}", again.1);
    assert_eq!(count(&app, "select count(*) from payment").await, 1);

    // Shipped with tracking: the shopper's page and email carry the carrier's link.
    let shipped = ok(&app, &cast.staff, "admin/order/act", &ship).await;
    assert_eq!(shipped, "shipped");
    let view = Shopper::new(&app);
    let page = ok_order(&view, &number, &key).await;
    assert_eq!(
        page["shipment"]["tracking_url"],
        "https://www.ups.com/track?tracknum=1Z999AA10123456784"
    );
    if let Some((_, maildir)) = smtp_sink() {
        let mails = wait_for_mail(&maildir, &shopper, 3).await;
        let shipped_mail = mails
            .iter()
            .find(|(subject, _)| subject.contains("shipped") || subject.contains("on its way"))
            .unwrap_or_else(|| panic!("a shipped email among {mails:?}"));
        assert!(
            shipped_mail
                .1
                .contains("https://www.ups.com/track?tracknum=1Z999AA10123456784"),
            "{}",
            shipped_mail.1
        );
    }

    // The timeline says who did what; the audit log has both writes with the request id.
    let detail = ok(&app, &cast.staff, "admin/order", &[("number", &number)]).await;
    let events = detail["events"].as_array().unwrap();
    let by: Vec<(&str, &str)> = events
        .iter()
        .map(|e| {
            (
                e["to"].as_str().unwrap(),
                e["by"].as_str().unwrap_or("shop"),
            )
        })
        .collect();
    assert_eq!(
        by,
        [
            ("awaiting_payment", "shop"),
            ("paid", "stan@example.com"),
            ("fulfilled", "stan@example.com"),
            ("shipped", "stan@example.com")
        ]
    );
    let audit = ok(&app, &cast.admin, "admin/audit", &[("entity_id", &number)]).await;
    let actions: Vec<&str> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["order.ship", "order.record_payment"]);
    assert!(audit["entries"][0]["request_id"]
        .as_str()
        .is_some_and(|r| r.len() >= 32));
    assert!(audit["entries"][0]["after"]
        .as_str()
        .unwrap()
        .contains("1Z999AA10123456784"));
}

/// One action on an order, as staff's form sends it.
async fn act(
    app: &TestApp,
    client: &reqwest::Client,
    number: &str,
    action: &str,
) -> (StatusCode, String) {
    post(
        app,
        client,
        "admin/order/act",
        &[("number", number), ("action", action)],
    )
    .await
}

async fn ok_order(shopper: &Shopper<'_>, number: &str, key: &str) -> Value {
    shopper
        .ok("order", &[("number", number), ("key", key)])
        .await
}

#[sqlx::test(migrations = "../migrations")]
async fn cancelling_gives_the_stock_back_and_pays_the_money_back(pool: PgPool) {
    let app = spawn_app(pool).await;
    let cast = cast(&app).await;
    let (sku, _) = app.sku_with_stock(4).await;
    let (on_hand, _) = stock(&app, &sku).await;

    // Unpaid: the reservation is released.
    let (unpaid, _) = order(&app, &sku, 1, "unpaid@example.com", "manual").await;
    ok(
        &app,
        &cast.staff,
        "admin/order/act",
        &[
            ("number", &unpaid),
            ("action", "cancel"),
            ("note", "asked by phone"),
        ],
    )
    .await;
    assert_eq!(stock(&app, &sku).await, (on_hand, 0));

    // Paid by transfer, then cancelled before it ships: the sold units come back, in the ledger as released.
    let (paid, _) = order(&app, &sku, 2, "paid@example.com", "manual").await;
    ok(
        &app,
        &cast.staff,
        "admin/order/act",
        &[("number", &paid), ("action", "record_payment")],
    )
    .await;
    assert_eq!(stock(&app, &sku).await, (on_hand - 2, 0));
    // Cancelling a paid order pays the money back: admins only.
    let (status, _) = act(&app, &cast.staff, &paid, "cancel").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    ok(
        &app,
        &cast.admin,
        "admin/order/act",
        &[("number", &paid), ("action", "cancel")],
    )
    .await;
    assert_eq!(stock(&app, &sku).await, (on_hand, 0));
    let released: i64 = sqlx::query_scalar(
        "select count(*) from stock_movement m join customer c on c.customer_id = m.actor_id
         where m.reason = 'released' and c.email = 'ada@example.com' and m.delta = 2",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(released, 1);
    // A cancelled order takes no more actions.
    let (status, body) = act(&app, &cast.admin, &paid, "cancel").await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    // Unknown orders and actions are clear 4xx answers.
    let (status, _) = act(&app, &cast.staff, "BZ-NOPE", "cancel").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = act(&app, &cast.staff, &paid, "explode").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("action"), "{body}");
    assert!(drift(&app).await.is_empty());
}

#[sqlx::test(migrations = "../migrations")]
async fn a_card_order_is_not_recorded_as_a_transfer_nor_cancelled_by_staff(pool: PgPool) {
    let app = spawn_app(pool).await;
    if crate::helpers::stripe_url().is_none() {
        eprintln!("skipped: no localstripe (scripts/test starts one)");
        return;
    }
    let cast = cast(&app).await;
    let (sku, _) = app.sku_with_stock(2).await;
    let (number, _) = order(&app, &sku, 1, "card@example.com", "card").await;
    let before = footprint(&app).await;
    let (status, body) = act(&app, &cast.staff, &number, "record_payment").await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    // Cancelling it pays the card back: not for staff.
    let (status, body) = act(&app, &cast.staff, &number, "cancel").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(footprint(&app).await, before);
}

#[sqlx::test(migrations = "../migrations")]
async fn unpaid_transfers_run_out_and_release_their_stock(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (sku, _) = app.sku_with_stock(2).await;
    let (number, _) = order(&app, &sku, 1, "slow@example.com", "manual").await;
    assert_eq!(stock(&app, &sku).await.1, 1);
    // The deadline is the configured 7 days, and a job is due then.
    let (held, due): (f64, f64) = sqlx::query_as(
        "select extract(epoch from o.reserved_until - o.created_at)::float8,
                extract(epoch from j.run_at - o.created_at)::float8
         from customer_order o join job j on j.kind = 'reservation.expire'
              and (j.payload ->> 'order_id')::bigint = o.customer_order_id
         where o.number = $1",
    )
    .bind(&number)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!((held - 7.0 * 86400.0).abs() < 60.0, "{held}");
    assert!((due - held).abs() < 60.0, "{due}");
    let now = chrono::Utc::now();
    assert_eq!(
        backend::orders::expire_reservations(&app.state, now + chrono::Duration::days(6))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        backend::orders::expire_reservations(&app.state, now + chrono::Duration::days(8))
            .await
            .unwrap(),
        1
    );
    assert_eq!(stock(&app, &sku).await.1, 0);
    let status: String =
        sqlx::query_scalar("select status::text from customer_order where number = $1")
            .bind(&number)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(status, "cancelled");
}

#[sqlx::test(migrations = "../migrations")]
async fn stock_adjustments_are_checked_and_ledgered(pool: PgPool) {
    let app = spawn_app(pool).await;
    let cast = cast(&app).await;
    let (sku, _) = app.sku_with_stock(3).await;
    app.set_stock(&sku, 10).await;
    let _ = order(&app, &sku, 3, "holder@example.com", "manual").await;

    let level = ok(
        &app,
        &cast.staff,
        "admin/stock/adjust",
        &[
            ("sku", &sku),
            ("delta", "+5"),
            ("reason", "received"),
            ("note", "pallet 7"),
        ],
    )
    .await;
    assert_eq!(
        (level["on_hand"].as_i64(), level["available"].as_i64()),
        (Some(15), Some(12))
    );
    // More than is not held by unpaid orders cannot be removed; the message says how many can.
    let (status, body) = post(
        &app,
        &cast.staff,
        "admin/stock/adjust",
        &[("sku", &sku), ("delta", "-13"), ("reason", "damaged")],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("remove at most 12"), "{body}");
    for (form, field) in [
        (
            vec![
                ("sku", "NO-SUCH-SKU"),
                ("delta", "1"),
                ("reason", "received"),
            ],
            "sku",
        ),
        (
            vec![
                ("sku", sku.as_str()),
                ("delta", "0"),
                ("reason", "received"),
            ],
            "delta",
        ),
        (
            vec![
                ("sku", sku.as_str()),
                ("delta", "1e9"),
                ("reason", "received"),
            ],
            "delta",
        ),
        (
            vec![("sku", sku.as_str()), ("delta", "1"), ("reason", "sold")],
            "reason",
        ),
        (
            vec![
                ("sku", sku.as_str()),
                ("delta", "100000"),
                ("reason", "received"),
            ],
            "",
        ),
    ] {
        let (status, body) = post(&app, &cast.staff, "admin/stock/adjust", &form).await;
        if field.is_empty() {
            assert!(status.is_success(), "{body}");
            continue;
        }
        assert_eq!(status, StatusCode::BAD_REQUEST, "{form:?}: {body}");
        assert!(body.contains(field), "{form:?}: {body}");
    }
    let variant = ok(&app, &cast.staff, "admin/stock/variant", &[("sku", &sku)]).await;
    let reasons: Vec<&str> = variant["movements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["reason"].as_str().unwrap())
        .collect();
    assert_eq!(&reasons[..2], ["Received", "Received"]);
    assert_eq!(variant["movements"][1]["by"], "stan@example.com");
    assert_eq!(variant["movements"][1]["note"], "pallet 7");
    assert!(drift(&app).await.is_empty());
}

/// Stock adjustments of `sku` sent at once: (delta, reason) each.
async fn adjust_all(
    app: &TestApp,
    staff: &reqwest::Client,
    sku: &str,
    changes: &[(&str, &str)],
) -> Vec<(StatusCode, String)> {
    join_all(changes.iter().map(|(delta, reason)| async move {
        let form = [("sku", sku), ("delta", *delta), ("reason", *reason)];
        post(app, staff, "admin/stock/adjust", &form).await
    }))
    .await
}

/// Variants whose stock on hand is not their ledger's sum.
pub(crate) async fn drift(app: &TestApp) -> Vec<(String, i64, i64)> {
    let mut conn = app.pool.acquire().await.unwrap();
    backend::db::stock::drift(&mut conn).await.unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn concurrent_checkouts_payments_and_adjustments_keep_the_ledger_whole(pool: PgPool) {
    let app = spawn_app(pool).await;
    let cast = cast(&app).await;
    let (sku, _) = app.sku_with_stock(1).await;
    app.set_stock(&sku, 6).await;
    // Eight shoppers reach the review page for 1 unit each; 6 are on the shelf.
    let shoppers: Vec<Shopper> = (0..8).map(|_| Shopper::new(&app)).collect();
    let mut ready = Vec::new();
    for (i, s) in shoppers.iter().enumerate() {
        s.add(&sku, 1).await;
        s.address(&format!("race{i}@example.com"), "FR", "75002")
            .await;
        assert!(s.shipping("standard", "").await.status().is_success());
        let (key, fp, _) = s.review().await;
        ready.push((key, fp));
    }
    // At once: the eight place their orders while staff remove damaged units and receive new ones.
    let placing = join_all(
        shoppers
            .iter()
            .zip(&ready)
            .map(|(s, (key, fp))| async move {
                let r = s.place(key, fp).await;
                let status = r.status();
                let body: Value = r.json().await.unwrap_or_default();
                (status, body["number"].as_str().map(str::to_owned))
            }),
    );
    let changes = [("-1", "damaged"), ("2", "received")].repeat(3);
    let adjusting = adjust_all(&app, &cast.staff, &sku, &changes);
    let (placed, adjusted) = tokio::join!(placing, adjusting);
    let numbers: Vec<String> = placed.iter().filter_map(|(_, n)| n.clone()).collect();
    for (status, _) in &placed {
        assert!(
            status.is_success() || *status == StatusCode::CONFLICT,
            "{status}"
        );
    }
    for (status, body) in &adjusted {
        assert!(
            status.is_success() || *status == StatusCode::BAD_REQUEST,
            "{status} {body}"
        );
    }
    // Now staff record every transfer at once, while more adjustments land.
    let paying = join_all(
        numbers
            .iter()
            .map(|n| act(&app, &cast.staff, n, "record_payment")),
    );
    let more = adjust_all(&app, &cast.staff, &sku, &[("-1", "correction"); 4]);
    let (paid, _) = tokio::join!(paying, more);
    assert!(paid.iter().all(|(s, _)| s.is_success()));
    let (on_hand, reserved) = stock(&app, &sku).await;
    assert!(on_hand >= 0 && reserved == 0, "{on_hand} {reserved}");
    assert!(drift(&app).await.is_empty(), "{:?}", drift(&app).await);
    let audited = count(
        &app,
        "select count(*) from audit_log where action = 'stock.adjust'",
    )
    .await;
    let ok_adjustments = adjusted.iter().filter(|(s, _)| s.is_success()).count() as i64;
    assert!(audited >= ok_adjustments);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_audit_log_cannot_be_changed_and_the_order_list_pages(pool: PgPool) {
    let app = spawn_app(pool).await;
    let cast = cast(&app).await;
    ok(
        &app,
        &cast.admin,
        "admin/role",
        &[("email", "carl@example.com"), ("role", "staff")],
    )
    .await;
    for sql in [
        "update audit_log set action = 'x.y'",
        "delete from audit_log",
        "truncate audit_log",
    ] {
        let err = sqlx::query(sql).execute(&app.pool).await.unwrap_err();
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    assert_eq!(count(&app, "select count(*) from audit_log").await, 1);
    let entry = ok(&app, &cast.admin, "admin/audit", &[("action", "account")]).await;
    assert_eq!(entry["entries"][0]["action"], "account.role");
    assert!(entry["entries"][0]["before"]
        .as_str()
        .unwrap()
        .contains("customer"));

    // 120 orders: pages of 50, newest first, no order twice, none lost.
    let (sku, _) = app.sku_with_stock(1).await;
    let _ = order(&app, &sku, 1, "first@example.com", "manual").await;
    sqlx::query(
        "insert into customer_order (number, access_token, idempotency_key, request_hash, payment_method, email,
                                     shipping_address, shipping_method, currency, tax_inclusive, tax_rate_bp,
                                     subtotal_minor, shipping_minor, tax_minor, total_minor, stock_state, created_at)
         select 'BZ-T' || lpad(i::text, 7, '0'), md5(i::text), gen_random_uuid(), 'h', 'manual', 'bulk@example.com',
                '{}'::jsonb, 'standard', 'EUR', true, 0, 100, 0, 0, 100, 'released',
                now() - make_interval(mins => i)
         from generate_series(1, 119) i",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let mut seen = Vec::new();
    let mut after = String::new();
    loop {
        let page = ok(&app, &cast.staff, "admin/orders", &[("after", &after)]).await;
        let orders = page["orders"].as_array().unwrap();
        seen.extend(
            orders
                .iter()
                .map(|o| o["number"].as_str().unwrap().to_string()),
        );
        match page["next"].as_str() {
            Some(next) => after = next.to_string(),
            None => break,
        }
    }
    assert_eq!(seen.len(), 120);
    assert_eq!(seen[1], "BZ-T0000001");
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 120);
    let filtered = ok(
        &app,
        &cast.staff,
        "admin/orders",
        &[("q", "first@example.com")],
    )
    .await;
    assert_eq!(filtered["orders"].as_array().unwrap().len(), 1);
    for (form, field) in [
        (vec![("status", "lost")], "status"),
        (vec![("from", "2026-02-30")], "from"),
        (vec![("from", "2026-03-01"), ("to", "2026-02-01")], "to"),
        (vec![("after", "garbage")], "after"),
    ] {
        let (status, body) = post(&app, &cast.staff, "admin/orders", &form).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{form:?}: {body}");
        assert!(body.contains(field), "{body}");
    }
}
