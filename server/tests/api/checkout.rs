use crate::helpers::{spawn_app, TestApp};
use futures::future::join_all;
use serde_json::Value;
use sqlx::PgPool;

/// A shopper with their own cookie jar.
pub struct Shopper<'a> {
    pub app: &'a TestApp,
    pub client: reqwest::Client,
}

impl<'a> Shopper<'a> {
    pub fn new(app: &'a TestApp) -> Self {
        Shopper {
            app,
            client: reqwest::Client::builder()
                .cookie_store(true)
                .timeout(std::time::Duration::from_secs(30))
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
        }
    }

    pub async fn call(&self, endpoint: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.app.url(&format!("/api/{endpoint}")))
            .header("accept", "application/json")
            .form(form)
            .send()
            .await
            .expect("POST")
    }

    pub async fn ok(&self, endpoint: &str, form: &[(&str, &str)]) -> Value {
        let response = self.call(endpoint, form).await;
        let status = response.status();
        let body = response.text().await.unwrap();
        assert!(status.is_success(), "{endpoint}: {status} {body}");
        serde_json::from_str(&body).unwrap_or(Value::Null)
    }

    pub async fn add(&self, sku: &str, quantity: u32) {
        self.ok(
            "cart/add",
            &[("sku", sku), ("quantity", &quantity.to_string())],
        )
        .await;
    }

    pub async fn address(&self, email: &str, country: &str, postal_code: &str) {
        self.ok(
            "checkout/contact",
            &[
                ("email", email),
                ("name", "Ana Pérez"),
                ("line1", "12 Rue de la Paix"),
                ("line2", ""),
                ("city", "Paris"),
                ("postal_code", postal_code),
                ("country", country),
                ("phone", ""),
            ],
        )
        .await;
    }

    pub async fn shipping(&self, method: &str, code: &str) -> reqwest::Response {
        self.call(
            "checkout/shipping",
            &[("shipping_method", method), ("discount_code", code)],
        )
        .await
    }

    /// The review page's data: (idempotency key, fingerprint, summary).
    pub async fn review(&self) -> (String, String, Value) {
        let data = self.ok("checkout", &[]).await;
        let key = data["idempotency_key"].as_str().unwrap().to_string();
        let fingerprint = data["summary"]["fingerprint"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        (key, fingerprint, data["summary"].clone())
    }

    pub async fn place(&self, key: &str, fingerprint: &str) -> reqwest::Response {
        self.place_with(key, fingerprint, "manual", "").await
    }

    pub async fn place_with(
        &self,
        key: &str,
        fingerprint: &str,
        method: &str,
        card_token: &str,
    ) -> reqwest::Response {
        self.call(
            "checkout/place",
            &[
                ("idempotency_key", key),
                ("fingerprint", fingerprint),
                ("payment_method", method),
                ("card_token", card_token),
            ],
        )
        .await
    }

    /// Cart → address → standard shipping → review, ready to place.
    pub async fn ready(&self, sku: &str, quantity: u32, code: &str) -> (String, String) {
        self.add(sku, quantity).await;
        self.address("ana@example.com", "FR", "75002").await;
        let shipped = self.shipping("standard", code).await;
        assert!(
            shipped.status().is_success(),
            "{}",
            shipped.text().await.unwrap()
        );
        let (key, fingerprint, _) = self.review().await;
        (key, fingerprint)
    }
}

