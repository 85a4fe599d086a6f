//! Search and filtered listings over the demo catalog: relevance, typo tolerance, facet counts against a
//! brute-force count from the catalog tables, keyset paging, freshness, drafts, and bad input.

use crate::helpers::{spawn_app, TestApp};
use app::domain::catalog::CategoryPage;
use app::domain::results::SearchPage;
use sqlx::PgPool;

/// The value of `name` in a link's query string (values here are URL-safe or percent-encoded).
pub fn param(href: &str, name: &str) -> String {
    let query = href.split_once('?').map(|(_, q)| q).unwrap_or_default();
    let raw = query
        .split('&')
        .find_map(|pair| pair.strip_prefix(&format!("{name}=")))
        .unwrap_or_else(|| panic!("{href} has no {name}"));
    percent_decode(raw)
}

fn percent_decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&raw[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

async fn search(app: &TestApp, form: &[(&str, &str)]) -> SearchPage {
    let response = app.call("search", form).await;
    assert_eq!(response.status(), 200, "{form:?}");
    response.json().await.unwrap()
}

async fn listing(app: &TestApp, form: &[(&str, &str)]) -> CategoryPage {
    let response = app.call("category", form).await;
    assert_eq!(response.status(), 200, "{form:?}");
    response.json().await.unwrap()
}

fn names(page: &SearchPage) -> Vec<String> {
    page.results
        .hits
        .iter()
        .map(|h| h.card.name.clone())
        .collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn an_exact_name_ranks_first_and_a_typo_still_finds_it(pool: PgPool) {
    let app = spawn_app(pool).await;
    let page = search(&app, &[("q", "Merino Jumper")]).await;
    assert_eq!(
        names(&page).first().map(String::as_str),
        Some("Merino Jumper")
    );
    assert!(page.corrected.is_none());
    // Both words matched are marked in the name.
    let first = &page.results.hits[0];
    assert!(first.name.iter().filter(|(_, marked)| *marked).count() >= 2);

    let typo = search(&app, &[("q", "merino jumpr")]).await;
    assert_eq!(typo.corrected.as_deref(), Some("merino jumper"));
    assert_eq!(
        names(&typo).first().map(String::as_str),
        Some("Merino Jumper")
    );

    // The last word may be unfinished.
    let prefix = search(&app, &[("q", "cardig")]).await;
    assert!(!prefix.results.hits.is_empty());
    assert!(names(&prefix).iter().all(|n| n.contains("Cardigan")));

    // Web search syntax: a phrase, an exclusion.
    let without = search(&app, &[("q", "jumper -merino")]).await;
    assert!(!without.results.hits.is_empty());
    assert!(names(&without).iter().all(|n| !n.contains("Merino")));

    // A SKU finds its product, and so does a SKU with one character wrong.
    let (sku, name): (String, String) = sqlx::query_as(
        "select v.sku, p.name from variant v join product p using (product_id) order by v.variant_id limit 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let exact = search(&app, &[("q", &sku.to_lowercase())]).await;
    assert_eq!(names(&exact).first(), Some(&name));
    let mut wrong = sku.clone();
    wrong.pop();
    wrong.push(if sku.ends_with('X') { 'Y' } else { 'X' });
    let fuzzy = search(&app, &[("q", &wrong)]).await;
    assert!(names(&fuzzy).contains(&name), "{wrong} finds {name}");

    // A query that matches nothing says so, without an error.
    let nothing = search(&app, &[("q", "zzqxv")]).await;
    assert!(nothing.results.hits.is_empty());
    assert!(nothing.corrected.is_none());
}

/// Every facet count of a listing equals a count over the catalog tables themselves.
#[sqlx::test(migrations = "../migrations")]
async fn facet_counts_match_a_brute_force_count(pool: PgPool) {
    let app = spawn_app(pool).await;
    // Some variants on sale and some products sold out, so those facets have something to count.
    sqlx::query("update variant set compare_at_minor = price_minor + 500 where variant_id % 7 = 0")
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query("update variant set stock_on_hand = 0 where product_id % 5 = 0")
        .execute(&app.pool)
        .await
        .unwrap();

    for filters in [
        vec![],
        vec![("in_stock", "1")],
        vec![("o", "Size:M")],
        vec![("o", "Size:M"), ("in_stock", "1")],
        vec![("price", "25-50")],
        vec![("price", "25-50"), ("on_sale", "1")],
    ] {
        let mut form = vec![("slug", "clothing")];
        form.extend(filters.iter().copied());
        let page = listing(&app, &form).await;
        assert!(!page.results.capped);
        let subtree = "with recursive down(id) as (
                select category_id from category where slug = 'clothing'
                union all select c.category_id from category c join down on c.parent_id = down.id)";
        // The products the filters keep, from product and variant directly.
        let kept = format!(
            "{subtree}, kept as (
               select p.product_id, p.category_id, p.price_min_minor from product p
               where p.status = 'active' and p.category_id in (select id from down)
                 and ($1::text is null or exists (select 1 from variant v where v.product_id = p.product_id
                                                   and v.options->>split_part($1, ':', 1) = split_part($1, ':', 2)
                                                   and (not $2 or v.available > 0)))
                 and (not $2 or exists (select 1 from variant v where v.product_id = p.product_id and v.available > 0))
                 and (not $3 or exists (select 1 from variant v where v.product_id = p.product_id
                                        and v.compare_at_minor > v.price_minor))
                 and ($4::bigint is null or p.price_min_minor >= $4)
                 and ($5::bigint is null or p.price_min_minor < $5))"
        );
        let option = filters.iter().find(|(k, _)| *k == "o").map(|(_, v)| *v);
        let in_stock = filters.iter().any(|(k, _)| *k == "in_stock");
        let on_sale = filters.iter().any(|(k, _)| *k == "on_sale");
        let (lo, hi) = match filters.iter().find(|(k, _)| *k == "price") {
            Some((_, "25-50")) => (Some(2500i64), Some(5000i64)),
            _ => (None, None),
        };
        let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "{kept} select count(*) from kept"
        )))
        .bind(option)
        .bind(in_stock)
        .bind(on_sale)
        .bind(lo)
        .bind(hi)
        .fetch_one(&app.pool)
        .await
        .unwrap();
        assert_eq!(page.results.total as i64, total, "{filters:?}: total");

        for facet in &page.results.facets {
            for value in &facet.values {
                let count_sql = match facet.param.as_str() {
                    "category" => format!(
                        "{kept} select count(*) from kept k join category c on c.category_id = k.category_id
                         where c.name = $6 or c.parent_id = (select category_id from category where name = $6)"
                    ),
                    "price" => {
                        let band = app::domain::search::PriceRange::BANDS
                            .iter()
                            .find(|b| b.label(|v| format!("€{v}.00")) == value.label)
                            .unwrap_or_else(|| panic!("band {}", value.label));
                        let (lo, hi) = band.minor_bounds(100);
                        format!(
                            "{kept} select count(*) from kept k where $6 <> '' and k.price_min_minor >= {} and k.price_min_minor < {}",
                            lo.unwrap_or(0),
                            hi.unwrap_or(i64::MAX)
                        )
                    }
                    // With "in stock" on, an option value counts the products that have it in stock.
                    "o" => format!(
                        "{kept} select count(*) from kept k where exists (select 1 from variant v
                           where v.product_id = k.product_id and v.options->>'{}' = $6
                             and (not $2 or v.available > 0))",
                        facet.label
                    ),
                    "availability" if value.label == "In stock" => format!(
                        "{kept} select count(*) from kept k where $6 <> '' and exists (select 1 from variant v
                           where v.product_id = k.product_id and v.available > 0)"
                    ),
                    "availability" => format!(
                        "{kept} select count(*) from kept k where $6 <> '' and exists (select 1 from variant v
                           where v.product_id = k.product_id and v.compare_at_minor > v.price_minor)"
                    ),
                    other => panic!("unknown facet {other}"),
                };
                let expected: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql))
                    .bind(option)
                    .bind(in_stock)
                    .bind(on_sale)
                    .bind(lo)
                    .bind(hi)
                    .bind(&value.label)
                    .fetch_one(&app.pool)
                    .await
                    .unwrap();
                assert_eq!(
                    value.count as i64, expected,
                    "{filters:?}: {} = {}",
                    facet.label, value.label
                );
            }
        }
    }
}

