use crate::helpers::spawn_app;
use app::domain::catalog::CategoryPage;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn home_lists_featured_collections_and_categories(pool: PgPool) {
    let app = spawn_app(pool).await;
    let response = app.get("/").await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    for text in [
        "New arrivals",
        "Bestsellers",
        "Shop by category",
        "Clothing",
        "Stationery",
        "<title>Bazaar</title>",
    ] {
        assert!(html.contains(text), "home page shows {text}");
    }
    assert!(html.contains(r#"property="og:title""#));
}

async fn category(
    app: &crate::helpers::TestApp,
    slug: &str,
    sort: &str,
    after: Option<&str>,
) -> CategoryPage {
    let mut form = vec![("slug", slug), ("sort", sort)];
    if let Some(after) = after {
        form.push(("after", after));
    }
    let response = app.call("category", &form).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// Walks every page of a listing: no product twice, none missed, each page in order.
#[sqlx::test(migrations = "../migrations")]
async fn keyset_pages_cover_the_category_exactly_once_in_every_order(pool: PgPool) {
    let app = spawn_app(pool).await;
    // Put several products at one price, so ties are broken by id across page boundaries.
    sqlx::query("update variant set price_minor = 2500 where product_id in (select product_id from product order by product_id limit 30)")
        .execute(&app.pool)
        .await
        .unwrap();
    let expected: i64 = sqlx::query_scalar(
        "select count(*) from product p join category c on c.category_id = p.category_id
         where c.slug = 'clothing' or c.parent_id = (select category_id from category where slug = 'clothing')",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(expected > 24, "needs more than one page");

    for sort in ["newest", "price", "price-desc", "name"] {
        let mut seen = Vec::new();
        let mut keys: Vec<(i64, String)> = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let page = category(&app, "clothing", sort, after.as_deref()).await;
            assert!(page.results.hits.len() <= 24);
            for hit in &page.results.hits {
                let p = &hit.card;
                keys.push((p.price_from.minor, p.name.clone()));
                seen.push(p.slug.clone());
            }
            match page.results.next_href.as_deref() {
                Some(href) => after = Some(crate::search::param(href, "after")),
                None => break,
            }
        }
        assert_eq!(seen.len() as i64, expected, "{sort}: every product once");
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), seen.len(), "{sort}: no duplicates");
        match sort {
            "price" => assert!(
                keys.windows(2).all(|w| w[0].0 <= w[1].0),
                "ascending prices"
            ),
            "price-desc" => assert!(
                keys.windows(2).all(|w| w[0].0 >= w[1].0),
                "descending prices"
            ),
            "name" => assert!(keys.windows(2).all(|w| w[0].1 <= w[1].1), "names in order"),
            _ => {}
        }
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn category_page_renders_cards_and_a_next_link(pool: PgPool) {
    let app = spawn_app(pool).await;
    let response = app.get("/c/clothing?sort=price").await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert_eq!(html.matches(r#"data-testid="product-card""#).count(), 24);
    assert!(html.contains("rel=\"next\""));
    assert!(html.contains("<title>Clothing · Bazaar</title>"));
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_listing_parameters_get_a_clear_4xx(pool: PgPool) {
    let app = spawn_app(pool).await;
    let cases = [
        ("/c/clothing?sort=cheapest", 400, "Unknown sort order"),
        (
            "/c/clothing?sort=price&after=garbage",
            400,
            "page link is not valid",
        ),
        (
            "/c/clothing?sort=name&after=p.100.5",
            400,
            "page link is not valid",
        ),
        (
            "/c/clothing?after=n.-99999999999999999999.1",
            400,
            "page link is not valid",
        ),
        ("/c/no-such-category", 404, "find that page"),
        ("/c/Not%20A%20Slug", 404, "find that page"),
        ("/p/no-such-product", 404, "find that page"),
        ("/p/%27%3B%20drop%20table%20product", 404, "find that page"),
        ("/some/unknown/path", 404, "find that page"),
    ];
    for (path, status, text) in cases {
        let response = app.get(path).await;
        assert_eq!(response.status(), status, "{path}");
        let html = response.text().await.unwrap();
        assert!(html.contains(text), "{path} says {text:?}");
        assert!(
            !html.to_lowercase().contains("sqlx") && !html.contains("postgres"),
            "{path} leaks no internals"
        );
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn product_page_shows_variants_stock_and_images(pool: PgPool) {
    let app = spawn_app(pool).await;
    let slug: String = sqlx::query_scalar(
        "select p.slug from product p join category c using (category_id) where c.slug = 't-shirts' order by p.product_id limit 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let response = app.get(&format!("/p/{slug}")).await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains(r#"data-testid="variant-option""#));
    assert!(html.contains(r#"property="og:type" content="product""#));
    assert!(html.contains(r#"property="og:image" content="http://shop.test/media/products/"#));
    assert!(html.contains("Size") && html.contains("Colour"));
    assert!(
        html.contains(r#"action="/api/cart/add""#),
        "add to cart posts to a stable URL"
    );

    // Picking a variant by URL shows that variant's stock.
    let sku: String = sqlx::query_scalar(
        "select v.sku from variant v join product p using (product_id) where p.slug = $1 order by v.position limit 1",
    )
    .bind(&slug)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    app.set_stock(&sku, 2).await;
    let html = app
        .get(&format!("/p/{slug}?variant={sku}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Only 2 left"));
}

/// `product.price_min_minor` follows price changes, and stock changes (reservations, sales) leave the product
/// row alone: no write, no lock shared by concurrent orders.
#[sqlx::test(migrations = "../migrations")]
async fn the_cheapest_price_follows_prices_and_ignores_stock(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (product_id, sku): (i64, String) =
        sqlx::query_as("select product_id, sku from variant order by variant_id limit 1")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let row = || async {
        sqlx::query_as::<_, (i64, String)>(
            "select price_min_minor, xmin::text from product where product_id = $1",
        )
        .bind(product_id)
        .fetch_one(&app.pool)
        .await
        .unwrap()
    };
    let (_, version) = row().await;
    sqlx::query(
        "update variant set stock_on_hand = stock_on_hand + 5, reserved = 1 where sku = $1",
    )
    .bind(&sku)
    .execute(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        row().await.1,
        version,
        "a stock change does not rewrite the product"
    );

    sqlx::query("update variant set price_minor = 1 where sku = $1")
        .bind(&sku)
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(row().await.0, 1);
    sqlx::query("update variant set price_minor = 999999 where product_id = $1")
        .bind(product_id)
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(row().await.0, 999999);
}

/// A listing's cards read the price range, the compare-at price and stock from the listing rows (migration 23):
/// each follows a change of the variants at once, as the aggregate over the variants did.
#[sqlx::test(migrations = "../migrations")]
async fn listing_cards_follow_prices_offers_and_stock(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (product_id, slug): (i64, String) = sqlx::query_as(
        "select p.product_id, p.slug from product p
         join product_listing l on l.product_id = p.product_id
         join category c on c.category_id = l.category_id and c.slug = 'clothing'
         where (select count(*) from variant v where v.product_id = p.product_id) > 1
         order by l.created_at desc, l.product_id desc limit 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    // Every change below keeps the product first in the newest order.
    sqlx::query("update product set created_at = now() + interval '1 day' where product_id = $1")
        .bind(product_id)
        .execute(&app.pool)
        .await
        .unwrap();
    let card = || async {
        let page = category(&app, "clothing", "newest", None).await;
        let hit = page.results.hits.into_iter().next().unwrap();
        assert_eq!(hit.card.slug, slug);
        hit.card
    };
    let run = |sql: &'static str| {
        let pool = app.pool.clone();
        async move {
            sqlx::query(sql)
                .bind(product_id)
                .execute(&pool)
                .await
                .unwrap();
        }
    };

    run("update variant set price_minor = 2000, compare_at_minor = null, stock_on_hand = reserved + 3
         where product_id = $1")
    .await;
    let same = card().await;
    assert_eq!(same.price_from.minor, 2000);
    assert!(!same.has_price_range && same.in_stock && same.compare_at.is_none());

    // One variant cheaper, on offer: "from" its price, with its compare-at price.
    run(
        "update variant set price_minor = 1500, compare_at_minor = 2500
         where variant_id = (select min(variant_id) from variant where product_id = $1)",
    )
    .await;
    let offer = card().await;
    assert_eq!(offer.price_from.minor, 1500);
    assert!(offer.has_price_range);
    assert_eq!(offer.compare_at.map(|m| m.minor), Some(2500));

    // Sold out everywhere, then one back in stock.
    run("update variant set stock_on_hand = reserved where product_id = $1").await;
    assert!(!card().await.in_stock);
    run("update variant set stock_on_hand = reserved + 1
         where variant_id = (select max(variant_id) from variant where product_id = $1)")
    .await;
    let back = card().await;
    assert!(back.in_stock);
    assert!(back.has_price_range, "a stock change keeps the rest");
}
