//! The catalog in the back office: admins create and edit products (status, options, variants, collections)
//! through the save server function; drafts stay out of the shop; two saves of the same product never lose
//! one silently; bad input names its field and writes nothing; placed orders keep the prices they had.

use crate::accounts::post;
use crate::admin::{cast, drift, ok, order};
use crate::checkout::count;
use crate::helpers::{spawn_app, spawn_app_with, TestApp};
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::PgPool;
use std::time::Duration;

async fn first_category(app: &TestApp) -> String {
    let id: i64 =
        sqlx::query_scalar("select category_id from category order by category_id limit 1")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    id.to_string()
}

/// The save form of a new two-variant product in `category`, as the page posts it.
fn new_product<'a>(category: &'a str, name: &'a str, sku: &'a str) -> Vec<(String, String)> {
    let s = |k: &str, v: &str| (k.to_string(), v.to_string());
    vec![
        s("name", name),
        s("category", category),
        s("status", "draft"),
        s("description", "Heavy linen, washed soft."),
        s("options", "Size"),
        s("variants[0][sku]", &format!("{sku}-S")),
        s("variants[0][values]", "S"),
        s("variants[0][price]", "39.90"),
        s("variants[0][stock]", "7"),
        s("variants[1][sku]", &format!("{sku}-L")),
        s("variants[1][values]", "L"),
        s("variants[1][price]", "42"),
        s("variants[1][compare_at]", "50"),
        // The page's empty row for one more variant, left blank.
        s("variants[2][sku]", ""),
        s("variants[2][price]", ""),
    ]
}

