//! The admin start page's last 30 days: a paid order shows in today's sales, its status and its products; the
//! page draws the charts as inline SVG, each with its numbers in a table.

use crate::admin::{cast, ok, order};
use crate::helpers::spawn_app;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn a_paid_order_shows_in_todays_sales_and_the_charts_are_svg(pool: PgPool) {
    let app = spawn_app(pool).await;
    let cast = cast(&app).await;
    // A new shop: the charts say there is nothing yet.
    let html = cast
        .staff
        .get(app.url("/admin"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("No orders in the last 30 days yet."),
        "empty state"
    );
    let (sku, _) = app.sku_with_stock(3).await;
    let (number, _) = order(&app, &sku, 2, "dash@example.com", "manual").await;
    order(&app, &sku, 1, "unpaid@example.com", "manual").await;
    ok(
        &app,
        &cast.staff,
        "admin/order/act",
        &[("number", &number), ("action", "record_payment")],
    )
    .await;
    let (total, product): (i64, String) = sqlx::query_as(
        "select o.total_minor, l.product_name from customer_order o join order_line l using (customer_order_id)
         where o.number = $1",
    )
    .bind(&number)
    .fetch_one(&app.pool)
    .await
    .unwrap();

    let d = ok(&app, &cast.staff, "admin/dashboard", &[]).await;
    let days = d["days"].as_array().unwrap();
    assert_eq!(days.len(), 30, "every day, with or without sales");
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    assert_eq!(days[29]["day"], today.as_str());
    assert_eq!(days[29]["orders"], 1, "the unpaid order is not a sale");
    assert_eq!(days[29]["revenue"]["minor"], total);
    assert_eq!(days[0]["orders"], 0);
    let statuses = d["by_status"].as_array().unwrap();
    assert!(
        statuses.iter().any(|s| s[0] == "paid" && s[1] == 1),
        "{statuses:?}"
    );
    assert!(
        statuses
            .iter()
            .any(|s| s[0] == "awaiting_payment" && s[1] == 1),
        "{statuses:?}"
    );
    assert_eq!(d["top_products"][0]["name"], product.as_str());
    assert_eq!(d["top_products"][0]["units"], 2);

    let html = cast
        .staff
        .get(app.url("/admin"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(r#"data-testid="sales-chart""#) && html.contains("<rect"),
        "charts drawn on the server"
    );
    assert!(
        html.contains(r#"class="sr-only""#),
        "numbers in tables for screen readers"
    );
}
