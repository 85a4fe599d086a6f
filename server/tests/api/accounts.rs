//! Accounts through their API: sign-up and sign-in, one answer for every failed sign-in, a fresh session at each
//! sign-in (no fixation), idle expiry, sign-out here and everywhere, and order history that is the account's own.

use crate::checkout::Shopper;
use crate::helpers::{spawn_app, TestApp};
use reqwest::StatusCode;
use sqlx::PgPool;

pub const PASSWORD: &str = "correct horse battery";

/// A browser of its own (its own cookies).
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .unwrap()
}

pub async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    endpoint: &str,
    form: &[(&str, &str)],
) -> (StatusCode, String) {
    let r = client
        .post(app.url(&format!("/api/{endpoint}")))
        .header("accept", "application/json")
        .form(form)
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

/// Ana's email and password, to sign up or in.
async fn as_ana(app: &TestApp, client: &reqwest::Client, endpoint: &str) -> (StatusCode, String) {
    post(
        app,
        client,
        endpoint,
        &[("email", "ana@example.com"), ("password", PASSWORD)],
    )
    .await
}

pub async fn account(app: &TestApp, client: &reqwest::Client) -> (StatusCode, serde_json::Value) {
    let (status, body) = post(app, client, "account", &[]).await;
    (status, serde_json::from_str(&body).unwrap_or_default())
}

fn session_cookie(r: &reqwest::Response) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("bazaar_session="))
        .map(str::to_owned)
}