fn pairs(form: &[(String, String)]) -> Vec<(&str, &str)> {
    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// The form of a saved product, as its edit page would post it back, with `changes` applied.
fn edit_form(p: &Value, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut form: Vec<(String, String)> = vec![
        ("product_id".into(), p["product_id"].to_string()),
        ("version".into(), p["version"].to_string()),
        ("name".into(), p["name"].as_str().unwrap().into()),
        ("slug".into(), p["slug"].as_str().unwrap().into()),
        (
            "description".into(),
            p["description"].as_str().unwrap().into(),
        ),
        ("category".into(), p["category_id"].to_string()),
        (
            "status".into(),
            p["status"].as_str().unwrap().to_lowercase(),
        ),
        (
            "options".into(),
            p["options"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o.as_str().unwrap())
                .collect::<Vec<_>>()
                .join(", "),
        ),
    ];
    for c in p["collection_ids"].as_array().unwrap() {
        form.push((format!("collections[c{c}]"), "on".into()));
    }
    for (i, v) in p["variants"].as_array().unwrap().iter().enumerate() {
        let values: Vec<&str> = v["values"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap())
            .collect();
        let money = |m: &Value| {
            let minor = m["minor"].as_i64().unwrap();
            format!("{}.{:02}", minor / 100, minor % 100)
        };
        form.push((format!("variants[{i}][id]"), v["variant_id"].to_string()));
        form.push((
            format!("variants[{i}][sku]"),
            v["sku"].as_str().unwrap().into(),
        ));
        form.push((format!("variants[{i}][values]"), values.join(", ")));
        form.push((format!("variants[{i}][price]"), money(&v["price"])));
        if !v["compare_at"].is_null() {
            form.push((
                format!("variants[{i}][compare_at]"),
                money(&v["compare_at"]),
            ));
        }
        form.push((
            format!("variants[{i}][low_stock]"),
            v["low_stock_threshold"].to_string(),
        ));
    }
    for (k, v) in changes {
        form.retain(|(key, _)| key != k);
        form.push((k.to_string(), v.to_string()));
    }
    form
}

#[sqlx::test(migrations = "../migrations")]
async fn an_admin_creates_a_draft_then_publishes_and_edits_it(pool: PgPool) {
    // Pages are cached for a second: a change shows in the shop once that lifetime has passed.
    let app = spawn_app_with(pool, &[("BAZAAR_PAGE_CACHE_TTL_SECS", "1")]).await;
    let cache_lifetime = || tokio::time::sleep(Duration::from_millis(1100));
    let cast = cast(&app).await;
    let category = first_category(&app).await;
    let form = new_product(&category, "Washed Linen Shirt", "LINEN");
    let created = ok(&app, &cast.admin, "admin/product/save", &pairs(&form)).await;
    assert_eq!(
        created["slug"], "washed-linen-shirt",
        "suggested from the name"
    );
    assert_eq!(created["status"], "Draft");
    assert_eq!(created["version"], 1);
    assert_eq!(created["variants"].as_array().unwrap().len(), 2);
    assert_eq!(created["variants"][0]["on_hand"], 7);
    assert_eq!(created["variants"][1]["compare_at"]["minor"], 5000);

    // A draft is nowhere in the shop, but staff find it by name and by the start of a SKU.
    assert_eq!(app.get("/p/washed-linen-shirt").await.status(), 404);
    for q in ["linen shirt", "linen-"] {
        let list = ok(
            &app,
            &cast.staff,
            "admin/products",
            &[("q", q), ("status", "draft")],
        )
        .await;
        assert_eq!(list["products"][0]["slug"], "washed-linen-shirt", "{q}");
        assert_eq!(list["products"][0]["available"], 7);
    }
    let list = ok(&app, &cast.staff, "admin/products", &[("q", "100%_sure")]).await;
    assert_eq!(
        list["products"].as_array().unwrap().len(),
        0,
        "wildcards are letters"
    );

    // Published, with a new price and a third variant.
    let edit = edit_form(
        &created,
        &[
            ("status", "active"),
            ("variants[0][price]", "35.00"),
            ("variants[2][sku]", "LINEN-XL"),
            ("variants[2][values]", "XL"),
            ("variants[2][price]", "44"),
        ],
    );
    let saved = ok(&app, &cast.admin, "admin/product/save", &pairs(&edit)).await;
    assert_eq!(saved["version"], 2);
    cache_lifetime().await;
    assert_eq!(saved["variants"].as_array().unwrap().len(), 3);
    let page = app.get("/p/washed-linen-shirt").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Washed Linen Shirt") && html.contains("35.00"),
        "the shop shows the new price"
    );

    // Archived: gone from the shop again, and from carts.
    let archive = edit_form(&saved, &[("status", "archived")]);
    ok(&app, &cast.admin, "admin/product/save", &pairs(&archive)).await;
    cache_lifetime().await;
    assert_eq!(app.get("/p/washed-linen-shirt").await.status(), 404);
    let added = app
        .call("cart/add", &[("sku", "LINEN-S"), ("quantity", "1")])
        .await;
    assert!(added.status().is_client_error(), "{}", added.status());

    // The opening stock is in the ledger; each save is in the audit log with before and after.
    assert!(drift(&app).await.is_empty());
    let opening: i64 = count(
        &app,
        "select count(*) from stock_movement m join variant v using (variant_id)
         where v.sku = 'LINEN-S' and m.reason = 'received' and m.delta = 7",
    )
    .await;
    assert_eq!(opening, 1);
    let audit: Vec<(String, bool, String)> = sqlx::query_as(
        "select action, before is null, after->>'status' from audit_log where entity = 'product' order by audit_log_id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        audit,
        vec![
            ("product.create".into(), true, "Draft".into()),
            ("product.update".into(), false, "Active".into()),
            ("product.update".into(), false, "Archived".into()),
        ]
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn of_two_saves_from_one_version_the_second_is_told_to_reload(pool: PgPool) {
    let app = spawn_app(pool).await;
    let cast = cast(&app).await;
    let category = first_category(&app).await;
    let created = ok(
        &app,
        &cast.admin,
        "admin/product/save",
        &pairs(&new_product(&category, "Oak Stool", "STOOL")),
    )
    .await;
    // Two admins opened version 1; both save at the same moment: one wins, the other gets a 409.
    let first = edit_form(&created, &[("name", "Oak Stool, oiled")]);
    let second = edit_form(&created, &[("variants[0][price]", "99.00")]);
    let (first, second) = (pairs(&first), pairs(&second));
    let (a, b) = tokio::join!(
        post(&app, &cast.admin, "admin/product/save", &first),
        post(&app, &cast.admin, "admin/product/save", &second),
    );
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::OK, StatusCode::CONFLICT],
        "{} / {}",
        a.1,
        b.1
    );
    let loser = if a.0 == StatusCode::CONFLICT {
        &a.1
    } else {
        &b.1
    };
    assert!(loser.contains("Reload"), "{loser}");
    let (name, price, version): (String, i64, i32) = sqlx::query_as(
        "select p.name, v.price_minor, p.version from product p join variant v using (product_id)
         where v.sku = 'STOOL-S'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(version, 2);
    assert!(
        (name == "Oak Stool, oiled" && price == 3990) || (name == "Oak Stool" && price == 9900),
        "exactly one save landed, whole: {name} {price}"
    );
    assert_eq!(
        count(
            &app,
            "select count(*) from audit_log where action = 'product.update'"
        )
        .await,
        1
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_input_names_its_field_and_writes_nothing(pool: PgPool) {
    let app = spawn_app(pool).await;
    let cast = cast(&app).await;
    let category = first_category(&app).await;
    // A SKU in stock of a product with more than one variant.
    let taken_sku: String = sqlx::query_scalar(
        "select sku from variant v where stock_on_hand >= 1
           and (select count(*) from variant w where w.product_id = v.product_id) > 1
         order by sku limit 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let taken_slug: String =
        sqlx::query_scalar("select slug from product order by product_id limit 1")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let footprint = || async {
        (
            count(&app, "select count(*) from product").await,
            count(&app, "select count(*) from variant").await,
            count(&app, "select count(*) from audit_log").await,
            count(&app, "select count(*) from stock_movement").await,
        )
    };
    let before = footprint().await;
    let base = new_product(&category, "Clay Mug", "MUG");
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (vec![("slug", taken_slug.as_str())], "slug"),
        (vec![("variants[0][sku]", taken_sku.as_str())], "variants"),
        (vec![("variants[0][price]", "-3")], "variants"),
        (vec![("variants[0][price]", "99999999")], "variants"),
        (vec![("variants[1][values]", "S")], "variants"),
        (vec![("variants[0][stock]", "-1")], "variants"),
        (vec![("category", "999999")], "category"),
        (vec![("collections[c999999]", "on")], "collections"),
        (vec![("status", "live")], "status"),
        (vec![("name", "")], "name"),
    ];
    for (changes, field) in cases {
        let mut form = base.clone();
        for (k, v) in &changes {
            form.retain(|(key, _)| key != k);
            form.push((k.to_string(), v.to_string()));
        }
        let (status, body) = post(&app, &cast.admin, "admin/product/save", &pairs(&form)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{changes:?}: {body}");
        let body: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(body["Invalid"]["field"], field, "{changes:?}: {body}");
        assert!(!body.to_string().contains("constraint"), "{body}");
    }
    assert_eq!(footprint().await, before);

    // A variant that was ordered cannot be deleted; a stale product id is not found.
    let product_id: i64 = sqlx::query_scalar("select product_id from variant where sku = $1")
        .bind(&taken_sku)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    order(&app, &taken_sku, 1, "mug@example.com", "manual").await;
    let editor = ok(
        &app,
        &cast.staff,
        "admin/product",
        &[("product_id", &product_id.to_string())],
    )
    .await;
    let product = &editor["product"];
    let row = product["variants"]
        .as_array()
        .unwrap()
        .iter()
        .position(|v| v["sku"] == taken_sku.as_str())
        .unwrap();
    assert_eq!(product["variants"][row]["ordered"], true);
    let key = format!("variants[{row}][remove]");
    let form = edit_form(product, &[(key.as_str(), "on")]);
    let (status, body) = post(&app, &cast.admin, "admin/product/save", &pairs(&form)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("ordered"), "{body}");
    let gone = edit_form(product, &[("product_id", "987654321")]);
    let (status, _) = post(&app, &cast.admin, "admin/product/save", &pairs(&gone)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_price_change_reaches_carts_but_not_placed_orders(pool: PgPool) {
    let app = spawn_app(pool).await;
    let cast = cast(&app).await;
    let (sku, _) = app.sku_with_stock(2).await;
    let (number, _) = order(&app, &sku, 1, "early@example.com", "manual").await;
    let paid: i64 = sqlx::query_scalar(
        "select l.unit_price_minor from order_line l join customer_order o using (customer_order_id) where o.number = $1",
    )
    .bind(&number)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let product_id: i64 = sqlx::query_scalar("select product_id from variant where sku = $1")
        .bind(&sku)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let editor = ok(
        &app,
        &cast.admin,
        "admin/product",
        &[("product_id", &product_id.to_string())],
    )
    .await;
    let product = &editor["product"];
    let row = product["variants"]
        .as_array()
        .unwrap()
        .iter()
        .position(|v| v["sku"] == sku.as_str())
        .unwrap();
    let new_price = format!("{}.00", paid / 100 + 10);
    let price_key = format!("variants[{row}][price]");
    let compare_key = format!("variants[{row}][compare_at]");
    let form = edit_form(
        product,
        &[(price_key.as_str(), &new_price), (compare_key.as_str(), "")],
    );
    ok(&app, &cast.admin, "admin/product/save", &pairs(&form)).await;
    let now: i64 = sqlx::query_scalar("select price_minor from variant where sku = $1")
        .bind(&sku)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(now, (paid / 100 + 10) * 100);
    let still: i64 = sqlx::query_scalar(
        "select l.unit_price_minor from order_line l join customer_order o using (customer_order_id) where o.number = $1",
    )
    .bind(&number)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(still, paid, "the placed order keeps its price");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_product_list_pages_by_keyset_and_filters_by_stock(pool: PgPool) {
    let app = spawn_app(pool).await;
    let cast = cast(&app).await;
    let total = count(&app, "select count(*) from product").await;
    assert!(total > 50, "the demo catalog fills more than a page");
    let first = ok(&app, &cast.staff, "admin/products", &[]).await;
    let page: Vec<i64> = first["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["product_id"].as_i64().unwrap())
        .collect();
    assert_eq!(page.len(), 50);
    assert!(page.windows(2).all(|w| w[0] > w[1]), "newest first");
    let after = first["next"].to_string();
    let second = ok(&app, &cast.staff, "admin/products", &[("after", &after)]).await;
    let rest: Vec<i64> = second["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["product_id"].as_i64().unwrap())
        .collect();
    assert_eq!(rest.len() as i64, (total - 50).min(50));
    assert!(rest[0] < *page.last().unwrap(), "no overlap");

    // One variant sold out: its product, and only products like it, are in the sold-out list.
    let (sku, _) = app.sku_with_stock(1).await;
    app.set_stock(&sku, 0).await;
    let sold_out = ok(
        &app,
        &cast.staff,
        "admin/products",
        &[("stock", "sold_out")],
    )
    .await;
    let expected = count(
        &app,
        "select count(*) from product p where exists (select 1 from variant v where v.product_id = p.product_id and v.available <= 0)",
    )
    .await;
    assert_eq!(
        sold_out["products"].as_array().unwrap().len() as i64,
        expected.min(50)
    );
    let name: String = sqlx::query_scalar(
        "select p.name from product p join variant v using (product_id) where v.sku = $1",
    )
    .bind(&sku)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let found = ok(
        &app,
        &cast.staff,
        "admin/products",
        &[("stock", "sold_out"), ("q", &sku)],
    )
    .await;
    assert_eq!(found["products"][0]["name"], name.as_str());
}