/// Following the next links of a search visits every result exactly once, in every sort.
#[sqlx::test(migrations = "../migrations")]
async fn search_pages_cover_the_results_exactly_once_in_every_order(pool: PgPool) {
    let app = spawn_app(pool).await;
    // "clothing" matches every product in the Clothing tree by its category: more than one page.
    let first = search(&app, &[("q", "clothing")]).await;
    let total = first.results.total as usize;
    assert!(total > 24, "needs more than one page, got {total}");
    for sort in ["relevance", "newest", "price", "price-desc", "name"] {
        let mut seen = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let mut form = vec![("q", "clothing"), ("sort", sort)];
            if let Some(a) = &after {
                form.push(("after", a));
            }
            let page = search(&app, &form).await;
            seen.extend(page.results.hits.iter().map(|h| h.card.slug.clone()));
            match page.results.next_href.as_deref() {
                Some(href) => after = Some(param(href, "after")),
                None => break,
            }
        }
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(seen.len(), total, "{sort}: every result");
        assert_eq!(unique.len(), total, "{sort}: once");
    }
}

/// A filtered category listing pages through exactly the filtered products: cut from the candidate set while the
/// filter matches fewer products than the cap, and by the listing index once it matches more.
#[sqlx::test(migrations = "../migrations")]
async fn filtered_listing_pages_cover_the_filtered_products(pool: PgPool) {
    let app = spawn_app(pool).await;
    let cap = backend::search::CANDIDATE_CAP;
    let expected = walk_filtered_listing(&app).await;
    assert!(expected < cap, "the demo catalog stays under the cap");

    // Generated images go to the app's own media folder, removed with the app.
    server::seed::generate(&app.pool, app.media_dir(), 4_000)
        .await
        .expect("generate");
    let expected = walk_filtered_listing(&app).await;
    assert!(expected > cap, "the filter now matches more than the cap");
}

