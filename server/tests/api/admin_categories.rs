//! Categories and collections from the back office: created, renamed, moved in the tree (never under
//! themselves, not even by two moves at once), deleted only when empty; collections featured on the home page
//! and deleted without their products.

use crate::accounts::post;
use crate::admin::{cast, ok};
use crate::checkout::count;
use crate::helpers::{spawn_app_with, TestApp};
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::PgPool;

/// The shop without its page cache, so each change shows on the next page view.
async fn app(pool: PgPool) -> TestApp {
    spawn_app_with(pool, &[("BAZAAR_PAGE_CACHE_TTL_SECS", "0")]).await
}

async fn category(app: &TestApp, client: &reqwest::Client, form: &[(&str, &str)]) -> String {
    ok(app, client, "admin/category/save", form)
        .await
        .to_string()
}

#[sqlx::test(migrations = "../migrations")]
async fn categories_are_created_moved_renamed_and_deleted_only_when_empty(pool: PgPool) {
    let app = app(pool).await;
    let cast = cast(&app).await;
    let outdoor = category(&app, &cast.admin, &[("name", "Trail Kit")]).await;
    let tents = category(
        &app,
        &cast.admin,
        &[("name", "Bivvy Tents"), ("parent", &outdoor)],
    )
    .await;
    assert_eq!(app.get("/c/bivvy-tents").await.status(), 200);
    let tree = ok(&app, &cast.staff, "admin/categories", &[]).await;
    let node = |slug: &str| {
        tree.as_array()
            .unwrap()
            .iter()
            .find(|c| c["slug"] == slug)
            .unwrap()
            .clone()
    };
    assert_eq!(node("bivvy-tents")["depth"], 1);
    assert_eq!(node("trail-kit")["children"], 1);

    // Not under itself, nor under its own subcategory.
    for parent in [&outdoor, &tents] {
        let (status, body) = post(
            &app,
            &cast.admin,
            "admin/category/save",
            &[
                ("category_id", &outdoor),
                ("name", "Trail Kit"),
                ("slug", "trail-kit"),
                ("parent", parent),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(body.contains("\"parent\""), "{body}");
    }
    // A web address another category has is the field's message.
    let (status, body) = post(
        &app,
        &cast.admin,
        "admin/category/save",
        &[("name", "More tents"), ("slug", "bivvy-tents")],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body.contains("\"slug\"") && !body.contains("constraint"),
        "{body}"
    );

    // Renamed and moved to the top level: the shop follows.
    category(
        &app,
        &cast.admin,
        &[
            ("category_id", &tents),
            ("name", "Camping tents"),
            ("slug", "camping-tents"),
            ("position", "3"),
        ],
    )
    .await;
    assert_eq!(app.get("/c/bivvy-tents").await.status(), 404);
    let page = app.get("/c/camping-tents").await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Camping tents"));

    // Not empty: refused; empty: deleted. A category with products is never deletable.
    let (status, _) = post(
        &app,
        &cast.admin,
        "admin/category/delete",
        &[("category_id", &outdoor)],
    )
    .await;
    assert!(status.is_success());
    let with_products: i64 =
        sqlx::query_scalar("select category_id from product order by product_id limit 1")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let (status, body) = post(
        &app,
        &cast.admin,
        "admin/category/delete",
        &[("category_id", &with_products.to_string())],
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let audit: Vec<String> = sqlx::query_scalar(
        "select action from audit_log where entity = 'category' order by audit_log_id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        audit,
        [
            "category.create",
            "category.create",
            "category.update",
            "category.delete"
        ]
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn two_moves_at_once_never_make_a_loop(pool: PgPool) {
    let app = app(pool).await;
    let cast = cast(&app).await;
    for round in 0..5 {
        let a_name = format!("Loop A{round}");
        let b_name = format!("Loop B{round}");
        let a = category(&app, &cast.admin, &[("name", &a_name)]).await;
        let b = category(&app, &cast.admin, &[("name", &b_name)]).await;
        let a_slug = format!("loop-a{round}");
        let b_slug = format!("loop-b{round}");
        let a_under_b = [
            ("category_id", a.as_str()),
            ("name", &a_name),
            ("slug", &a_slug),
            ("parent", b.as_str()),
        ];
        let b_under_a = [
            ("category_id", b.as_str()),
            ("name", &b_name),
            ("slug", &b_slug),
            ("parent", a.as_str()),
        ];
        let (x, y) = tokio::join!(
            post(&app, &cast.admin, "admin/category/save", &a_under_b),
            post(&app, &cast.admin, "admin/category/save", &b_under_a),
        );
        let mut statuses = [x.0, y.0];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::OK, StatusCode::BAD_REQUEST],
            "{} / {}",
            x.1,
            y.1
        );
    }
    // Every category is reachable from the top: no loop anywhere.
    let reachable = count(
        &app,
        "with recursive t as (select category_id from category where parent_id is null
                              union all select c.category_id from category c join t on c.parent_id = t.category_id)
         select count(*) from t",
    )
    .await;
    assert_eq!(
        reachable,
        count(&app, "select count(*) from category").await
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_featured_collection_shows_on_the_home_page_and_goes_without_its_products(pool: PgPool) {
    let app = app(pool).await;
    let cast = cast(&app).await;
    let id = ok(
        &app,
        &cast.admin,
        "admin/collection/save",
        &[
            ("name", "Winter Gifts"),
            ("featured", "on"),
            ("position", "0"),
        ],
    )
    .await
    .to_string();
    assert!(app
        .get("/")
        .await
        .text()
        .await
        .unwrap()
        .contains("Winter Gifts"));
    let (product_id, collection_products): (i64, i64) = sqlx::query_as(
        "select min(product_id), (select count(*) from collection_product) from product",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    sqlx::query("insert into collection_product (collection_id, product_id) values ($1, $2)")
        .bind(id.parse::<i64>().unwrap())
        .bind(product_id)
        .execute(&app.pool)
        .await
        .unwrap();
    let list = ok(&app, &cast.staff, "admin/collections", &[]).await;
    let gifts: &Value = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["slug"] == "winter-gifts")
        .unwrap();
    assert_eq!(gifts["products"], 1);

    // Unfeatured, then deleted: the product stays.
    ok(
        &app,
        &cast.admin,
        "admin/collection/save",
        &[
            ("collection_id", &id),
            ("name", "Winter Gifts"),
            ("slug", "winter-gifts"),
        ],
    )
    .await;
    assert!(!app
        .get("/")
        .await
        .text()
        .await
        .unwrap()
        .contains("Winter Gifts"));
    ok(
        &app,
        &cast.admin,
        "admin/collection/delete",
        &[("collection_id", &id)],
    )
    .await;
    assert_eq!(
        count(&app, "select count(*) from collection_product").await,
        collection_products
    );
    assert_eq!(
        count(
            &app,
            "select count(*) from product where product_id = (select min(product_id) from product)"
        )
        .await,
        1
    );
    let (status, _) = post(
        &app,
        &cast.admin,
        "admin/collection/delete",
        &[("collection_id", &id)],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