/// Every shopper places their reviewed order at once: (status, body) each.
async fn place_all(shoppers: &[Shopper<'_>], ready: &[(String, String)]) -> Vec<(u16, String)> {
    join_all(shoppers.iter().zip(ready).map(|(s, (key, fp))| async move {
        let r = s.place(key, fp).await;
        (r.status().as_u16(), r.text().await.unwrap())
    }))
    .await
}

pub async fn stock(app: &TestApp, sku: &str) -> (i32, i32) {
    sqlx::query_as("select stock_on_hand, reserved from variant where sku = $1")
        .bind(sku)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

pub async fn count(app: &TestApp, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.pool).await.unwrap()
}

async fn add_discount(app: &TestApp, code: &str, kind: &str, amount: i64, limit: Option<i32>) {
    sqlx::query(
        "insert into discount (code, kind, amount, currency, usage_limit) values ($1, $2::discount_kind, $3, 'EUR', $4)",
    )
    .bind(code)
    .bind(kind)
    .bind(amount)
    .bind(limit)
    .execute(&app.pool)
    .await
    .unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn a_guest_checks_out_and_sees_the_order_through_its_link(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (sku, _) = app.sku_with_stock(5).await;
    let price: i64 = sqlx::query_scalar("select price_minor from variant where sku = $1")
        .bind(&sku)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    add_discount(&app, "TENOFF", "percent", 1000, None).await;
    let shopper = Shopper::new(&app);
    shopper.add(&sku, 2).await;
    shopper.address("ana@example.com", "fr", "75002").await;
    let shipped = shopper.shipping("standard", "tenoff").await;
    assert!(shipped.status().is_success());
    let (key, fingerprint, summary) = shopper.review().await;

    // The server's arithmetic: 10 % off, free standard shipping over €50 (after the discount), 20 % VAT included.
    let subtotal = price * 2;
    let discount = (subtotal * 1000 + 5000) / 10_000;
    let shipping = if subtotal - discount >= 5000 { 0 } else { 495 };
    let total = subtotal - discount + shipping;
    let totals = &summary["totals"];
    assert_eq!(totals["subtotal"]["minor"], subtotal);
    assert_eq!(totals["discount"]["minor"], discount);
    assert_eq!(totals["shipping"]["minor"], shipping);
    assert_eq!(totals["total"]["minor"], total);
    assert_eq!(totals["tax"]["minor"], (total * 2000 + 6000) / 12_000);

    let placed = shopper.place(&key, &fingerprint).await;
    assert_eq!(placed.status(), 200);
    let placed: Value = placed.json().await.unwrap();
    let number = placed["number"].as_str().unwrap();
    let token = placed["access_token"].as_str().unwrap();
    assert!(number.starts_with("BZ-") && number.len() == 11, "{number}");

    // The order holds the stock; the cart is empty again; prices were copied onto the lines.
    assert_eq!(stock(&app, &sku).await.1, 2);
    assert_eq!(shopper.ok("cart", &[]).await["item_count"], 0);
    let row: (String, i64, i64, String) = sqlx::query_as(
        "select status::text, total_minor, (select sum(line_total_minor)::bigint from order_line l
                where l.customer_order_id = o.customer_order_id), discount_code::text
         from customer_order o where number = $1",
    )
    .bind(number)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        row,
        ("awaiting_payment".into(), total, subtotal, "TENOFF".into())
    );

    // The order page: the owner's link works; a wrong key or someone else's guess is a 404.
    let page = app.get(&format!("/orders/{number}?key={token}")).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains(number) && html.contains("awaiting payment"));
    for wrong in [
        format!("/orders/{number}?key=guess"),
        format!("/orders/{number}"),
        "/orders/BZ-00000000?key=x".into(),
    ] {
        assert_eq!(app.get(&wrong).await.status(), 404, "{wrong}");
    }
    let api = app
        .call("order", &[("number", number), ("key", "nope")])
        .await;
    assert_eq!(api.status(), 404);

    // Later catalog changes leave the order alone.
    sqlx::query("update variant set price_minor = price_minor * 3 where sku = $1")
        .bind(&sku)
        .execute(&app.pool)
        .await
        .unwrap();
    let order: Value = app
        .call("order", &[("number", number), ("key", token)])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(order["totals"]["total"]["minor"], total);
    assert_eq!(order["lines"][0]["unit_price"]["minor"], price);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_last_units_go_to_exactly_as_many_shoppers(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (sku, _) = app.sku_with_stock(1).await;
    app.set_stock(&sku, 20).await;
    let shoppers: Vec<Shopper> = (0..200).map(|_| Shopper::new(&app)).collect();
    let mut ready = Vec::new();
    for s in &shoppers {
        ready.push(s.ready(&sku, 1, "").await);
    }
    let results = place_all(&shoppers, &ready).await;
    let won = results.iter().filter(|(status, _)| *status == 200).count();
    assert_eq!(won, 20, "exactly the stock is sold");
    for (status, body) in results.iter().filter(|(s, _)| *s != 200) {
        assert_eq!(*status, 409, "{body}");
        let error: app::error::AppError = serde_json::from_str(body).unwrap();
        assert!(error.to_string().contains("sold out"), "{error}");
    }
    assert_eq!(
        stock(&app, &sku).await,
        (20, 20),
        "all 20 held by orders, none oversold"
    );
    assert_eq!(count(&app, "select count(*) from customer_order").await, 20);
}

