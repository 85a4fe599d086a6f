//! Returns (RMA) against the running app: a shopper asks through the order's link to return chosen lines of a
//! shipped order; staff approve or refuse, receive the parcel (restocking per line, in the stock ledger) and an
//! admin refunds what the lines were paid — each step emailed, on the timeline and in the audit log. Requests
//! outside the window, beyond what was ordered or without the link are refused and write nothing; requests at
//! once never return more than was ordered.

use crate::accounts::post;
use crate::admin::{cast, drift, ok};
use crate::checkout::{count, stock, Shopper};
use crate::helpers::{smtp_sink, spawn_app, wait_for_mail, TestApp};
use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::PgPool;

/// Two SKUs with at least 3 on hand.
async fn two_skus(app: &TestApp) -> (String, String) {
    let skus: Vec<String> = sqlx::query_scalar(
        "select sku from variant where stock_on_hand - reserved >= 3 order by sku limit 2",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    (skus[0].clone(), skus[1].clone())
}

/// A bank-transfer order of `lines`, paid and shipped by staff: (number, link key).
async fn shipped_order(
    app: &TestApp,
    staff: &reqwest::Client,
    lines: &[(&str, u32)],
    email: &str,
) -> (String, String) {
    let shopper = Shopper::new(app);
    for (sku, quantity) in lines {
        shopper.add(sku, *quantity).await;
    }
    shopper.address(email, "FR", "75002").await;
    assert!(shopper.shipping("standard", "").await.status().is_success());
    let (key, fingerprint, _) = shopper.review().await;
    let placed: Value = shopper
        .place_with(&key, &fingerprint, "manual", "")
        .await
        .json()
        .await
        .unwrap();
    let number = placed["number"].as_str().unwrap().to_string();
    let access = placed["access_token"].as_str().unwrap().to_string();
    for form in [
        vec![("number", number.as_str()), ("action", "record_payment")],
        vec![
            ("number", number.as_str()),
            ("action", "ship"),
            ("carrier", "ups"),
            ("tracking_number", "1Z999AA10123456784"),
        ],
    ] {
        ok(app, staff, "admin/order/act", &form).await;
    }
    (number, access)
}

/// The order as its shopper sees it.
async fn view(app: &TestApp, number: &str, key: &str) -> Value {
    Shopper::new(app)
        .ok("order", &[("number", number), ("key", key)])
        .await
}

/// The line number of `sku` among what may still be returned.
fn line_of(order: &Value, sku: &str) -> String {
    order["returnable"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["sku"] == sku)
        .unwrap_or_else(|| panic!("{sku} returnable in {order}"))["line_no"]
        .to_string()
}

/// The shopper's return request: (status, body).
async fn ask(
    app: &TestApp,
    number: &str,
    key: &str,
    reason: &str,
    quantities: &[(&str, &str)],
) -> (StatusCode, String) {
    let fields: Vec<(String, String)> = quantities
        .iter()
        .map(|(line, q)| (format!("quantities[l{line}]"), q.to_string()))
        .collect();
    let mut form = vec![("number", number), ("key", key), ("reason", reason)];
    form.extend(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    post(app, &reqwest::Client::new(), "order/return", &form).await
}

/// One step with a return, by `who`: (status, body).
async fn step(
    app: &TestApp,
    who: &reqwest::Client,
    number: &str,
    id: &str,
    step: &str,
    extra: &[(&str, &str)],
) -> (StatusCode, String) {
    let mut form = vec![("number", number), ("return_id", id), ("step", step)];
    form.extend_from_slice(extra);
    post(app, who, "admin/order/return", &form).await
}

async fn returned_movements(app: &TestApp, sku: &str) -> i64 {
    sqlx::query_scalar(
        "select coalesce(sum(delta), 0)::bigint from stock_movement m join variant v using (variant_id)
         where v.sku = $1 and m.reason = 'returned'",
    )
    .bind(sku)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_return_is_asked_approved_received_and_refunded_with_an_email_at_each_step(pool: PgPool) {
    let app = spawn_app(pool).await;
    let cast = cast(&app).await;
    let (a, b) = two_skus(&app).await;
    let shopper = format!("returns-{}@example.com", uuid::Uuid::new_v4().simple());
    let (number, key) = shipped_order(&app, &cast.staff, &[(&a, 2), (&b, 1)], &shopper).await;
    let order = view(&app, &number, &key).await;
    let (line_a, line_b) = (line_of(&order, &a), line_of(&order, &b));
    assert!(order["returnable"]["until"].is_string(), "{order}");

    let (status, body) = ask(
        &app,
        &number,
        &key,
        " Too small ",
        &[(&line_a, "1"), (&line_b, "1")],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let id: i64 = serde_json::from_str(&body).unwrap();
    let id = id.to_string();
    let order = view(&app, &number, &key).await;
    assert_eq!(order["returns"][0]["status"], "Requested");
    assert_eq!(order["returns"][0]["reason"], "Too small");
    // One of `a` may still go back; `b` is all taken.
    let left: Vec<(String, u64)> = order["returnable"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["sku"].as_str().unwrap().to_string(),
                l["left"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(left, vec![(a.clone(), 1)]);

    // Approved with where to send it; a refund before the parcel arrives is refused.
    let (status, body) = step(
        &app,
        &cast.staff,
        &number,
        &id,
        "approve",
        &[("note", "Send it to 1 Dock Road.")],
    )
    .await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "\"approved\""));
    let (status, body) = step(&app, &cast.admin, &number, &id, "refund", &[]).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");

    // Received: `a` back on the shelf (a ledger row), `b` not (damaged).
    let (on_hand_a, _) = stock(&app, &a).await;
    let (on_hand_b, _) = stock(&app, &b).await;
    let restock = format!("restock[l{line_a}]");
    let (status, body) = step(
        &app,
        &cast.staff,
        &number,
        &id,
        "receive",
        &[(&restock, "on")],
    )
    .await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "\"received\""));
    assert_eq!(stock(&app, &a).await.0, on_hand_a + 1);
    assert_eq!(stock(&app, &b).await.0, on_hand_b);
    assert_eq!(returned_movements(&app, &a).await, 1);
    assert_eq!(returned_movements(&app, &b).await, 0);
    assert!(drift(&app).await.is_empty());

    // Refunding is for admins; the admin's refund pays back what the two lines were paid.
    let (status, _) = step(&app, &cast.staff, &number, &id, "refund", &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let detail = ok(&app, &cast.staff, "admin/order", &[("number", &number)]).await;
    let value = detail["order"]["returns"][0]["value"]["minor"]
        .as_i64()
        .unwrap();
    let prices: Vec<i64> = detail["order"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["unit_price"]["minor"].as_i64().unwrap())
        .collect();
    assert_eq!(value, prices.iter().sum::<i64>(), "{detail}");
    let (status, body) = step(&app, &cast.admin, &number, &id, "refund", &[]).await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::OK, "\"refunded\""),
        "{body}"
    );
    let (refunded, state): (i64, String) =
        sqlx::query_as("select refunded_minor, status::text from customer_order where number = $1")
            .bind(&number)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((refunded, state.as_str()), (value, "partially_refunded"));
    let order = view(&app, &number, &key).await;
    assert_eq!(order["returns"][0]["status"], "Refunded");
    assert_eq!(order["returns"][0]["staff_note"], "Send it to 1 Dock Road.");
    // Asked again, nothing more is refunded.
    let (status, _) = step(&app, &cast.admin, &number, &id, "refund", &[]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(count(&app, "select count(*) from refund").await, 1);

    // Each step is on the timeline and in the audit log, with who did it.
    let notes: Vec<String> = detail["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["note"].as_str().map(str::to_string))
        .filter(|n| n.starts_with("return"))
        .collect();
    assert_eq!(
        notes,
        [
            format!("return {id} requested: Too small"),
            format!("return {id} approved"),
            format!("return {id} received")
        ]
    );
    let audit = ok(&app, &cast.admin, "admin/audit", &[("entity_id", &number)]).await;
    let actions: Vec<&str> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .filter(|a| a.starts_with("return."))
        .collect();
    assert_eq!(
        actions,
        ["return.refund", "return.receive", "return.approve"]
    );

    // The shopper heard of every step (after the placed, paid and shipped messages).
    if let Some((_, maildir)) = smtp_sink() {
        let mails = wait_for_mail(&maildir, &shopper, 7).await;
        let subjects: Vec<&str> = mails
            .iter()
            .map(|(s, _)| s.as_str())
            .filter(|s| s.contains("eturn"))
            .collect();
        assert_eq!(subjects.len(), 4, "{subjects:?}");
        for word in ["request", "approved", "received", "refunded"] {
            assert!(
                subjects.iter().any(|s| s.contains(word)),
                "{word}: {subjects:?}"
            );
        }
        let approved = mails.iter().find(|(s, _)| s.contains("approved")).unwrap();
        assert!(
            approved.1.contains("Send it to 1 Dock Road."),
            "{}",
            approved.1
        );
        assert!(approved.1.contains(&format!("/orders/{number}?key={key}")));
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn what_cannot_be_returned_is_refused_and_writes_nothing(pool: PgPool) {
    let app = spawn_app(pool).await;
    let cast = cast(&app).await;
    let (a, _) = two_skus(&app).await;
    // Paid but not shipped: nothing to return yet.
    let (number, key) = crate::admin::order(&app, &a, 2, "early@example.com", "manual").await;
    ok(
        &app,
        &cast.staff,
        "admin/order/act",
        &[("number", &number), ("action", "record_payment")],
    )
    .await;
    assert!(view(&app, &number, &key).await["returnable"].is_null());
    let (status, body) = ask(&app, &number, &key, "Changed my mind", &[("1", "1")]).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");

    let (number, key) = shipped_order(&app, &cast.staff, &[(&a, 2)], "late@example.com").await;
    let line = line_of(&view(&app, &number, &key).await, &a);
    // Every one a 400 naming what is wrong: (reason, quantities, words in the message).
    let l = line.as_str();
    let refusals = [
        ("Too big", [(l, "3")], "at most 2"),
        ("Too big", [("99", "1")], "not in this order"),
        ("Too big", [(l, "0")], "at least one"),
        ("Too big", [(l, "-1")], "from 0"),
        ("   ", [(l, "1")], "fill in"),
    ];
    for (reason, quantities, message) in refusals {
        let (status, body) = ask(&app, &number, &key, reason, &quantities).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{quantities:?}: {body}");
        assert!(body.contains(message), "{body}");
    }
    let (status, _) = ask(&app, &number, "not-the-key", "Too big", &[(&line, "1")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(count(&app, "select count(*) from return_request").await, 0);

    // Refused (with a reason, which is required): its items may be asked for again.
    let (_, body) = ask(&app, &number, &key, "Too big", &[(&line, "2")]).await;
    let id: i64 = serde_json::from_str(&body).unwrap();
    let id = id.to_string();
    let (status, body) = step(&app, &cast.staff, &number, &id, "refuse", &[]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("why"), "{body}");
    let refused = step(
        &app,
        &cast.staff,
        &number,
        &id,
        "refuse",
        &[("note", "Worn.")],
    )
    .await;
    assert_eq!(refused, (StatusCode::OK, "\"refused\"".to_string()));
    let (status, _) = step(&app, &cast.staff, &number, &id, "receive", &[]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = step(&app, &cast.staff, &number, "999999", "approve", &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(line_of(&view(&app, &number, &key).await, &a), line);

    // Thirty-one days after shipping (the window is 30), the order no longer takes returns.
    sqlx::query(
        "update customer_order set shipped_at = now() - interval '31 days' where number = $1",
    )
    .bind(&number)
    .execute(&app.pool)
    .await
    .unwrap();
    assert!(view(&app, &number, &key).await["returnable"].is_null());
    let (status, body) = ask(&app, &number, &key, "Too big", &[(&line, "1")]).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("30 days"), "{body}");
    assert_eq!(count(&app, "select count(*) from return_request").await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn requests_at_once_never_return_more_than_was_ordered(pool: PgPool) {
    let app = spawn_app(pool).await;
    let cast = cast(&app).await;
    let (a, _) = two_skus(&app).await;
    let (number, key) = shipped_order(&app, &cast.staff, &[(&a, 2)], "rush@example.com").await;
    let line = line_of(&view(&app, &number, &key).await, &a);
    // Eight requests of one unit each race for the two that were ordered.
    let one = [(line.as_str(), "1")];
    let answers = join_all((0..8).map(|_| ask(&app, &number, &key, "Duplicate gift", &one))).await;
    let accepted = answers.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    assert_eq!(accepted, 2, "{answers:?}");
    for (status, body) in &answers {
        assert!(
            *status == StatusCode::OK
                || *status == StatusCode::CONFLICT
                || *status == StatusCode::BAD_REQUEST,
            "{status} {body}"
        );
        assert!(!body.contains("return_request"), "{body}");
    }
    let returned: i64 = sqlx::query_scalar(
        "select sum(quantity)::bigint from return_line l join customer_order o using (customer_order_id)
         where o.number = $1",
    )
    .bind(&number)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(returned, 2);
    assert!(view(&app, &number, &key).await["returnable"].is_null());
}

#[sqlx::test(migrations = "../migrations")]
async fn an_admin_refunds_chosen_items_of_an_order_without_a_return(pool: PgPool) {
    let app = spawn_app(pool).await;
    let cast = cast(&app).await;
    let (a, b) = two_skus(&app).await;
    let (number, _) =
        shipped_order(&app, &cast.staff, &[(&a, 2), (&b, 1)], "items@example.com").await;
    let detail = ok(&app, &cast.staff, "admin/order", &[("number", &number)]).await;
    let lines = detail["order"]["lines"].as_array().unwrap();
    // Lines are numbered from 1 in the order they are listed.
    let line_a = lines.iter().position(|l| l["sku"] == a).unwrap() + 1;
    let price_a = lines[line_a - 1]["unit_price"]["minor"].as_i64().unwrap();
    let field = format!("lines[l{line_a}]");
    let f = field.as_str();
    let refusals: [(&[(&str, &str)], &str); 4] = [
        (&[(f, "3")], "ordered 2 times"),
        (&[("lines[l99]", "1")], "not in this order"),
        (&[(f, "x")], "from 0"),
        (&[(f, "1"), ("amount", "1.00")], "not both"),
    ];
    for (extra, message) in refusals {
        let (status, body) = refund_items(&app, &cast.admin, &number, extra).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{extra:?}: {body}");
        assert!(body.contains(message), "{body}");
    }
    assert_eq!(count(&app, "select count(*) from refund").await, 0);

    // One of the two `a`: its price comes back (no discount on this order), with the item in the note.
    let (status, body) = refund_items(&app, &cast.admin, &number, &[(f, "1")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (refunded, note): (i64, String) = sqlx::query_as(
        "select o.refunded_minor, r.note from customer_order o join refund r using (customer_order_id)
         where o.number = $1",
    )
    .bind(&number)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(refunded, price_a);
    assert_eq!(note, format!("1 × {a}"));
}

/// The order's refund action with `extra` fields (items, amount), by `who`.
async fn refund_items(
    app: &TestApp,
    who: &reqwest::Client,
    number: &str,
    extra: &[(&str, &str)],
) -> (StatusCode, String) {
    let mut form = vec![("number", number), ("action", "refund")];
    form.extend_from_slice(extra);
    post(app, who, "admin/order/act", &form).await
}
