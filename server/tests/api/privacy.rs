//! Personal data at rest and merchant text on pages: addresses are stored sealed (read back with SQL: no
//! plaintext), old plaintext rows are sealed at start-up, and markup in a product description is shown as text.

use crate::checkout::Shopper;
use crate::helpers::spawn_app;
use sqlx::PgPool;

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[sqlx::test(migrations = "../migrations")]
async fn addresses_are_stored_encrypted_and_read_back(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (sku, _) = app.sku_with_stock(2).await;
    let shopper = Shopper::new(&app);
    shopper.add(&sku, 1).await;
    // The helper's address: Ana Pérez, 12 Rue de la Paix, Paris.
    shopper.address("ana@example.com", "FR", "75002").await;
    let (plain, sealed): (Option<serde_json::Value>, Vec<u8>) =
        sqlx::query_as("select shipping_address, shipping_address_enc from checkout")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(plain, None);
    for word in ["Rue de la Paix", "Paris", "75002", "Ana"] {
        assert!(!contains(&sealed, word), "checkout holds {word:?} in clear");
    }
    assert!(shopper.shipping("standard", "").await.status().is_success());
    let (key, fp, summary) = shopper.review().await;
    assert_eq!(
        summary["address"]["line1"], "12 Rue de la Paix",
        "read back for the shopper"
    );
    let placed: serde_json::Value = shopper.place(&key, &fp).await.json().await.unwrap();
    let (number, access) = (
        placed["number"].as_str().unwrap(),
        placed["access_token"].as_str().unwrap(),
    );

    let (plain, sealed): (Option<serde_json::Value>, Vec<u8>) = sqlx::query_as(
        "select shipping_address, shipping_address_enc from customer_order where number = $1",
    )
    .bind(number)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(plain, None);
    for word in ["Rue de la Paix", "Paris", "75002", "Ana"] {
        assert!(!contains(&sealed, word), "order holds {word:?} in clear");
    }
    let order = shopper
        .ok("order", &[("number", number), ("key", access)])
        .await;
    assert_eq!(order["address"]["city"], "Paris");
}

#[sqlx::test(migrations = "../migrations")]
async fn plaintext_addresses_left_from_before_are_sealed_at_start(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (sku, _) = app.sku_with_stock(2).await;
    let shopper = Shopper::new(&app);
    let (key, fp) = shopper.ready(&sku, 1, "").await;
    let placed: serde_json::Value = shopper.place(&key, &fp).await.json().await.unwrap();
    let number = placed["number"].as_str().unwrap();
    // As an older version wrote it.
    sqlx::query(
        "update customer_order set shipping_address_enc = null, shipping_address = $2 where number = $1",
    )
    .bind(number)
    .bind(serde_json::json!({
        "name": "Old Row", "line1": "1 Legacy Lane", "line2": null, "city": "Lyon",
        "postal_code": "69001", "country": "FR", "phone": "+33 4 00 00 00 00"
    }))
    .execute(&app.pool)
    .await
    .unwrap();
    let sealed = backend::crypto::seal_plaintext_addresses(&app.pool, &app.state.keys)
        .await
        .unwrap();
    assert_eq!(sealed, 1);
    let (plain, bytes): (Option<serde_json::Value>, Vec<u8>) = sqlx::query_as(
        "select shipping_address, shipping_address_enc from customer_order where number = $1",
    )
    .bind(number)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(plain, None);
    assert!(!contains(&bytes, "Legacy") && !contains(&bytes, "+33"));
    let order = shopper
        .ok(
            "order",
            &[
                ("number", number),
                ("key", placed["access_token"].as_str().unwrap()),
            ],
        )
        .await;
    assert_eq!(order["address"]["line1"], "1 Legacy Lane");
    assert_eq!(order["address"]["phone"], "+33 4 00 00 00 00");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_script_in_a_product_description_renders_as_text(pool: PgPool) {
    let app = spawn_app(pool).await;
    let slug: String = sqlx::query_scalar(
        "update product set description = '<script>alert(\"pwned\")</script><img src=x onerror=alert(1)>'
         where product_id = (select min(product_id) from product) returning slug",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let page = app.get(&format!("/p/{slug}")).await.text().await.unwrap();
    assert!(
        !page.contains("<script>alert(\"pwned\")"),
        "script tag rendered live"
    );
    assert!(!page.contains("<img src=x onerror"), "markup rendered live");
    assert!(
        page.contains("&lt;script&gt;alert"),
        "shown as text instead"
    );
}