#[sqlx::test(migrations = "../migrations")]
async fn one_key_places_one_order_however_often_it_is_sent(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (sku, _) = app.sku_with_stock(10).await;
    let shopper = Shopper::new(&app);
    let (key, fp) = shopper.ready(&sku, 1, "").await;

    // Sequentially: the same order three times.
    let mut numbers = Vec::new();
    for _ in 0..3 {
        let r = shopper.place(&key, &fp).await;
        assert_eq!(r.status(), 200);
        numbers.push(r.json::<Value>().await.unwrap()["number"].clone());
    }
    assert!(numbers.windows(2).all(|w| w[0] == w[1]));
    assert_eq!(count(&app, "select count(*) from customer_order").await, 1);

    // Concurrently, with a fresh key: one order.
    let (key2, fp2) = shopper.ready(&sku, 1, "").await;
    let results = join_all((0..3).map(|_| shopper.place(&key2, &fp2))).await;
    let mut second = Vec::new();
    for r in results {
        assert_eq!(r.status(), 200);
        second.push(r.json::<Value>().await.unwrap()["number"].clone());
    }
    assert!(second.windows(2).all(|w| w[0] == w[1]));
    assert_eq!(count(&app, "select count(*) from customer_order").await, 2);
    assert_eq!(stock(&app, &sku).await.1, 2, "each order reserved once");

    // The same key with different content is refused.
    let other = shopper
        .call(
            "checkout/place",
            &[
                ("idempotency_key", &key),
                ("fingerprint", "something-else"),
                ("payment_method", "manual"),
            ],
        )
        .await;
    assert_eq!(other.status(), 409);
    assert!(other.text().await.unwrap().contains("different details"));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_code_limited_to_ten_uses_is_used_ten_times(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (sku, _) = app.sku_with_stock(1).await;
    app.set_stock(&sku, 1000).await;
    add_discount(&app, "TEN", "fixed", 100, Some(10)).await;
    let shoppers: Vec<Shopper> = (0..50).map(|_| Shopper::new(&app)).collect();
    let mut ready = Vec::new();
    for s in &shoppers {
        ready.push(s.ready(&sku, 1, "TEN").await);
    }
    let results = place_all(&shoppers, &ready).await;
    assert_eq!(results.iter().filter(|(s, _)| *s == 200).count(), 10);
    for (status, body) in results.iter().filter(|(s, _)| *s != 200) {
        assert_eq!(*status, 400, "{body}");
        assert!(body.contains("used up"), "{body}");
    }
    assert_eq!(
        count(
            &app,
            "select used_count::bigint from discount where code = 'TEN'"
        )
        .await,
        10
    );
    assert_eq!(
        count(&app, "select count(*) from discount_redemption").await,
        10
    );
    assert_eq!(
        stock(&app, &sku).await.1,
        10,
        "refused orders hold no stock"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn what_the_client_sends_about_money_is_ignored_and_bad_input_is_refused(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (sku, _) = app.sku_with_stock(5).await;
    let shopper = Shopper::new(&app);

    // No cart: nothing to check out.
    let r = shopper
        .call("checkout/contact", &[("email", "a@b.co")])
        .await;
    assert_eq!(r.status(), 400);
    shopper.add(&sku, 1).await;

    // Bad contact details, each with its message.
    for (field, value, message) in [
        ("email", "not-an-email", "valid email"),
        ("postal_code", "ABC", "postal code"),
        ("country", "ZZ", "ship to that country"),
        ("name", "", "fill in"),
    ] {
        let mut form = vec![
            ("email", "ana@example.com"),
            ("name", "Ana"),
            ("line1", "1 Main St"),
            ("line2", ""),
            ("city", "Paris"),
            ("postal_code", "75002"),
            ("country", "FR"),
            ("phone", ""),
        ];
        form.retain(|(k, _)| *k != field);
        form.push((field, value));
        let r = shopper.call("checkout/contact", &form).await;
        assert_eq!(r.status(), 400, "{field}");
        let body = r.text().await.unwrap();
        assert!(
            body.contains(message) && !body.contains("sqlx"),
            "{field}: {body}"
        );
    }
    shopper.address("ana@example.com", "FR", "75002").await;
    assert_eq!(shopper.shipping("teleport", "").await.status(), 400);
    assert_eq!(
        shopper.shipping("standard", "NOSUCHCODE").await.status(),
        400
    );
    let shipped = shopper.shipping("standard", "").await;
    assert!(shipped.status().is_success());
    let (key, fp, _) = shopper.review().await;

    // Extra fields with prices and totals are not even read; a bad key or method is refused.
    let r = shopper
        .call(
            "checkout/place",
            &[
                ("idempotency_key", "not-a-uuid"),
                ("fingerprint", &fp),
                ("payment_method", "manual"),
            ],
        )
        .await;
    assert_eq!(r.status(), 400);
    let r = shopper
        .call(
            "checkout/place",
            &[
                ("idempotency_key", &key),
                ("fingerprint", &fp),
                ("payment_method", "cash-in-envelope"),
            ],
        )
        .await;
    assert_eq!(r.status(), 400);
    // The cart changed after the review: the reviewed summary no longer holds.
    shopper.add(&sku, 1).await;
    let r = shopper.place(&key, &fp).await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("changed"));
    assert_eq!(count(&app, "select count(*) from customer_order").await, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn unpaid_card_reservations_expire_and_return_the_stock(pool: PgPool) {
    use app::domain::checkout::PaymentMethod;
    use backend::{checkout, orders};
    let app = spawn_app(pool).await;
    let (sku, _) = app.sku_with_stock(3).await;
    let shopper = Shopper::new(&app);
    let (key, fp) = shopper.ready(&sku, 2, "").await;
    let token: uuid::Uuid =
        sqlx::query_scalar("select token from cart order by cart_id desc limit 1")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let state = app.state.clone();
    let now = chrono::Utc::now();
    let placed = checkout::place_order(
        &state,
        backend::cart::CartOwner::Guest(Some(token)),
        key.parse().unwrap(),
        &fp,
        PaymentMethod::Card,
        now,
    )
    .await
    .expect("card order placed");
    assert_eq!(stock(&app, &sku).await.1, 2);

    // Within the 15 minutes nothing happens; after them the order is cancelled and the stock is back.
    assert_eq!(
        orders::expire_reservations(&state, now + chrono::Duration::minutes(14))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        orders::expire_reservations(&state, now + chrono::Duration::minutes(16))
            .await
            .unwrap(),
        1
    );
    assert_eq!(stock(&app, &sku).await.1, 0);
    let status: String =
        sqlx::query_scalar("select status::text from customer_order where number = $1")
            .bind(&placed.number)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(status, "cancelled");
    // Expiring again changes nothing.
    assert_eq!(
        orders::expire_reservations(&state, now + chrono::Duration::minutes(30))
            .await
            .unwrap(),
        0
    );
    assert_eq!(stock(&app, &sku).await.1, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn paying_sells_the_stock_and_cancelling_returns_it(pool: PgPool) {
    use app::domain::order::OrderStatus;
    use backend::order_state;
    let app = spawn_app(pool).await;
    let (sku, on_hand) = app.sku_with_stock(4).await;
    let shopper = Shopper::new(&app);
    let (key, fp) = shopper.ready(&sku, 2, "").await;
    assert_eq!(shopper.place(&key, &fp).await.status(), 200);
    let id: i64 = sqlx::query_scalar("select customer_order_id from customer_order")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let state = app.state.clone();
    assert!(
        order_state::transition(&state, id, OrderStatus::Shipped, None)
            .await
            .is_err(),
        "not before payment"
    );
    order_state::transition(&state, id, OrderStatus::Paid, None)
        .await
        .unwrap();
    assert_eq!(
        stock(&app, &sku).await,
        (on_hand - 2, 0),
        "sold: off the shelf, no longer reserved"
    );
    order_state::transition(&state, id, OrderStatus::Cancelled, Some("customer asked"))
        .await
        .unwrap();
    assert_eq!(stock(&app, &sku).await, (on_hand, 0), "back on the shelf");
    assert!(
        order_state::transition(&state, id, OrderStatus::Paid, None)
            .await
            .is_err(),
        "cancelled stays cancelled"
    );
    let events: i64 =
        sqlx::query_scalar("select count(*) from order_event where customer_order_id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(events, 3);
}
