use crate::helpers::spawn_app;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn health_and_readiness(pool: PgPool) {
    let app = spawn_app(pool).await;
    let health = app.get("/healthz").await;
    assert_eq!(health.status(), 200);
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.text().await.unwrap(), "ready");
}

#[sqlx::test(migrations = "../migrations")]
async fn readiness_fails_when_the_database_is_gone(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.pool.close().await;
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 503);
    // Liveness does not depend on the database.
    assert_eq!(app.get("/healthz").await.status(), 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn every_response_carries_a_request_id(pool: PgPool) {
    let app = spawn_app(pool).await;
    let response = app.get("/").await;
    let id = response
        .headers()
        .get("x-request-id")
        .expect("x-request-id")
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(id.len(), 36, "a UUID: {id}");
}

#[sqlx::test(migrations = "../migrations")]
async fn pages_are_compressed_when_asked(pool: PgPool) {
    let app = spawn_app(pool).await;
    let response = app
        .client
        .get(app.url("/c/clothing"))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers().get("content-encoding").unwrap(), "br");
}

#[sqlx::test(migrations = "../migrations")]
async fn media_is_served_with_a_cache_lifetime(pool: PgPool) {
    let app = spawn_app(pool).await;
    let url: String =
        sqlx::query_scalar("select url from product_image order by product_image_id limit 1")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let response = app.get(&url).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers().get("content-type").unwrap(),
        "image/svg+xml"
    );
    assert!(response
        .headers()
        .get("cache-control")
        .unwrap()
        .to_str()
        .unwrap()
        .contains("max-age=86400"));
}

#[sqlx::test(migrations = "../migrations")]
async fn generated_products_get_prices_images_and_pages(pool: PgPool) {
    let app = spawn_app(pool).await;
    let media = std::env::temp_dir().join(format!("bazaar-gen-{}", uuid::Uuid::new_v4()));
    server::seed::generate(&app.pool, &media, 12_000)
        .await
        .expect("generate");
    // A second run continues the numbering instead of colliding.
    server::seed::generate(&app.pool, &media, 10)
        .await
        .expect("generate again");
    let (count, unpriced): (i64, i64) = sqlx::query_as(
        "select count(*), count(*) filter (where price_min_minor <> (select min(price_minor) from variant v where v.product_id = p.product_id))
         from product p where slug like 'item-%'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(count, 12_010);
    assert_eq!(unpriced, 0, "price_min_minor follows the cheapest variant");
    let response = app.get("/p/item-12010").await;
    assert_eq!(response.status(), 200);
    let _ = std::fs::remove_dir_all(media);
}
