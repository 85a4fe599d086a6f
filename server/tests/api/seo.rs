//! What search engines read: robots.txt, the sitemap index and its chunks, canonical links, and the product
//! page's schema.org JSON-LD. Also the collection pages the sitemap lists.

use crate::helpers::spawn_app;
use sqlx::PgPool;

fn locs(xml: &str) -> Vec<String> {
    xml.split("<loc>")
        .skip(1)
        .filter_map(|s| s.split_once("</loc>").map(|(loc, _)| loc.to_string()))
        .collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn the_sitemap_lists_every_visible_page_once_and_nothing_else(pool: PgPool) {
    let app = spawn_app(pool).await;
    sqlx::query("update product set status = 'draft' where product_id = (select min(product_id) from product)")
        .execute(&app.pool)
        .await
        .unwrap();
    let draft: String = sqlx::query_scalar("select slug from product where status = 'draft'")
        .fetch_one(&app.pool)
        .await
        .unwrap();

    let robots = app.get("/robots.txt").await;
    assert_eq!(robots.status(), 200);
    let robots = robots.text().await.unwrap();
    assert!(robots.contains("Disallow: /checkout"));
    let sitemap_url = robots
        .lines()
        .find_map(|l| l.strip_prefix("Sitemap: "))
        .expect("robots.txt names the sitemap");
    assert!(sitemap_url.ends_with("/sitemap.xml"));

    let index = app.get("/sitemap.xml").await;
    assert_eq!(index.status(), 200);
    assert!(index.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/xml"));
    let index = index.text().await.unwrap();
    assert!(index.starts_with("<?xml") && index.trim_end().ends_with("</sitemapindex>"));
    let chunks = locs(&index);
    assert!(
        chunks.len() >= 2,
        "a catalog chunk and at least one product chunk"
    );

    let mut urls = Vec::new();
    for chunk in &chunks {
        let path = &chunk[chunk.find("/sitemaps/").unwrap()..];
        let response = app.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        let xml = response.text().await.unwrap();
        assert!(
            xml.starts_with("<?xml") && xml.trim_end().ends_with("</urlset>"),
            "{path}"
        );
        let these = locs(&xml);
        assert!(these.len() <= 50_000);
        assert_eq!(
            xml.matches("<url>").count(),
            xml.matches("</url>").count(),
            "{path} is balanced"
        );
        urls.extend(these);
    }
    let products = urls.iter().filter(|u| u.contains("/p/")).count() as i64;
    let active: i64 = sqlx::query_scalar("select count(*) from product where status = 'active'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(products, active, "every active product, once");
    let mut unique = urls.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), urls.len(), "no URL twice");
    assert!(
        !urls.iter().any(|u| u.ends_with(&format!("/p/{draft}"))),
        "no draft"
    );
    assert!(urls.iter().any(|u| u.ends_with("/c/clothing")));
    assert!(urls.iter().any(|u| u.ends_with("/collections/gift-ideas")));

    assert_eq!(app.get("/sitemaps/products-99.xml").await.status(), 404);
    assert_eq!(app.get("/sitemaps/products-x.xml").await.status(), 404);
    assert_eq!(app.get("/sitemaps/nothing.xml").await.status(), 404);
}

#[sqlx::test(migrations = "../migrations")]
async fn product_pages_carry_valid_schema_org_json_ld(pool: PgPool) {
    let app = spawn_app(pool).await;
    let slug: String = sqlx::query_scalar("select slug from product order by product_id limit 1")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let html = app.get(&format!("/p/{slug}")).await.text().await.unwrap();
    assert!(
        html.contains(&format!(r#"/p/{slug}" rel="canonical""#)),
        "canonical link"
    );
    let start = html
        .find(r#"<script type="application/ld+json">"#)
        .expect("a JSON-LD block");
    let body = &html[start..];
    let json = &body[body.find('>').unwrap() + 1..body.find("</script>").unwrap()];
    let v: serde_json::Value = serde_json::from_str(json).expect("JSON-LD parses");
    assert_eq!(v["@context"], "https://schema.org");
    let graph = v["@graph"].as_array().unwrap();
    let product = graph.iter().find(|n| n["@type"] == "Product").unwrap();
    for field in ["name", "description", "url", "sku"] {
        assert!(product[field].is_string(), "Product.{field}");
    }
    assert!(product["image"][0].as_str().unwrap().starts_with("http"));
    let offers = product["offers"].as_array().unwrap();
    let variants: i64 = sqlx::query_scalar(
        "select count(*) from variant v join product p using (product_id) where p.slug = $1",
    )
    .bind(&slug)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(offers.len() as i64, variants, "an Offer per variant");
    for offer in offers {
        assert_eq!(offer["@type"], "Offer");
        let price = offer["price"].as_str().unwrap();
        assert!(
            price.split_once('.').is_some_and(|(a, b)| !a.is_empty()
                && a.bytes().all(|c| c.is_ascii_digit())
                && b.len() == 2
                && b.bytes().all(|c| c.is_ascii_digit())),
            "price {price} is a decimal"
        );
        assert_eq!(offer["priceCurrency"], "EUR");
        assert!(matches!(
            offer["availability"].as_str().unwrap(),
            "https://schema.org/InStock" | "https://schema.org/OutOfStock"
        ));
    }
    let crumbs = graph
        .iter()
        .find(|n| n["@type"] == "BreadcrumbList")
        .unwrap();
    let items = crumbs["itemListElement"].as_array().unwrap();
    for (i, item) in items.iter().enumerate() {
        assert_eq!(item["@type"], "ListItem");
        assert_eq!(item["position"], i as i64 + 1);
        assert!(item["item"].as_str().unwrap().starts_with("http"));
    }
    assert!(items.last().unwrap()["item"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/p/{slug}")));
}

#[sqlx::test(migrations = "../migrations")]
async fn collection_pages_list_filter_and_point_to_their_canonical_url(pool: PgPool) {
    let app = spawn_app(pool).await;
    let html = app.get("/").await.text().await.unwrap();
    assert!(
        html.contains(r#"href="/collections/new-arrivals""#),
        "the home page links its featured collections"
    );

    let page = app.get("/collections/gift-ideas").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let members: i64 = sqlx::query_scalar(
        "select count(*) from collection_product cp join collection c using (collection_id)
         join product p using (product_id) where c.slug = 'gift-ideas' and p.status = 'active'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        html.matches(r#"data-testid="product-card""#).count() as i64,
        members.min(24)
    );
    assert!(html.contains("Featured"));
    assert!(!html.contains(r#"content="noindex"#));

    let sorted = app
        .get("/collections/gift-ideas?sort=price&in_stock=1")
        .await
        .text()
        .await
        .unwrap();
    assert!(sorted.contains(r#"<meta name="robots" content="noindex, follow""#));
    assert!(
        sorted.contains(r#"/collections/gift-ideas" rel="canonical""#),
        "canonical names the plain page"
    );

    assert_eq!(app.get("/collections/no-such-thing").await.status(), 404);
    assert_eq!(
        app.get("/collections/gift-ideas?price=9-1").await.status(),
        400
    );
}