/// Walks Clothing filtered by Size M in stock in every order; returns how many products the filter matches.
async fn walk_filtered_listing(app: &TestApp) -> i64 {
    let expected: i64 = sqlx::query_scalar(
        "with recursive down(id) as (
             select category_id from category where slug = 'clothing'
             union all select c.category_id from category c join down on c.parent_id = down.id)
         select count(*) from product p where p.status = 'active' and p.category_id in (select id from down)
           and exists (select 1 from variant v where v.product_id = p.product_id and v.available > 0
                       and v.options->>'Size' = 'M')",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    for sort in ["newest", "price", "price-desc", "name"] {
        let mut seen = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let mut form = vec![
                ("slug", "clothing"),
                ("sort", sort),
                ("o", "Size:M"),
                ("in_stock", "1"),
            ];
            if let Some(a) = &after {
                form.push(("after", a));
            }
            let page = listing(app, &form).await;
            seen.extend(page.results.hits.iter().map(|h| h.card.slug.clone()));
            match page.results.next_href.as_deref() {
                Some(href) => {
                    assert_eq!(
                        param(href, "o"),
                        "Size:M",
                        "the next link keeps the filters"
                    );
                    after = Some(param(href, "after"))
                }
                None => break,
            }
        }
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), seen.len(), "{sort}: no duplicates");
        assert_eq!(seen.len() as i64, expected, "{sort}: every product");
    }
    expected
}

/// An edit is searchable as soon as it commits; drafts and archived products never show.
#[sqlx::test(migrations = "../migrations")]
async fn edits_are_searchable_at_once_and_drafts_never_show(pool: PgPool) {
    let app = spawn_app(pool).await;
    sqlx::query("update product set name = 'Zephyr Anorak' where slug = (select slug from product order by product_id limit 1)")
        .execute(&app.pool)
        .await
        .unwrap();
    let page = search(&app, &[("q", "zephyr")]).await;
    assert_eq!(names(&page), vec!["Zephyr Anorak".to_string()]);

    // Sold out: the in-stock filter drops it at once.
    sqlx::query("update variant set stock_on_hand = 0 where product_id = (select product_id from product where name = 'Zephyr Anorak')")
        .execute(&app.pool)
        .await
        .unwrap();
    let page = search(&app, &[("q", "zephyr"), ("in_stock", "1")]).await;
    assert!(page.results.hits.is_empty());

    for status in ["draft", "archived"] {
        sqlx::query("update product set status = $1::product_status where name = 'Zephyr Anorak'")
            .bind(status)
            .execute(&app.pool)
            .await
            .unwrap();
        let page = search(&app, &[("q", "zephyr")]).await;
        assert!(
            page.results.hits.is_empty(),
            "{status} is hidden from search"
        );
        let html = app.get("/c/clothing?sort=name").await.text().await.unwrap();
        assert!(!html.contains("Zephyr"), "{status} is hidden from listings");
    }
    sqlx::query("update product set status = 'active' where name = 'Zephyr Anorak'")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(search(&app, &[("q", "zephyr")]).await.results.hits.len(), 1);
}

