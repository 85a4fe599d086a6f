//! Bulk files in the back office: a product CSV imported by a background job in batches (created, updated,
//! rejected rows with their reasons; the same file twice changes nothing the second time), a stock CSV booked
//! in the ledger, and CSV exports streamed to staff — the product export importing back unchanged.

use crate::accounts::browser;
use crate::admin::{cast, drift, ok, order};
use crate::checkout::count;
use crate::helpers::{spawn_app, TestApp};
use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::PgPool;
use std::time::Duration;

/// Uploads `csv` as the import page's form does (multipart), asking for JSON: (status, body).
async fn upload(
    app: &TestApp,
    client: &reqwest::Client,
    kind: &str,
    csv: &str,
) -> (StatusCode, String) {
    let form = Form::new().text("kind", kind.to_string()).part(
        "file",
        Part::bytes(csv.as_bytes().to_vec())
            .file_name(format!("{kind}.csv"))
            .mime_str("text/csv")
            .unwrap(),
    );
    app.post_multipart(client, "admin/import", form).await
}

/// Uploads and waits for the import to finish: its page's data.
async fn import(app: &TestApp, client: &reqwest::Client, kind: &str, csv: &str) -> Value {
    let (status, body) = upload(app, client, kind, csv).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let id: i64 = serde_json::from_str(&body).unwrap();
    let id = id.to_string();
    for _ in 0..600 {
        let view = ok(app, client, "admin/imports/one", &[("id", &id)]).await;
        if view["state"] == "Done" || view["state"] == "Failed" {
            return view;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("import {id} did not finish in a minute");
}

fn rejection(view: &Value, line: i64) -> &str {
    view["rejections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["line"] == line)
        .and_then(|r| r["reason"].as_str())
        .unwrap_or_else(|| panic!("no rejection on line {line}: {view}"))
}

const HEADER: &str = "sku,product,name,description,category,status,option1_name,option1_value,price,compare_at_price,opening_stock";

#[sqlx::test(migrations = "../migrations")]
async fn a_product_csv_creates_updates_and_rejects_rows_and_the_same_file_twice_changes_nothing(
    pool: PgPool,
) {
    let app = spawn_app(pool).await;
    let cast = cast(&app).await;
    let category: String =
        sqlx::query_scalar("select slug from category order by category_id limit 1")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    // A demo variant of a product with exactly one option, to update by its SKU.
    let (sku, slug, option, value, product_id, version): (String, String, String, String, i64, i32) =
        sqlx::query_as(
            "select v.sku, p.slug, o.name, v.options->>o.name, p.product_id, p.version
             from variant v join product p using (product_id) join product_option o using (product_id)
             where (select count(*) from product_option x where x.product_id = p.product_id) = 1
             order by v.sku limit 1",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let other: String =
        sqlx::query_scalar("select sku from variant where sku <> $1 order by sku limit 1")
            .bind(&sku)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let stock_before = count(
        &app,
        "select coalesce(sum(stock_on_hand), 0)::bigint from variant",
    )
    .await;

    // 400 new products × 3 sizes: 1,200 rows, so the file spans two batches.
    let mut csv = format!("{HEADER}\n");
    for p in 0..400 {
        for size in ["S", "M", "L"] {
            csv.push_str(&format!(
                "IMP-{p}-{size},import-tee-{p},\"Import tee {p}, cotton\",Soft.,{category},active,Size,{size},19.90,,5\n"
            ));
        }
    }
    // Line 1202: an existing variant, a new price.
    csv.push_str(&format!("{sku},{slug},,,,,{option},{value},1234.50,,\n"));
    // Lines 1203-1209: refused, each for its own reason.
    csv.push_str(&format!("BAD-PRICE,bad-price,Bad,,{category},,,,-3,,\n"));
    csv.push_str("NO-CAT,no-cat,No category,,no-such-category,,,,10,,\n");
    csv.push_str(&format!("{other},another-product,,,,,,,10,,\n"));
    csv.push_str("IMP-0-S,import-tee-0,,,,,Size,S,19.90,,\n");
    csv.push_str("NO-NAME,no-name,,,,,,,10,,\n");
    csv.push_str("IMP-0-XL,import-tee-0,,,,,Colour,Red,19.90,,\n");
    csv.push_str(&format!("CHEAP,cheap,Cheap,,{category},,,,10,12,abc\n"));
    let rows = 1208;

    // Staff may not import products; a customer and a visitor may not either; nothing is kept.
    assert_eq!(
        upload(&app, &cast.staff, "products", &csv).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        upload(&app, &cast.customer, "products", &csv).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        upload(&app, &browser(), "products", &csv).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(count(&app, "select count(*) from bulk_import").await, 0);

    let view = import(&app, &cast.admin, "products", &csv).await;
    assert_eq!(view["state"], "Done", "{view}");
    assert_eq!(view["total_rows"], rows);
    assert_eq!(view["processed_rows"], rows);
    assert_eq!(view["created_rows"], 1200, "{view}");
    assert_eq!(view["updated_rows"], 1, "{view}");
    assert_eq!(view["rejected_rows"], 7, "{view}");
    assert!(rejection(&view, 1203).contains("price"));
    assert!(rejection(&view, 1204).contains("no category has the web address no-such-category"));
    assert!(rejection(&view, 1205).contains("cannot move to another product"));
    assert!(
        rejection(&view, 1206).contains("line 2"),
        "{}",
        rejection(&view, 1206)
    );
    assert!(rejection(&view, 1207).contains("new product: give it a name and a category"));
    assert!(rejection(&view, 1208).contains("options are Size"));
    assert!(rejection(&view, 1209).contains("opening_stock"));

    // The products are in the shop with their options, prices and opening stock, booked in the ledger.
    let (name, variants, stock, options): (String, i64, i64, i64) = sqlx::query_as(
        "select p.name, count(v.*), sum(v.stock_on_hand)::bigint,
                (select count(*) from product_option o where o.product_id = p.product_id)
         from product p join variant v using (product_id)
         where p.slug = 'import-tee-7' and p.published group by p.product_id",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        (name.as_str(), variants, stock, options),
        ("Import tee 7, cotton", 3, 15, 1)
    );
    let page = app.get("/p/import-tee-7").await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(drift(&app).await.is_empty());
    let (price, new_version): (i64, i32) = sqlx::query_as(
        "select v.price_minor, p.version from variant v join product p using (product_id) where v.sku = $1",
    )
    .bind(&sku)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(price, 123_450);
    assert_eq!(
        new_version,
        version + 1,
        "an open product form of {product_id} must reload"
    );
    let stock_after = count(
        &app,
        "select coalesce(sum(stock_on_hand), 0)::bigint from variant",
    )
    .await;
    assert_eq!(stock_after - stock_before, 1200 * 5);

    // The same file again: nothing created or updated, the same rows refused, no stock booked twice.
    let again = import(&app, &cast.admin, "products", &csv).await;
    assert_eq!(again["created_rows"], 0, "{again}");
    assert_eq!(again["updated_rows"], 0, "{again}");
    assert_eq!(again["rejected_rows"], 7, "{again}");
    assert_eq!(
        count(
            &app,
            "select coalesce(sum(stock_on_hand), 0)::bigint from variant"
        )
        .await,
        stock_after
    );
    let unchanged_version: i32 =
        sqlx::query_scalar("select version from product where product_id = $1")
            .bind(product_id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(unchanged_version, version + 1);
    // Who started and finished each import is in the audit log.
    assert_eq!(
        count(
            &app,
            "select count(*) from audit_log where action in ('import.start', 'import.finish')"
        )
        .await,
        4
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_bad_file_is_refused_whole_with_a_message_and_nothing_kept(pool: PgPool) {
    let app = spawn_app(pool).await;
    let cast = cast(&app).await;
    for (csv, expected) in [
        ("", "Choose a CSV file"),
        ("sku,name\nA,B\n", "no product, price column"),
        ("sku,product,price\n", "no rows"),
    ] {
        let (status, body) = upload(&app, &cast.admin, "products", csv).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(body.contains(expected), "{body}");
    }
    let (status, body) = upload(
        &app,
        &cast.admin,
        "products",
        "sku,product,price\nA,\u{0},1\n",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("not text"), "{body}");
    let latin1 = reqwest::multipart::Form::new()
        .text("kind", "products")
        .part(
            "file",
            Part::bytes(vec![b's', b'k', b'u', 0xe9, b'\n']).file_name("x.csv"),
        );
    let r = cast
        .admin
        .post(app.url("/api/admin/import"))
        .header("accept", "application/json")
        .multipart(latin1)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("UTF-8"));
    let (status, body) = upload(&app, &cast.admin, "everything", "sku\n").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(count(&app, "select count(*) from bulk_import").await, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_stock_csv_books_each_row_in_the_ledger_and_refuses_bad_rows(pool: PgPool) {
    let app = spawn_app(pool).await;
    let cast = cast(&app).await;
    let skus: Vec<(String, i32)> = sqlx::query_as(
        "select sku, stock_on_hand from variant where stock_on_hand >= 2 order by sku limit 2",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let (a, a_stock) = &skus[0];
    let (b, b_stock) = &skus[1];
    let csv = format!(
        "sku,quantity,reason,note\n{a},+10,received,pallet 7\n{b},-2,damaged,\nNOPE-1,3,received,\n{a},-999999,correction,\n{b},4,sold,\n"
    );
    assert_eq!(
        upload(&app, &cast.customer, "stock", &csv).await.0,
        StatusCode::FORBIDDEN
    );
    let view = import(&app, &cast.staff, "stock", &csv).await;
    assert_eq!(view["updated_rows"], 2, "{view}");
    assert_eq!(view["rejected_rows"], 3, "{view}");
    assert!(rejection(&view, 4).contains("no product variant has this SKU"));
    assert!(rejection(&view, 5).contains("quantity"));
    assert!(rejection(&view, 6).contains("reason"));
    let now: Vec<(String, i32)> =
        sqlx::query_as("select sku, stock_on_hand from variant where sku = any($1) order by sku")
            .bind(vec![a.clone(), b.clone()])
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        now,
        vec![(a.clone(), a_stock + 10), (b.clone(), b_stock - 2)]
    );
    assert!(drift(&app).await.is_empty());
    let note: String = sqlx::query_scalar(
        "select m.note from stock_movement m join variant v using (variant_id)
         where v.sku = $1 order by m.stock_movement_id desc limit 1",
    )
    .bind(a)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(note.ends_with(": pallet 7"), "{note}");
}

fn csv_rows(body: &str) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body.as_bytes());
    r.records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn exports_stream_every_variant_and_the_orders_of_a_range_and_import_back_unchanged(
    pool: PgPool,
) {
    let app = spawn_app(pool).await;
    let cast = cast(&app).await;
    let (sku, _) = app.sku_with_stock(3).await;
    order(&app, &sku, 1, "first@example.com", "manual").await;
    order(&app, &sku, 2, "=1+2|cmd@example.com", "manual").await;

    assert_eq!(
        browser()
            .get(app.url("/admin/export/products.csv"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let r = cast
        .customer
        .get(app.url("/admin/export/orders.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let r = cast
        .staff
        .get(app.url("/admin/export/products.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    let body = r.text().await.unwrap();
    let rows = csv_rows(&body);
    assert_eq!(rows[0][0], "sku");
    assert_eq!(
        rows.len() as i64 - 1,
        count(&app, "select count(*) from variant").await
    );

    // What was exported imports back as it is: every row unchanged.
    let view = import(&app, &cast.admin, "products", &body).await;
    assert_eq!(view["total_rows"], rows.len() as i64 - 1);
    assert_eq!(
        (
            &view["created_rows"],
            &view["updated_rows"],
            &view["rejected_rows"]
        ),
        (&Value::from(0), &Value::from(0), &Value::from(0)),
        "{view}"
    );

    let today = chrono::Utc::now().date_naive();
    let range = format!("/admin/export/orders.csv?from={today}&to={today}");
    let body = cast
        .staff
        .get(app.url(&range))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let rows = csv_rows(&body);
    assert_eq!(rows.len(), 3, "{body}");
    assert_eq!(rows[0][0], "number");
    assert_eq!(rows[2][5], "2", "items of the second order");
    // A shopper's text that a spreadsheet would run as a formula is written as text.
    assert!(rows[2][4].starts_with("'="), "{}", rows[2][4]);
    let past = cast
        .staff
        .get(app.url("/admin/export/orders.csv?from=2020-01-01&to=2020-01-31"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(csv_rows(&past).len(), 1);
    let bad = cast
        .staff
        .get(app.url("/admin/export/orders.csv?from=yesterday"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert!(bad.text().await.unwrap().contains("2026-12-31"));
    assert_eq!(
        count(
            &app,
            "select count(*) from audit_log where action = 'export.orders'"
        )
        .await,
        2
    );
}
