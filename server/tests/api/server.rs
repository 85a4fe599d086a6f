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
    app.state.pool.close().await;
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

/// Pages the cache may keep are compressed whole by it: brotli when accepted, else gzip, else none; each says so
/// and varies by `Accept-Encoding`, and decodes to the page.
#[sqlx::test(migrations = "../migrations")]
async fn pages_are_compressed_when_asked(pool: PgPool) {
    let app = spawn_app(pool).await;
    for (accept, encoding) in [
        ("br", "br"),
        ("gzip, deflate, br, zstd", "br"),
        ("gzip", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("identity", ""),
    ] {
        let response = app
            .client
            .get(app.url("/c/clothing"))
            .header("accept-encoding", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(header(&response, "content-encoding"), encoding, "{accept}");
        assert!(
            header(&response, "vary").contains("Accept-Encoding"),
            "{accept}"
        );
        let page = unpack(encoding, &response.bytes().await.unwrap());
        assert!(page.starts_with("<!DOCTYPE html>"), "{accept}");
        assert!(page.contains("data-testid=\"product-card\""), "{accept}");
    }
}

fn unpack(encoding: &str, body: &[u8]) -> String {
    use std::io::Read;
    let mut page = Vec::new();
    match encoding {
        "br" => brotli::Decompressor::new(body, 4096)
            .read_to_end(&mut page)
            .map(drop),
        "gzip" => flate2::read::GzDecoder::new(body)
            .read_to_end(&mut page)
            .map(drop),
        _ => {
            page.extend_from_slice(body);
            Ok(())
        }
    }
    .unwrap();
    String::from_utf8(page).unwrap()
}

/// Asks for a page until the cache serves it recompressed (a new ETag, after the one it was first stored
/// with); its ETag then. The first hit starts the recompression, off the request.
async fn recompressed(client: &reqwest::Client, url: &str, encoding: &str) -> String {
    let get = || client.get(url).header("accept-encoding", encoding).send();
    let first = get().await.unwrap();
    assert_eq!(header(&first, "x-bazaar-cache"), "miss", "{url}");
    let quick = header(&first, "etag");
    let started = std::time::Instant::now();
    loop {
        let again = get().await.unwrap();
        assert_eq!(header(&again, "x-bazaar-cache"), "hit", "{url}");
        let etag = header(&again, "etag");
        if etag != quick {
            return etag;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "{url} ({encoding}) was not recompressed"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

/// A page is compressed quickly when it is rendered and, once the cache serves it again, compressed once more as
/// well as the encoder can: the same page, fewer bytes, a new ETag.
#[sqlx::test(migrations = "../migrations")]
async fn a_page_served_again_is_recompressed_smaller(pool: PgPool) {
    let app = spawn_app(pool).await;
    let anonymous = crate::helpers::anonymous_client();
    let url = app.url("/c/clothing");
    for encoding in ["br", "gzip"] {
        let get = |if_none_match: &str| {
            anonymous
                .get(&url)
                .header("accept-encoding", encoding)
                .header("if-none-match", if_none_match)
                .send()
        };
        let quick = get("\"none\"").await.unwrap();
        assert_eq!(header(&quick, "x-bazaar-cache"), "miss");
        let quick_tag = header(&quick, "etag");
        let quick_body = quick.bytes().await.unwrap();
        let hit = get("\"none\"").await.unwrap();
        assert_eq!(header(&hit, "x-bazaar-cache"), "hit");

        let started = std::time::Instant::now();
        let best = loop {
            let again = get("\"none\"").await.unwrap();
            if header(&again, "etag") != quick_tag {
                break again;
            }
            assert!(
                started.elapsed() < std::time::Duration::from_secs(5),
                "{encoding}: not recompressed"
            );
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        };
        assert_eq!(header(&best, "x-bazaar-cache"), "hit");
        assert_eq!(header(&best, "content-encoding"), encoding);
        let best_tag = header(&best, "etag");
        let best_body = best.bytes().await.unwrap();
        assert!(
            best_body.len() < quick_body.len(),
            "{encoding}: {} bytes recompressed, {} quick",
            best_body.len(),
            quick_body.len()
        );
        let page = unpack(encoding, &best_body);
        assert_eq!(page, unpack(encoding, &quick_body));
        assert!(page.contains("data-testid=\"product-card\""));
        // The new tag validates; the old one names bytes the cache no longer sends.
        assert_eq!(get(&best_tag).await.unwrap().status(), 304);
        assert_eq!(get(&quick_tag).await.unwrap().status(), 200);
    }
}

/// The category tree is kept in memory once the server hears catalog changes, and a renamed category shows at
/// once: the rename's notification drops the tree with the pages.
#[sqlx::test(migrations = "../migrations")]
async fn the_category_tree_is_kept_and_a_rename_shows_at_once(pool: PgPool) {
    let app = spawn_app(pool).await;
    let started = std::time::Instant::now();
    loop {
        let page = app.client.get(app.url("/c/clothing")).send().await.unwrap();
        assert_eq!(page.status(), 200);
        if app.state.categories.is_kept() {
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "the category tree is not kept"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    sqlx::query("update category set name = 'Garments' where slug = 'clothing'")
        .execute(&app.pool)
        .await
        .unwrap();
    let started = std::time::Instant::now();
    loop {
        let page = app.get("/c/clothing").await.text().await.unwrap();
        if page.contains("Garments") {
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(1),
            "the old name a second after the rename"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

#[sqlx::test(migrations = "../migrations")]
async fn anonymous_pages_are_shared_for_a_few_seconds(pool: PgPool) {
    let app = spawn_app(pool).await;
    let anonymous = crate::helpers::anonymous_client();
    let get = |path: &str, encoding: &str| {
        anonymous
            .get(app.url(path))
            .header("accept-encoding", encoding)
            .send()
    };
    let first = get("/c/clothing", "gzip, br").await.unwrap();
    assert_eq!(first.status(), 200);
    assert_eq!(header(&first, "x-bazaar-cache"), "miss");
    assert_eq!(header(&first, "content-encoding"), "br");
    assert_eq!(
        header(&first, "cache-control"),
        "public, max-age=0, s-maxage=5, stale-while-revalidate=30"
    );
    // A catalog page is the same for everyone: it does not vary by cookie.
    assert_eq!(header(&first, "vary"), "Accept-Encoding");
    let first_id = header(&first, "x-request-id");
    let first_body = first.bytes().await.unwrap();

    let second = get("/c/clothing", "br, gzip").await.unwrap();
    assert_eq!(header(&second, "x-bazaar-cache"), "hit");
    assert_eq!(header(&second, "content-encoding"), "br");
    assert_ne!(
        header(&second, "x-request-id"),
        first_id,
        "each response has its own id"
    );
    assert_eq!(second.bytes().await.unwrap(), first_body);

    // Each encoding is its own entry; an unknown page is shared with its 404.
    let gzip = get("/c/clothing", "gzip").await.unwrap();
    assert_eq!(header(&gzip, "x-bazaar-cache"), "miss");
    assert_eq!(header(&gzip, "content-encoding"), "gzip");
    for expected in ["miss", "hit"] {
        let missing = get("/c/no-such-category", "identity").await.unwrap();
        assert_eq!(missing.status(), 404);
        assert_eq!(header(&missing, "x-bazaar-cache"), expected);
    }
}

/// A shared page carries an ETag; asking again with it gets 304 and no body, from the cache or a fresh render.
#[sqlx::test(migrations = "../migrations")]
async fn shared_pages_answer_if_none_match_with_304(pool: PgPool) {
    let app = spawn_app(pool).await;
    let anonymous = crate::helpers::anonymous_client();
    let get = |path: &str, encoding: &str, if_none_match: Option<&str>| {
        let mut request = anonymous
            .get(app.url(path))
            .header("accept-encoding", encoding);
        if let Some(tag) = if_none_match {
            request = request.header("if-none-match", tag);
        }
        request.send()
    };
    // The page as the cache keeps serving it: recompressed after its first hit (a new ETag).
    let etag = recompressed(&anonymous, &app.url("/c/clothing"), "br").await;
    assert!(etag.starts_with('"') && etag.ends_with("-br\""), "{etag}");

    for tag in [etag.clone(), format!("\"stale\", W/{etag}")] {
        let again = get("/c/clothing", "br", Some(&tag)).await.unwrap();
        assert_eq!(again.status(), 304, "{tag}");
        assert_eq!(header(&again, "etag"), etag);
        assert_eq!(header(&again, "x-bazaar-cache"), "hit");
        assert!(header(&again, "cache-control").starts_with("public"));
        assert_eq!(header(&again, "vary"), "Accept-Encoding");
        assert!(again.bytes().await.unwrap().is_empty());
    }
    // Another tag, or the same page in another encoding, is a full answer.
    let other = get("/c/clothing", "br", Some("\"stale\"")).await.unwrap();
    assert_eq!(other.status(), 200);
    assert_eq!(header(&other, "etag"), etag);
    let gzip = get("/c/clothing", "gzip", Some(&etag)).await.unwrap();
    assert_eq!(gzip.status(), 200);
    assert_ne!(header(&gzip, "etag"), etag);

    // Only a 200 has a validator: a shared 404 page is never answered with 304.
    let missing = get("/c/no-such-category", "br", Some("*")).await.unwrap();
    assert_eq!(missing.status(), 404);
    assert!(header(&missing, "etag").is_empty());

    // A shopper with a cart holds the same page: 304 for them too.
    let (sku, _) = app.sku_with_stock(5).await;
    let added = app
        .call("cart/add", &[("sku", &sku), ("quantity", "1")])
        .await;
    assert!(added.status().is_success(), "{}", added.status());
    let with_cart = app
        .client
        .get(app.url("/c/clothing"))
        .header("accept-encoding", "br")
        .header("if-none-match", etag.as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(with_cart.status(), 304);
    // A personal page (the cart) has no validator, and is never 304.
    let cart = app
        .client
        .get(app.url("/cart"))
        .header("if-none-match", "*")
        .send()
        .await
        .unwrap();
    assert_eq!(cart.status(), 200);
    assert!(header(&cart, "etag").is_empty());
}

/// Catalog pages are the same for every shopper: one with a cart or signed in gets the shared copy, which shows
/// nothing of theirs (the header's count is filled in by an island), and the count comes from an uncached call.
#[sqlx::test(migrations = "../migrations")]
async fn catalog_pages_are_shared_with_shoppers_who_have_a_cart(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (sku, _) = app.sku_with_stock(5).await;
    let added = app
        .call("cart/add", &[("sku", &sku), ("quantity", "3")])
        .await;
    assert!(added.status().is_success(), "{}", added.status());

    let anonymous = crate::helpers::anonymous_client();
    for path in [
        "/",
        "/c/clothing",
        "/search?q=wool",
        "/collections/gift-ideas",
    ] {
        let shared = anonymous.get(app.url(path)).send().await.unwrap();
        assert_eq!(shared.status(), 200, "{path}");
        let shared_body = shared.text().await.unwrap();
        let own = app.get(path).await;
        assert_eq!(header(&own, "x-bazaar-cache"), "hit", "{path}");
        assert!(
            header(&own, "cache-control").starts_with("public"),
            "{path}"
        );
        assert_eq!(own.text().await.unwrap(), shared_body, "{path}");
    }

    // The count: from the uncached call, never from a page.
    let count = app.call("cart/count", &[]).await;
    assert_eq!(count.status(), 200);
    assert_eq!(header(&count, "cache-control"), "private, no-store");
    let snapshot: serde_json::Value = count.json().await.unwrap();
    assert_eq!(snapshot["item_count"], 3);
    let none = anonymous
        .post(app.url("/api/cart/count"))
        .header("accept", "application/json")
        .form(&[] as &[(&str, &str)])
        .send()
        .await
        .unwrap();
    assert_eq!(none.status(), 200);
    assert_eq!(
        none.json::<serde_json::Value>().await.unwrap()["item_count"],
        0
    );
}

/// Pages are kept for minutes; a change of what one shows evicts it within a second on the server (a PostgreSQL
/// notification from the catalog's triggers), whoever made the change (here plain SQL), and leaves the rest.
#[sqlx::test(migrations = "../migrations")]
async fn a_catalog_change_evicts_the_pages_that_show_it(pool: PgPool) {
    let app = spawn_app(pool).await;
    let anonymous = crate::helpers::anonymous_client();
    let (slug, other, category): (String, String, String) = sqlx::query_as(
        "select p.slug,
                (select o.slug from product o where o.published and o.product_id <> p.product_id
                 order by o.product_id limit 1),
                c.slug
         from product p join category c using (category_id)
         where p.published and exists (select 1 from variant v where v.product_id = p.product_id and v.available > 7)
         order by p.product_id limit 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let (product, other, listing) = (
        format!("/p/{slug}"),
        format!("/p/{other}"),
        format!("/c/{category}"),
    );
    let get = |path: &str| {
        let request = anonymous.get(app.url(path)).send();
        async move {
            let response = request.await.unwrap();
            assert_eq!(response.status(), 200);
            let cache = header(&response, "x-bazaar-cache");
            (cache, response.text().await.unwrap())
        }
    };
    for path in [&product, &other, &listing] {
        get(path).await;
        assert_eq!(get(path).await.0, "hit", "{path}");
    }
    // Polls a page until the server renders it again; how long that took.
    let evicted = |path: String| {
        let get = &get;
        async move {
            let started = std::time::Instant::now();
            loop {
                let (cache, body) = get(&path).await;
                if cache == "miss" {
                    return (started.elapsed(), body);
                }
                assert!(
                    started.elapsed() < std::time::Duration::from_secs(1),
                    "{path} still cached a second after the change"
                );
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
        }
    };

    // One sold of a variant with plenty left: the page (which says "In stock") stays.
    let (sku, stock): (String, i32) = sqlx::query_as(
        "select v.sku, v.stock_on_hand from variant v join product p using (product_id)
         where p.slug = $1 and v.available > 7 order by v.variant_id limit 1",
    )
    .bind(&slug)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    app.set_stock(&sku, stock - 1).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(get(&product).await.0, "hit");
    // Running low ("Only 3 left"): that product's page goes; the other product and the listing stay.
    app.set_stock(&sku, 3).await;
    evicted(product.clone()).await;
    assert_eq!(get(&other).await.0, "hit");
    assert_eq!(get(&listing).await.0, "hit");

    // A new name: the product's page and every listing go, each showing it.
    sqlx::query("update product set name = 'Quokka Field Anorak' where slug = $1")
        .bind(&slug)
        .execute(&app.pool)
        .await
        .unwrap();
    let (_, page) = evicted(product.clone()).await;
    assert!(page.contains("Quokka Field Anorak"));
    evicted(listing.clone()).await;
    // (Search results mark the matched word: "<mark>Quokka</mark> Field Anorak".)
    let found = get("/search?q=quokka").await.1;
    assert!(found.contains("Field Anorak"));
    assert_eq!(get(&other).await.0, "hit");
}

#[sqlx::test(migrations = "../migrations")]
async fn pages_with_a_cart_are_never_shared(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (sku, _) = app.sku_with_stock(5).await;
    // The cart page is private even for a visitor without a cart.
    let anonymous = crate::helpers::anonymous_client();
    let empty = anonymous.get(app.url("/cart")).send().await.unwrap();
    assert_eq!(header(&empty, "x-bazaar-cache"), "");
    assert_eq!(header(&empty, "cache-control"), "private, no-store");

    // The shopper with a cart gets their own page, marked private.
    let added = app
        .call("cart/add", &[("sku", &sku), ("quantity", "2")])
        .await;
    assert!(added.status().is_success(), "{}", added.status());
    let own = app.get("/cart").await;
    assert_eq!(header(&own, "x-bazaar-cache"), "");
    assert_eq!(header(&own, "cache-control"), "private, no-store");
    assert!(own.text().await.unwrap().contains(&sku));

    // The no-JS error round trip is personal too.
    let err = anonymous
        .get(app.url("/cart?__err=x"))
        .send()
        .await
        .unwrap();
    assert_eq!(header(&err, "x-bazaar-cache"), "");
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

#[sqlx::test(migrations = "../migrations")]
async fn cross_site_writes_are_refused_and_change_nothing(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (sku, _) = app.sku_with_stock(1).await;
    let add = |headers: &'static [(&'static str, &'static str)]| {
        let mut request = app
            .client
            .post(app.url("/api/cart/add"))
            .header("accept", "application/json")
            .form(&[("sku", sku.as_str()), ("quantity", "1")]);
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        async move { request.send().await.unwrap() }
    };
    let lines = || async {
        sqlx::query_scalar::<_, i64>("select count(*) from cart_line")
            .fetch_one(&app.pool)
            .await
            .unwrap()
    };
    for refused in [
        &[("origin", "https://evil.example")][..],
        &[
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://evil.example"),
        ][..],
        &[("sec-fetch-site", "same-site")][..],
        &[("origin", "null")][..],
    ] {
        let response = add(refused).await;
        assert_eq!(response.status(), 403, "{refused:?}");
        assert!(response.text().await.unwrap().contains("another website"));
    }
    let webhook = app
        .client
        .post(app.url("/webhooks/stripe"))
        .header("origin", "https://evil.example")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(webhook.status(), 403, "every path, webhooks too");
    assert_eq!(lines().await, 0, "nothing was added");

    // The shop's own pages, and clients that are not browsers, get through.
    for allowed in [
        &[
            ("sec-fetch-site", "same-origin"),
            ("origin", "http://shop.test"),
        ][..],
        &[("origin", "http://shop.test")][..],
        &[][..],
    ] {
        let response = add(allowed).await;
        assert!(
            response.status().is_success(),
            "{allowed:?}: {}",
            response.status()
        );
    }
    assert_eq!(lines().await, 1);
    // GET never changes anything and is never refused for its origin.
    let page = app
        .client
        .get(app.url("/"))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn responses_carry_security_headers(pool: PgPool) {
    let app = spawn_app(pool).await;
    for path in ["/", "/cart", "/no-such-page", "/healthz"] {
        let response = app.get(path).await;
        let h = response.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert_eq!(
            h["referrer-policy"], "strict-origin-when-cross-origin",
            "{path}"
        );
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        // The test app's public URL is plain http: no HSTS.
        assert!(h.get("strict-transport-security").is_none(), "{path}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn order_placement_is_rate_limited_per_client_ip(pool: PgPool) {
    // 127.0.0.1 stands for the shop's own load balancer, so X-Forwarded-For names the client.
    let app = crate::helpers::spawn_app_with(
        pool,
        &[
            ("BAZAAR_RATE_LIMIT_ORDERS_PER_MINUTE", "5"),
            ("BAZAAR_RATE_LIMIT_PER_MINUTE", "600"),
            ("BAZAAR_TRUSTED_PROXIES", "127.0.0.1"),
        ],
    )
    .await;
    let place = |client_ip: &'static str, accept: &'static str| {
        app.client
            .post(app.url("/api/checkout/place"))
            .header("accept", accept)
            .header("x-forwarded-for", client_ip)
            .form(&[("idempotency_key", "not-a-key")])
            .send()
    };
    // The allowance (a burst of 5) is used up by requests that fail on their own merits…
    for _ in 0..5 {
        let r = place("203.0.113.7", "application/json").await.unwrap();
        assert!(
            r.status().is_client_error() && r.status() != 429,
            "{}",
            r.status()
        );
    }
    // …and the next one from that client is turned away before it reaches checkout.
    let limited = place("203.0.113.7", "application/json").await.unwrap();
    assert_eq!(limited.status(), 429);
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let body: app::error::AppError = limited.json().await.unwrap();
    assert_eq!(
        body,
        app::error::AppError::RateLimited {
            retry_after_secs: retry_after
        }
    );
    // A browser gets a page that says what to do.
    let page = place("203.0.113.7", "text/html").await.unwrap();
    assert_eq!(page.status(), 429);
    assert!(page.text().await.unwrap().contains("Please wait"));
    // Another client is unaffected, and so is browsing by the limited one.
    let other = place("198.51.100.4", "application/json")
        .await
        .unwrap()
        .status();
    assert!(other.is_client_error() && other != 429, "{other}");
    let browse = app
        .client
        .get(app.url("/"))
        .header("x-forwarded-for", "203.0.113.7")
        .send()
        .await
        .unwrap();
    assert_eq!(browse.status(), 200);
    // An address the client wrote itself in front of the proxy's is not believed.
    let spoofed = place("1.2.3.4, 203.0.113.7", "application/json")
        .await
        .unwrap();
    assert_eq!(spoofed.status(), 429);
}

/// The nonce in a page's Content-Security-Policy, and the one on its scripts.
fn nonces(csp: &str, html: &str) -> (String, Vec<String>) {
    let in_header = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap_or_default()
        .to_string();
    let on_scripts = html
        .split("<script")
        .skip(1)
        .map(|tag| {
            tag.split("nonce=\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .unwrap_or("")
                .to_string()
        })
        .collect();
    (in_header, on_scripts)
}

#[sqlx::test(migrations = "../migrations")]
async fn pages_allow_only_their_own_nonced_scripts(pool: PgPool) {
    let app = spawn_app(pool).await;
    let home = app.get("/").await;
    let csp = home.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    let html = home.text().await.unwrap();
    let (nonce, scripts) = nonces(&csp, &html);
    assert!(nonce.len() >= 16, "{csp}");
    assert!(!scripts.is_empty(), "the page has its hydration scripts");
    assert!(
        scripts.iter().all(|n| *n == nonce),
        "every script carries the page's nonce"
    );
    assert!(csp.contains("'strict-dynamic'") && csp.contains("object-src 'none'"));
    assert!(
        csp.contains("frame-src 'none'"),
        "no frames outside payment pages: {csp}"
    );
    // Another render, another nonce (another address is another entry of the page cache), on every script of it:
    // the islands loader, rendered once per process, gets each page's own.
    let again = app.client.get(app.url("/?render=2")).send().await.unwrap();
    let csp_again = again.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    let html_again = again.text().await.unwrap();
    let (nonce_again, scripts_again) = nonces(&csp_again, &html_again);
    assert_ne!(nonce_again, nonce);
    assert_eq!(scripts_again.len(), scripts.len());
    assert!(
        scripts_again.iter().all(|n| *n == nonce_again),
        "every script carries the second page's nonce"
    );
    assert!(
        !html_again.contains(&nonce),
        "nothing of the first page's nonce is left"
    );
    assert!(html_again.contains("rel=\"modulepreload\"") && html_again.contains("hydrateIslands"));

    // Payment pages also allow the card provider, when one is configured.
    if let Some(stripe) = crate::helpers::stripe_url() {
        let (sku, _) = app.sku_with_stock(1).await;
        let shopper = crate::checkout::Shopper::new(&app);
        shopper.add(&sku, 1).await;
        let checkout = shopper
            .client
            .get(app.url("/checkout"))
            .send()
            .await
            .unwrap();
        let csp = checkout.headers()["content-security-policy"]
            .to_str()
            .unwrap();
        assert!(csp.contains(&format!("frame-src {stripe}")), "{csp}");
        let product = app.get("/").await;
        let csp = product.headers()["content-security-policy"]
            .to_str()
            .unwrap();
        assert!(!csp.contains(&stripe), "{csp}");
    }
}