/// The header form leads to a page that works without JavaScript; bad input gets a clear answer, never a 500.
#[sqlx::test(migrations = "../migrations")]
async fn search_pages_answer_bad_input_clearly(pool: PgPool) {
    let app = spawn_app(pool).await;
    let home = app.get("/").await.text().await.unwrap();
    assert!(
        home.contains(r#"action="/search""#),
        "the header has a search form"
    );

    let page = app.get("/search?q=merino+jumpr").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Showing results for"));
    assert!(html.contains(r#"<meta name="robots" content="noindex, follow""#));

    let long = format!("/search?q={}", "a".repeat(10_000));
    let cases: Vec<(&str, u16, &str)> = vec![
        (long.as_str(), 400, "at most 200 characters"),
        (
            "/search?q=%21%21%21+%3F%3F",
            200,
            "Type what you are looking for",
        ),
        ("/search?q=", 200, "Type what you are looking for"),
        (
            "/search?q=%27%3B+drop+table+product%3B--",
            200,
            "No products match",
        ),
        ("/search?q=%22unbalanced+quote", 200, "No products match"),
        (
            "/search?q=a+%26+%21%28b+%7C+c%3A*%29",
            200,
            "No products match",
        ),
        ("/search?q=%F0%9F%A7%A5+jumper", 200, "Jumper"),
        ("/search?q=jum%00per", 200, "products"),
        ("/search?q=%25FF", 200, "Type what you are looking for"),
        ("/search?q=jumper&o=Size:XXXXL", 200, "No products match"),
        (
            "/search?q=jumper&category=no-such-category",
            200,
            "No products match",
        ),
        ("/search?q=jumper&price=50-25", 400, "lowest price"),
        ("/search?q=jumper&price=cheap", 400, "price range"),
        ("/search?q=jumper&in_stock=maybe", 400, "Use 1"),
        (
            "/search?q=jumper&after=r.1065353216.1.00000000",
            400,
            "page link is not valid",
        ),
        ("/c/clothing?price=9-1", 400, "lowest price"),
        ("/c/clothing?o=Colour:Nope", 200, "No products match"),
        (
            "/search?q=jumper&o=Size%3AM%27%5C+%26+%21%28x%7Cy%3A*%29&o=Colour%3A%22",
            200,
            "No products match",
        ),
    ];
    for (path, status, text) in cases {
        let response = app.get(path).await;
        assert_eq!(response.status().as_u16(), status, "{path}");
        let html = response.text().await.unwrap();
        assert!(html.contains(text), "{path} says {text:?}");
        assert!(
            !html.to_lowercase().contains("sqlx")
                && !html.contains("postgres")
                && !html.contains("tsquery"),
            "{path} leaks no internals"
        );
    }

    // A cursor made for one query is refused for another.
    let first = search(&app, &[("q", "clothing")]).await;
    let after = param(first.results.next_href.as_deref().unwrap(), "after");
    let response = app
        .call("search", &[("q", "jumper"), ("after", &after)])
        .await;
    assert_eq!(response.status(), 400);
}

/// A filter is matched inside the full-text index as a lexeme: any option value, however it is spelt, is found
/// by exactly its own filter and by no other.
#[sqlx::test(migrations = "../migrations")]
async fn filter_terms_match_their_own_value_only(pool: PgPool) {
    let values = [
        "o:Size=M",
        "o:Colour=Navy Blue",
        "o:Fit=O'Neil",
        r"o:Fit=back\slash",
        "o:Fit=a & !b | c:*",
        "o:Fit=\"quoted\"",
        "o:Größe=Ü",
        "stock",
    ];
    for stored in values {
        for asked in values {
            let matched = sqlx::query_scalar!(
                r#"select (search_facet_lexemes(array[$1]) || 'x'::tsvector)
                          @@ search_filtered('x'::tsquery, array[$2]) as "matched!""#,
                stored,
                asked
            )
            .fetch_one(&pool)
            .await
            .unwrap();
            assert_eq!(matched, stored == asked, "{stored:?} asked as {asked:?}");
        }
    }
    // No filter leaves the text query as it is.
    let same = sqlx::query_scalar!(
        r#"select search_filtered('x'::tsquery, '{}') = 'x'::tsquery as "same!""#
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(same);
}

/// A renamed category reaches the documents of every product below it through the `search.category` job.
#[sqlx::test(migrations = "../migrations")]
async fn a_renamed_category_is_searchable_through_its_job(pool: PgPool) {
    let app = spawn_app(pool).await;
    assert!(search(&app, &[("q", "outerwearzz")])
        .await
        .results
        .hits
        .is_empty());
    sqlx::query("update category set name = 'Outerwearzz' where slug = 'knitwear'")
        .execute(&app.pool)
        .await
        .unwrap();
    let expected: i64 = sqlx::query_scalar(
        "select count(*) from product p join category c using (category_id)
         where c.slug = 'knitwear' and p.status = 'active'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let started = std::time::Instant::now();
    loop {
        let page = search(&app, &[("q", "outerwearzz")]).await;
        if page.results.total as i64 == expected {
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "the job refreshed the subtree ({} of {expected} found)",
            page.results.total
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
