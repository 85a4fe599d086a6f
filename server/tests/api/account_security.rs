//! Accounts beyond sign-in: password reset by emailed single-use link, password and email changes, the guest
//! cart joining the account's at sign-in, the address book, per-account limits, roles, and nobody reaching
//! another account's order, address or cart.

use crate::accounts::{account, browser, post, PASSWORD};
use crate::checkout::Shopper;
use crate::helpers::{smtp_sink, spawn_app, spawn_app_with, wait_for_mail, TestApp};
use reqwest::StatusCode;
use sqlx::PgPool;

fn unique(name: &str) -> String {
    format!("{name}-{}@example.com", uuid::Uuid::new_v4().simple())
}

pub async fn sign_up(app: &TestApp, client: &reqwest::Client, email: &str) {
    let (status, body) = post(
        app,
        client,
        "account/sign-up",
        &[("email", email), ("password", PASSWORD)],
    )
    .await;
    assert!(status.is_success(), "sign-up: {status} {body}");
}

pub async fn sign_in(
    app: &TestApp,
    client: &reqwest::Client,
    email: &str,
    password: &str,
) -> StatusCode {
    post(
        app,
        client,
        "account/sign-in",
        &[("email", email), ("password", password)],
    )
    .await
    .0
}

/// The reset link's token from the reset emails to `to`, once there are `n` (the last one read).
async fn reset_token(maildir: &std::path::Path, to: &str, n: usize) -> String {
    let mails = wait_for_mail(maildir, to, n).await;
    assert_eq!(mails.len(), n, "reset emails to {to}");
    let tokens: Vec<String> = mails
        .iter()
        .filter_map(|(_, text)| {
            let at = text.find("/account/reset?token=")? + "/account/reset?token=".len();
            Some(
                text[at..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                    .collect(),
            )
        })
        .collect();
    assert_eq!(tokens.len(), n, "every reset email has a link");
    tokens.last().unwrap().clone()
}

fn sink() -> std::path::PathBuf {
    smtp_sink()
        .expect("BAZAAR_TEST_SMTP and BAZAAR_TEST_MAILDIR are not set: scripts/test starts an SMTP sink")
        .1
}

#[sqlx::test(migrations = "../migrations")]
async fn a_password_reset_link_works_once_and_only_until_it_expires(pool: PgPool) {
    let maildir = sink();
    let app = spawn_app(pool).await;
    let ana = unique("ana");
    let old_session = browser();
    sign_up(&app, &old_session, &ana).await;

    // Asking for a link says the same for an account and for an unknown email; only the account gets mail.
    let nobody = unique("nobody");
    let (status_known, body_known) =
        post(&app, &browser(), "account/forgot", &[("email", &ana)]).await;
    let (status_unknown, body_unknown) =
        post(&app, &browser(), "account/forgot", &[("email", &nobody)]).await;
    assert_eq!((status_known, &body_known), (status_unknown, &body_unknown));
    assert!(status_known.is_success(), "{status_known} {body_known}");
    let token = reset_token(&maildir, &ana, 1).await;
    let stored: Vec<Vec<u8>> = sqlx::query_scalar("select token_hash from password_reset")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored.len(), 1, "one token, for the account only");
    assert_eq!(stored[0].len(), 32, "only the token's SHA-256 is stored");
    assert_ne!(stored[0], token.as_bytes());
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(
        crate::helpers::mail_to(&maildir, &nobody).is_empty(),
        "no mail for an unknown email"
    );

    // A tampered token, and a weak new password, are refused; neither uses the link up.
    let me = browser();
    let mut tampered = token.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    let (status, body) = post(
        &app,
        &me,
        "account/reset",
        &[("token", &tampered), ("password", "a brand new passphrase")],
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("invalid or has expired"), "{body}");
    let (status, _) = post(
        &app,
        &me,
        "account/reset",
        &[("token", &token), ("password", "short")],
    )
    .await;
    assert_eq!(status, 400);

    // The real one: a new password, every old session ended, and this browser signed in.
    let (status, body) = post(
        &app,
        &me,
        "account/reset",
        &[("token", &token), ("password", "a brand new passphrase")],
    )
    .await;
    assert!(status.is_success(), "{status} {body}");
    assert_eq!(account(&app, &me).await.0, 200);
    assert_eq!(account(&app, &old_session).await.0, 401, "old sessions end");
    assert_eq!(sign_in(&app, &browser(), &ana, PASSWORD).await, 401);
    assert!(sign_in(&app, &browser(), &ana, "a brand new passphrase")
        .await
        .is_success());

    // Used once: never again.
    let (status, _) = post(
        &app,
        &browser(),
        "account/reset",
        &[("token", &token), ("password", "yet another passphrase")],
    )
    .await;
    assert_eq!(status, 400);

    // A newer link that has expired (the clock moved past it) fails too.
    post(&app, &browser(), "account/forgot", &[("email", &ana)]).await;
    let mails = wait_for_mail(&maildir, &ana, 2).await;
    assert_eq!(mails.len(), 2);
    let fresh: i64 = sqlx::query_scalar(
        "update password_reset set expires_at = now() - interval '1 second' where used_at is null returning 1::bigint",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(fresh, 1);
    for (_, text) in &mails {
        let at = text.find("token=").unwrap() + 6;
        let t: String = text[at..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        let (status, _) = post(
            &app,
            &browser(),
            "account/reset",
            &[("token", &t), ("password", "yet another passphrase")],
        )
        .await;
        assert_eq!(status, 400, "used or expired: refused");
    }
    // The page for a bad link says so instead of showing the form.
    let page = app
        .get(&format!("/account/reset?token={tampered}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("reset-invalid") && !page.contains("reset-form"));
}

#[sqlx::test(migrations = "../migrations")]
async fn changing_the_password_or_email_needs_the_current_password(pool: PgPool) {
    let app = spawn_app(pool).await;
    let ana = unique("ana");
    let ana = ana.as_str();
    let here = browser();
    let elsewhere = browser();
    sign_up(&app, &here, ana).await;
    assert!(sign_in(&app, &elsewhere, ana, PASSWORD).await.is_success());
    sign_up(&app, &browser(), "bea@example.com").await;

    let change = |current: &'static str, new: &'static str| {
        let app = &app;
        let here = &here;
        async move {
            post(
                app,
                here,
                "account/password",
                &[("current_password", current), ("new_password", new)],
            )
            .await
        }
    };
    let (status, body) = change("not my password", "a brand new passphrase").await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("current password"), "{body}");
    let (status, _) = change(PASSWORD, "short").await;
    assert_eq!(status, 400);
    let (status, body) = change(PASSWORD, "a brand new passphrase").await;
    assert!(status.is_success(), "{status} {body}");
    assert_eq!(account(&app, &here).await.0, 200, "this session stays");
    assert_eq!(account(&app, &elsewhere).await.0, 401, "the others end");
    assert_eq!(sign_in(&app, &browser(), ana, PASSWORD).await, 401);

    // Email: needs the password, and cannot take another account's.
    let (status, _) = post(
        &app,
        &here,
        "account/email",
        &[("password", PASSWORD), ("email", "ana@new.example.com")],
    )
    .await;
    assert_eq!(status, 400, "the old password no longer works");
    let (status, body) = post(
        &app,
        &here,
        "account/email",
        &[
            ("password", "a brand new passphrase"),
            ("email", "BEA@example.com"),
        ],
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("Another account"), "{body}");
    let (status, _) = post(
        &app,
        &here,
        "account/email",
        &[
            ("password", "a brand new passphrase"),
            ("email", "ana@new.example.com"),
        ],
    )
    .await;
    assert!(status.is_success());
    assert_eq!(account(&app, &here).await.1["email"], "ana@new.example.com");
    assert!(sign_in(
        &app,
        &browser(),
        "ana@new.example.com",
        "a brand new passphrase"
    )
    .await
    .is_success());
    // Not signed in: nothing to change.
    let (status, _) = post(
        &app,
        &browser(),
        "account/password",
        &[
            ("current_password", PASSWORD),
            ("new_password", "a brand new passphrase"),
        ],
    )
    .await;
    assert_eq!(status, 401);

    // Both changes were told to the address the account had: one notice each.
    let mut subjects: Vec<String> = wait_for_mail(&sink(), ana, 2)
        .await
        .into_iter()
        .map(|(subject, _)| subject)
        .collect();
    subjects.sort();
    assert_eq!(
        subjects,
        [
            "Bazaar: your account's email was changed",
            "Bazaar: your password was changed"
        ]
    );
}

async fn cart_lines(shopper: &Shopper<'_>) -> Vec<(String, i64)> {
    let cart = shopper.ok("cart", &[]).await;
    cart["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["sku"].as_str().unwrap().to_string(),
                l["quantity"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn the_guest_cart_joins_the_accounts_cart_at_sign_in_capped_by_stock(pool: PgPool) {
    let app = spawn_app(pool).await;
    let skus: Vec<String> =
        sqlx::query_scalar("select sku from variant where available >= 10 order by sku limit 3")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    let (shared, guest_only, account_only) = (&skus[0], &skus[1], &skus[2]);

    // On her laptop Ana has 3 of `shared` and 1 of `account_only` in her account's cart.
    let laptop = Shopper::new(&app);
    sign_up(&app, &laptop.client, "ana@example.com").await;
    laptop.add(shared, 3).await;
    laptop.add(account_only, 1).await;

    // On her phone, as a guest, she puts 4 of `shared` and 2 of `guest_only` in a cart; then only 5 of `shared`
    // are left.
    let phone = Shopper::new(&app);
    phone.add(shared, 4).await;
    phone.add(guest_only, 2).await;
    app.set_stock(shared, 5).await;
    let guest_token: uuid::Uuid = sqlx::query_scalar(
        "select token from cart where customer_id is null order by cart_id desc limit 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();

    // Signing in on the phone: one cart, quantities added and capped by what is available.
    assert!(sign_in(&app, &phone.client, "ana@example.com", PASSWORD)
        .await
        .is_success());
    let mut merged = cart_lines(&phone).await;
    merged.sort();
    let mut expected = vec![
        (shared.clone(), 5),
        (guest_only.clone(), 2),
        (account_only.clone(), 1),
    ];
    expected.sort();
    assert_eq!(merged, expected);
    let mut on_laptop = cart_lines(&laptop).await;
    on_laptop.sort();
    assert_eq!(on_laptop, expected, "the same cart on every device");
    let carts: i64 = sqlx::query_scalar("select count(*) from cart")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(carts, 1, "the guest cart is gone");

    // Signed out, the phone's browser has no cart; the old guest token reaches nothing.
    let (status, _) = post(&app, &phone.client, "account/sign-out", &[]).await;
    assert!(status.is_success());
    assert!(cart_lines(&phone).await.is_empty());
    let stranger = reqwest::Client::new();
    let cart: serde_json::Value = stranger
        .post(app.url("/api/cart"))
        .header("accept", "application/json")
        .header("cookie", format!("bazaar_cart={guest_token}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(cart["lines"].as_array().unwrap().len(), 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_cart_token_never_reaches_an_accounts_cart(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (sku, _) = app.sku_with_stock(3).await;
    // Ana fills a cart as a guest and signs up: the cart becomes her account's (same row, same token).
    let ana = Shopper::new(&app);
    ana.add(&sku, 2).await;
    let token: uuid::Uuid = sqlx::query_scalar("select token from cart")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    sign_up(&app, &ana.client, "ana@example.com").await;
    let owner: Option<i64> = sqlx::query_scalar("select customer_id from cart where token = $1")
        .bind(token)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(owner.is_some());
    assert_eq!(cart_lines(&ana).await.len(), 1);

    // Bea, signed in, and a guest, both holding Ana's cart token, see and change nothing of it.
    let bea = Shopper::new(&app);
    sign_up(&app, &bea.client, "bea@example.com").await;
    for client in [&bea.client, &reqwest::Client::new()] {
        let call = |endpoint: &'static str, form: Vec<(&'static str, String)>| {
            client
                .post(app.url(&format!("/api/{endpoint}")))
                .header("accept", "application/json")
                .header("cookie", format!("bazaar_cart={token}"))
                .form(&form)
                .send()
        };
        let cart: serde_json::Value = call("cart", vec![]).await.unwrap().json().await.unwrap();
        assert_eq!(cart["lines"].as_array().unwrap().len(), 0);
        let r = call("cart/remove", vec![("sku", sku.clone())])
            .await
            .unwrap();
        assert!(r.status().is_success());
    }
    assert_eq!(
        cart_lines(&ana).await,
        vec![(sku.clone(), 2)],
        "Ana's cart is untouched"
    );
}

pub fn address_form(name: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![
        ("name", name),
        ("line1", "1 rue de Rivoli"),
        ("line2", ""),
        ("city", "Paris"),
        ("postal_code", "75001"),
        ("country", "FR"),
        ("phone", "+33 1 23 45 67 89"),
    ]
}

#[sqlx::test(migrations = "../migrations")]
async fn the_address_book_is_sealed_and_only_its_owner_reaches_it(pool: PgPool) {
    let app = spawn_app(pool).await;
    let ana = browser();
    let bea = browser();
    sign_up(&app, &ana, "ana@example.com").await;
    sign_up(&app, &bea, "bea@example.com").await;

    let (status, body) = post(
        &app,
        &ana,
        "account/addresses/save",
        &address_form("Ana Lovelace"),
    )
    .await;
    assert!(status.is_success(), "{status} {body}");
    let first: i64 = body.parse().unwrap();
    let mut second_form = address_form("Ana at work");
    second_form.push(("make_default", "true"));
    let (_, body) = post(&app, &ana, "account/addresses/save", &second_form).await;
    let second: i64 = body.parse().unwrap();
    let (status, body) = post(&app, &ana, "account/addresses", &[]).await;
    assert_eq!(status, 200);
    let list: serde_json::Value = serde_json::from_str(&body).unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["id"], second, "the default comes first");
    assert_eq!(list[0]["is_default"], true);
    assert_eq!(list[1]["address"]["name"], "Ana Lovelace");

    // Bad input is refused field by field.
    let mut bad = address_form("Ana");
    bad[4] = ("postal_code", "ABC");
    let (status, body) = post(&app, &ana, "account/addresses/save", &bad).await;
    assert_eq!(status, 400, "{body}");

    // Bea cannot see, change, remove or promote Ana's addresses: not found, and nothing changes.
    let (_, body) = post(&app, &bea, "account/addresses", &[]).await;
    assert_eq!(body, "[]");
    let first_id = first.to_string();
    let mut edit = address_form("Mallory");
    edit.push(("id", &first_id));
    assert_eq!(
        post(&app, &bea, "account/addresses/save", &edit).await.0,
        404
    );
    assert_eq!(
        post(&app, &bea, "account/addresses/delete", &[("id", &first_id)])
            .await
            .0,
        404
    );
    assert_eq!(
        post(
            &app,
            &bea,
            "account/addresses/default",
            &[("id", &first_id)]
        )
        .await
        .0,
        404
    );
    assert_eq!(
        post(&app, &browser(), "account/addresses", &[]).await.0,
        401,
        "signed out"
    );
    let names: Vec<String> = {
        let (_, body) = post(&app, &ana, "account/addresses", &[]).await;
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|a| a["address"]["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names, ["Ana at work", "Ana Lovelace"]);

    // Ana can: edit, remove (the default: the other one takes its place), make default.
    let mut edit = address_form("Ana L.");
    edit.push(("id", &first_id));
    assert!(post(&app, &ana, "account/addresses/save", &edit)
        .await
        .0
        .is_success());
    assert!(post(
        &app,
        &ana,
        "account/addresses/delete",
        &[("id", &second.to_string())]
    )
    .await
    .0
    .is_success());

    // Removing the default made the remaining one the default.
    let (_, body) = post(&app, &ana, "account/addresses", &[]).await;
    let left: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(left[0]["is_default"], true, "{left}");
    assert!(post(
        &app,
        &ana,
        "account/addresses/default",
        &[("id", &first_id)]
    )
    .await
    .0
    .is_success());

    // At rest: sealed, no name, street or phone in clear.
    let sealed: Vec<Vec<u8>> = sqlx::query_scalar("select address_enc from customer_address")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(sealed.len(), 1);
    for word in ["Ana", "Rivoli", "Paris", "23 45"] {
        assert!(
            !sealed[0].windows(word.len()).any(|w| w == word.as_bytes()),
            "customer_address holds {word:?} in clear"
        );
    }

    // Checkout starts from the account's email and default address.
    let (sku, _) = app.sku_with_stock(1).await;
    let shopper = Shopper {
        app: &app,
        client: ana.clone(),
    };
    shopper.add(&sku, 1).await;
    let checkout = shopper.ok("checkout", &[]).await;
    assert_eq!(checkout["account_email"], "ana@example.com");
    assert_eq!(checkout["saved_address"]["name"], "Ana L.");
}

#[sqlx::test(migrations = "../migrations")]
async fn nobody_reaches_another_accounts_order(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (sku, _) = app.sku_with_stock(1).await;
    let ana = Shopper::new(&app);
    sign_up(&app, &ana.client, "ana@example.com").await;
    let (key, fp) = ana.ready(&sku, 1, "").await;
    let placed: serde_json::Value = ana.place(&key, &fp).await.json().await.unwrap();
    let number = placed["number"].as_str().unwrap();
    let bea = browser();
    sign_up(&app, &bea, "bea@example.com").await;
    // Signed in or not, with no key or a wrong one: 404, from the API and the page.
    for client in [&bea, &browser()] {
        for key in ["", "not-the-key"] {
            let (status, body) =
                post(&app, client, "order", &[("number", number), ("key", key)]).await;
            assert_eq!(status, 404, "{body}");
            let page = client
                .get(app.url(&format!("/orders/{number}?key={key}")))
                .send()
                .await
                .unwrap();
            assert_eq!(page.status(), 404);
        }
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn sign_in_attempts_are_limited_per_account_whatever_the_address(pool: PgPool) {
    // 9 an hour: bursts of 3. Per-IP limits stay off, as if each try came from another address.
    let app = spawn_app_with(
        pool,
        &[
            ("BAZAAR_RATE_LIMIT_SIGN_IN_PER_ACCOUNT_PER_HOUR", "9"),
            ("BAZAAR_RATE_LIMIT_RESET_PER_ACCOUNT_PER_HOUR", "3"),
        ],
    )
    .await;
    sign_up(&app, &browser(), "ben@example.com").await;
    // Ana has no account: the count is per email all the same, so it says nothing about which emails exist.
    for _ in 0..3 {
        assert_eq!(
            sign_in(&app, &browser(), "ana@example.com", "wrong password!").await,
            401
        );
    }
    let r = browser()
        .post(app.url("/api/account/sign-in"))
        .header("accept", "application/json")
        .form(&[
            ("email", "ANA@example.com"),
            ("password", "wrong password!"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    assert!(r.headers().get("retry-after").is_some());
    // Another account is unaffected.
    assert!(sign_in(&app, &browser(), "ben@example.com", PASSWORD)
        .await
        .is_success());
    // Reset emails: one burst, then 429.
    assert!(post(
        &app,
        &browser(),
        "account/forgot",
        &[("email", "ben@example.com")]
    )
    .await
    .0
    .is_success());
    assert_eq!(
        post(
            &app,
            &browser(),
            "account/forgot",
            &[("email", "ben@example.com")]
        )
        .await
        .0,
        429
    );
}

pub async fn role(app: &TestApp, email: &str, role: &str) {
    sqlx::query("update customer set role = $2::customer_role where email = $1")
        .bind(email)
        .bind(role)
        .execute(&app.pool)
        .await
        .unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn staff_run_the_shop_and_only_admins_manage_roles(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (customer, staff, admin) = (browser(), browser(), browser());
    sign_up(&app, &customer, "carl@example.com").await;
    sign_up(&app, &staff, "stan@example.com").await;
    sign_up(&app, &admin, "ada@example.com").await;
    role(&app, "stan@example.com", "staff").await;
    role(&app, "ada@example.com", "admin").await;

    // The overview: staff and admins; customers 403; visitors 401. The page follows suit.
    assert_eq!(post(&app, &browser(), "admin/overview", &[]).await.0, 401);
    assert_eq!(post(&app, &customer, "admin/overview", &[]).await.0, 403);
    let (status, body) = post(&app, &staff, "admin/overview", &[]).await;
    assert_eq!(status, 200, "{body}");
    let overview: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(overview["accounts"], 3);
    assert_eq!(overview["role"], "Staff");
    let page = |client: &reqwest::Client| {
        let url = app.url("/admin");
        let client = client.clone();
        async move { client.get(url).send().await.unwrap() }
    };
    assert_eq!(page(&customer).await.status(), 403);
    let staff_page = page(&staff).await;
    assert_eq!(staff_page.status(), 200);
    let html = staff_page.text().await.unwrap();
    assert!(html.contains("admin-overview") && !html.contains("role-form"));
    assert!(page(&admin)
        .await
        .text()
        .await
        .unwrap()
        .contains("role-form"));

    // Roles: admin-only, checked on the server whatever the page shows.
    let promote = [("email", "carl@example.com"), ("role", "staff")];
    assert_eq!(post(&app, &staff, "admin/role", &promote).await.0, 403);
    assert_eq!(post(&app, &customer, "admin/role", &promote).await.0, 403);
    let carl_role: String =
        sqlx::query_scalar("select role::text from customer where email = 'carl@example.com'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(carl_role, "customer");
    let (status, body) = post(&app, &admin, "admin/role", &promote).await;
    assert!(status.is_success(), "{status} {body}");
    assert_eq!(
        post(&app, &customer, "admin/overview", &[]).await.0,
        200,
        "Carl is staff now"
    );
    // An admin cannot demote themself (someone must be left to manage roles).
    let (status, _) = post(
        &app,
        &admin,
        "admin/role",
        &[("email", "ada@example.com"), ("role", "customer")],
    )
    .await;
    assert_eq!(status, 400);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_first_admin_comes_from_the_command_line(pool: PgPool) {
    use std::io::Write;
    let url = crate::helpers::database_url(&pool);
    let run = |email: &str, stdin: &str| {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .args(["create-admin", "--email", email])
            .env("DATABASE_URL", &url)
            .env("BAZAAR_LOG_FORMAT", "json")
            .env("BAZAAR_RUN_MIGRATIONS", "false")
            .env("RUST_LOG", "warn")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("server binary");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let out = run("boss@shop.test", "the boss passphrase\n");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run("weak@shop.test", "short\n");
    assert!(!out.status.success(), "a weak password is refused");

    let app = spawn_app(pool).await;
    let boss = browser();
    assert!(
        sign_in(&app, &boss, "boss@shop.test", "the boss passphrase")
            .await
            .is_success()
    );
    let (status, body) = post(&app, &boss, "admin/overview", &[]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&body).unwrap()["role"],
        "Admin"
    );

    // An existing account is promoted and keeps its password.
    sign_up(&app, &browser(), "later@shop.test").await;
    let out = run("later@shop.test", "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let later = browser();
    assert!(sign_in(&app, &later, "later@shop.test", PASSWORD)
        .await
        .is_success());
    assert_eq!(post(&app, &later, "admin/overview", &[]).await.0, 200);
}