#[sqlx::test(migrations = "../migrations")]
async fn sign_up_sign_in_and_sign_out(pool: PgPool) {
    let app = spawn_app(pool).await;
    let me = browser();
    let response = me
        .post(app.url("/api/account/sign-up"))
        .header("accept", "application/json")
        .form(&[("email", "Ana@Example.com"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    let cookie = session_cookie(&response).expect("a session cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let (status, view) = account(&app, &me).await;
    assert_eq!(status, 200);
    // As typed (the domain in lower case); matched without regard to case below.
    assert_eq!(view["email"], "Ana@example.com");

    // The password is stored as an Argon2id hash only.
    let stored: String = sqlx::query_scalar("select password_hash from customer")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(stored.starts_with("$argon2id$") && !stored.contains(PASSWORD));

    // Weak passwords and a taken email are refused with reasons.
    let (status, body) = post(
        &app,
        &browser(),
        "account/sign-up",
        &[("email", "b@example.com"), ("password", "short")],
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let (status, _) = as_ana(&app, &browser(), "account/sign-up").await;
    assert_eq!(status, 409);

    let (status, _) = post(&app, &me, "account/sign-out", &[]).await;
    assert!(status.is_success());
    assert_eq!(account(&app, &me).await.0, 401);

    let again = browser();
    let (status, _) = as_ana(&app, &again, "account/sign-in").await;
    assert!(status.is_success());
    assert_eq!(account(&app, &again).await.0, 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_failed_sign_in_says_the_same_for_an_unknown_email_and_a_wrong_password(pool: PgPool) {
    let app = spawn_app(pool).await;
    as_ana(&app, &browser(), "account/sign-up").await;
    let wrong_password = post(
        &app,
        &browser(),
        "account/sign-in",
        &[
            ("email", "ana@example.com"),
            ("password", "not the password"),
        ],
    )
    .await;
    let unknown_email = post(
        &app,
        &browser(),
        "account/sign-in",
        &[
            ("email", "nobody@example.com"),
            ("password", "not the password"),
        ],
    )
    .await;
    assert_eq!(wrong_password.0, 401);
    assert_eq!(wrong_password, unknown_email);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_session_id_planted_before_sign_in_is_never_signed_in(pool: PgPool) {
    let app = spawn_app(pool).await;
    as_ana(&app, &browser(), "account/sign-up").await;
    let planted = "attacker-chosen-session-value-0123456789";
    let victim = reqwest::Client::builder().build().unwrap();
    let response = victim
        .post(app.url("/api/account/sign-in"))
        .header("accept", "application/json")
        .header("cookie", format!("bazaar_session={planted}"))
        .form(&[("email", "ana@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    let issued = session_cookie(&response).unwrap();
    assert!(!issued.contains(planted), "a new id is issued at sign-in");
    let attacker = victim
        .post(app.url("/api/account"))
        .header("accept", "application/json")
        .header("cookie", format!("bazaar_session={planted}"))
        .send()
        .await
        .unwrap();
    assert_eq!(attacker.status(), 401);
}

#[sqlx::test(migrations = "../migrations")]
async fn idle_sessions_end_and_sign_out_everywhere_ends_them_all(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (phone, laptop) = (browser(), browser());
    as_ana(&app, &phone, "account/sign-up").await;
    as_ana(&app, &laptop, "account/sign-in").await;
    assert_eq!(account(&app, &phone).await.0, 200);
    assert_eq!(account(&app, &laptop).await.0, 200);
    post(&app, &phone, "account/sign-out", &[("everywhere", "true")]).await;
    assert_eq!(account(&app, &phone).await.0, 401);
    assert_eq!(
        account(&app, &laptop).await.0,
        401,
        "the other device is signed out too"
    );

    let tablet = browser();
    as_ana(&app, &tablet, "account/sign-in").await;
    assert_eq!(account(&app, &tablet).await.0, 200);
    // Eight days without a request (the idle limit is seven).
    sqlx::query("update customer_session set last_seen_at = now() - interval '8 days'")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(account(&app, &tablet).await.0, 401);
}

#[sqlx::test(migrations = "../migrations")]
async fn order_history_shows_only_the_accounts_own_orders(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (sku, _) = app.sku_with_stock(3).await;
    // Ana signs up, then checks out in the same browser.
    let ana = Shopper::new(&app);
    let (status, _) = as_ana(&app, &ana.client, "account/sign-up").await;
    assert!(status.is_success());
    let (key, fp) = ana.ready(&sku, 1, "").await;
    let placed: serde_json::Value = ana.place(&key, &fp).await.json().await.unwrap();
    // A guest's order, and Bea's account.
    let guest = Shopper::new(&app);
    let (key, fp) = guest.ready(&sku, 1, "").await;
    assert!(guest.place(&key, &fp).await.status().is_success());
    let bea = browser();
    post(
        &app,
        &bea,
        "account/sign-up",
        &[("email", "bea@example.com"), ("password", PASSWORD)],
    )
    .await;

    let (status, view) = account(&app, &ana.client).await;
    assert_eq!(status, 200);
    let orders = view["orders"].as_array().unwrap();
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0]["number"], placed["number"]);
    let link = orders[0]["link"].as_str().unwrap();
    assert_eq!(
        app.get(link).await.status(),
        200,
        "the history links to the order"
    );
    let (_, view) = account(&app, &bea).await;
    assert_eq!(
        view["orders"].as_array().unwrap().len(),
        0,
        "Bea sees none of Ana's"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_sixth_quick_sign_in_from_one_address_waits_and_others_do_not(pool: PgPool) {
    let app = crate::helpers::spawn_app_with(
        pool,
        &[
            ("BAZAAR_RATE_LIMIT_SIGN_IN_PER_MINUTE", "5"),
            ("BAZAAR_TRUSTED_PROXIES", "127.0.0.1"),
        ],
    )
    .await;
    let attempt = |ip: &'static str| {
        app.client
            .post(app.url("/api/account/sign-in"))
            .header("accept", "application/json")
            .header("x-forwarded-for", ip)
            .form(&[("email", "ana@example.com"), ("password", "guess number n")])
            .send()
    };
    for _ in 0..5 {
        assert_eq!(attempt("203.0.113.50").await.unwrap().status(), 401);
    }
    let limited = attempt("203.0.113.50").await.unwrap();
    assert_eq!(limited.status(), 429);
    assert!(limited.headers().contains_key("retry-after"));
    assert_eq!(
        attempt("198.51.100.60").await.unwrap().status(),
        401,
        "another address is unaffected"
    );
}
