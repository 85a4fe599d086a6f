use crate::helpers::spawn_app;
use app::domain::cart::CartView;
use app::error::AppError;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn add_sets_an_http_only_cookie_and_prices_from_the_database(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (sku, _) = app.sku_with_stock(5).await;
    // A price sent by the client is not an argument of the server function and changes nothing.
    let response = app
        .call(
            "cart/add",
            &[("sku", &sku), ("quantity", "2"), ("price", "1")],
        )
        .await;
    assert_eq!(response.status(), 200);
    let cookie = response
        .headers()
        .get("set-cookie")
        .expect("cart cookie")
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.starts_with("bazaar_cart=")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax")
    );
    let cart: CartView = response.json().await.unwrap();
    let price: i64 = sqlx::query_scalar("select price_minor from variant where sku = $1")
        .bind(&sku)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(cart.item_count, 2);
    assert_eq!(cart.lines[0].unit_price.minor, price);
    assert_eq!(cart.subtotal.minor, price * 2);

    // The same cookie finds the same cart.
    let again: CartView = app.call("cart", &[]).await.json().await.unwrap();
    assert_eq!(again, cart);
    // A price change in the catalog shows in the cart: carts hold quantities, not prices.
    sqlx::query("update variant set price_minor = 1234 where sku = $1")
        .bind(&sku)
        .execute(&app.pool)
        .await
        .unwrap();
    let repriced: CartView = app.call("cart", &[]).await.json().await.unwrap();
    assert_eq!(repriced.subtotal.minor, 2468);
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_cart_input_gets_a_typed_400(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (sku, _) = app.sku_with_stock(5).await;
    let cases: [(&[(&str, &str)], &str); 8] = [
        (&[("sku", &sku), ("quantity", "0")], "quantity"),
        (&[("sku", &sku), ("quantity", "-3")], "quantity"),
        (&[("sku", &sku), ("quantity", "abc")], "quantity"),
        (
            &[("sku", &sku), ("quantity", "99999999999999999999999")],
            "quantity",
        ),
        (&[("sku", &sku), ("quantity", "1.5")], "quantity"),
        (&[("sku", "NO-SUCH-SKU"), ("quantity", "1")], "sku"),
        (&[("sku", "lower case"), ("quantity", "1")], "sku"),
        (&[("sku", &sku)], ""),
    ];
    for (form, field) in cases {
        let response = app.call("cart/add", form).await;
        assert_eq!(response.status(), 400, "{form:?}");
        let error: AppError = response.json().await.expect("an AppError body");
        match error {
            AppError::Invalid { field: f, message } => {
                assert_eq!(f, field, "{form:?}");
                assert!(!message.is_empty());
            }
            other => panic!("{form:?} gave {other:?}"),
        }
    }
    // Nothing was added by any of them.
    let lines: i64 = sqlx::query_scalar("select count(*) from cart_line")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(lines, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn stock_and_the_quantity_cap_are_enforced_with_clear_errors(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (sku, _) = app.sku_with_stock(1).await;
    app.set_stock(&sku, 3).await;
    assert_eq!(
        app.call("cart/add", &[("sku", &sku), ("quantity", "2")])
            .await
            .status(),
        200
    );
    let response = app
        .call("cart/add", &[("sku", &sku), ("quantity", "2")])
        .await;
    assert_eq!(response.status(), 409);
    // What the shopper reads, for the cart script: the error's own text, percent-encoded.
    assert_eq!(
        message_header(&response).as_deref(),
        Some("Only 1 left: please choose 1 or fewer.")
    );
    assert_eq!(
        response.json::<AppError>().await.unwrap(),
        AppError::OutOfStock {
            sku: sku.clone(),
            available: 1
        }
    );
    let response = app
        .call("cart/update", &[("sku", &sku), ("quantity", "4")])
        .await;
    assert_eq!(
        response.json::<AppError>().await.unwrap(),
        AppError::OutOfStock {
            sku: sku.clone(),
            available: 3
        }
    );

    app.set_stock(&sku, 500).await;
    let response = app
        .call("cart/update", &[("sku", &sku), ("quantity", "99")])
        .await;
    assert_eq!(response.status(), 200);
    let response = app
        .call("cart/add", &[("sku", &sku), ("quantity", "1")])
        .await;
    assert_eq!(response.status(), 400);
    assert!(message_header(&response).is_some_and(|m| m.contains("at most 99")));
    assert!(response.text().await.unwrap().contains("at most 99"));

    app.set_stock(&sku, 0).await;
    let response = app
        .call("cart/add", &[("sku", &sku), ("quantity", "1")])
        .await;
    assert_eq!(
        response.json::<AppError>().await.unwrap(),
        AppError::OutOfStock { sku, available: 0 }
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn update_and_remove_lines(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (sku, _) = app.sku_with_stock(10).await;
    app.call("cart/add", &[("sku", &sku), ("quantity", "1")])
        .await;
    let cart: CartView = app
        .call("cart/update", &[("sku", &sku), ("quantity", "4")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(cart.item_count, 4);
    let cart: CartView = app
        .call("cart/remove", &[("sku", &sku)])
        .await
        .json()
        .await
        .unwrap();
    assert!(cart.is_empty());
    // Removing again, or from a cart that does not exist, is harmless.
    assert_eq!(
        app.call("cart/remove", &[("sku", &sku)]).await.status(),
        200
    );
    let fresh = crate::helpers::anonymous_client();
    let response = fresh
        .post(app.url("/api/cart/remove"))
        .header("accept", "application/json")
        .form(&[("sku", &sku)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn carts_are_private_to_their_cookie(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (sku, _) = app.sku_with_stock(5).await;
    app.call("cart/add", &[("sku", &sku), ("quantity", "1")])
        .await;
    let stranger = crate::helpers::anonymous_client();
    let theirs: CartView = stranger
        .post(app.url("/api/cart"))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(theirs.is_empty());
    // A forged token finds nothing either.
    let forged: CartView = stranger
        .post(app.url("/api/cart"))
        .header("accept", "application/json")
        .header("cookie", format!("bazaar_cart={}", uuid::Uuid::new_v4()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(forged.is_empty());
}

/// The no-JavaScript path: a plain form post is redirected back to the page, with an error carried in the URL.
#[sqlx::test(migrations = "../migrations")]
async fn form_posts_without_javascript_redirect_back(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (sku, _) = app.sku_with_stock(5).await;
    let slug: String = sqlx::query_scalar(
        "select p.slug from product p join variant v using (product_id) where v.sku = $1",
    )
    .bind(&sku)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let page = app.url(&format!("/p/{slug}"));
    let ok = app
        .client
        .post(app.url("/api/cart/add"))
        .header("accept", "text/html")
        .header("referer", &page)
        .form(&[("sku", sku.as_str()), ("quantity", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 302);
    let back = ok.headers().get("location").unwrap().to_str().unwrap();
    assert_eq!(back, format!("/p/{slug}?added={sku}#buy"));
    let html = app
        .get(&format!("/p/{slug}?variant={sku}&added={sku}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Added to your cart."), "the page says so");
    // The page is everyone's: the header's count is not in it; the cart page lists the line.
    assert!(!html.contains("items in cart"));
    let cart = app.get("/cart").await.text().await.unwrap();
    assert!(cart.contains(&sku), "the cart page lists the added item");

    let refused = app
        .client
        .post(app.url("/api/cart/add"))
        .header("accept", "text/html")
        .header("referer", &page)
        .form(&[("sku", sku.as_str()), ("quantity", "0")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 302);
    let location = refused
        .headers()
        .get("location")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(location.contains("__err="));
    let html = app
        .client
        .get(&location)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Quantity must be between 1 and 99."),
        "the product page shows the error"
    );
}

/// Many requests racing on one cart: the line never exceeds the stock, and every refusal is a clean 409.
#[sqlx::test(migrations = "../migrations")]
async fn concurrent_adds_never_exceed_stock(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (sku, _) = app.sku_with_stock(1).await;
    app.set_stock(&sku, 5).await;
    // Create the cart first so all requests share one cookie.
    assert_eq!(
        app.call("cart/add", &[("sku", &sku), ("quantity", "1")])
            .await
            .status(),
        200
    );
    let requests = (0..30).map(|_| {
        let client = app.client.clone();
        let url = app.url("/api/cart/add");
        let sku = sku.clone();
        async move {
            client
                .post(url)
                .header("accept", "application/json")
                .form(&[("sku", sku.as_str()), ("quantity", "1")])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    });
    let statuses = futures::future::join_all(requests).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        4,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 409),
        "{statuses:?}"
    );
    let quantity: i32 = sqlx::query_scalar("select quantity from cart_line")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(quantity, 5);
}

/// The `Bazaar-Message` header, decoded.
fn message_header(response: &reqwest::Response) -> Option<String> {
    let raw = response.headers().get("bazaar-message")?.to_str().ok()?;
    percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .ok()
        .map(|m| m.into_owned())
}
