//! Customers in the back office: staff find an account and its orders; its saved addresses stay masked until
//! opened, and each opening is in the audit log; admins disable an account (signed out everywhere, no sign-in,
//! no reset link) and enable it again, and send password-reset links.

use crate::account_security::{address_form, sign_in};
use crate::accounts::{account, post, PASSWORD};
use crate::admin::{cast, ok};
use crate::checkout::count;
use crate::helpers::{smtp_sink, spawn_app, wait_for_mail};
use reqwest::StatusCode;
use sqlx::PgPool;

async fn id_of(pool: &PgPool, email: &str) -> String {
    let id: i64 =
        sqlx::query_scalar("select customer_id from customer where email = $1::text::citext")
            .bind(email)
            .fetch_one(pool)
            .await
            .unwrap();
    id.to_string()
}

#[sqlx::test(migrations = "../migrations")]
async fn staff_find_a_customer_whose_addresses_open_only_on_request_and_audited(pool: PgPool) {
    let app = spawn_app(pool).await;
    let cast = cast(&app).await;
    let (status, body) = post(
        &app,
        &cast.customer,
        "account/addresses/save",
        &address_form("Carl Nielsen"),
    )
    .await;
    assert!(status.is_success(), "{body}");
    let carl = id_of(&app.pool, "carl@example.com").await;

    let list = ok(
        &app,
        &cast.staff,
        "admin/customers",
        &[("q", "CARL@"), ("state", "active")],
    )
    .await;
    assert_eq!(list["customers"].as_array().unwrap().len(), 1);
    assert_eq!(list["customers"][0]["email"], "carl@example.com");
    let list = ok(&app, &cast.staff, "admin/customers", &[("role", "admin")]).await;
    assert_eq!(list["customers"][0]["email"], "ada@example.com");

    let masked = ok(
        &app,
        &cast.staff,
        "admin/customer",
        &[("customer_id", &carl)],
    )
    .await;
    let text = masked.to_string();
    assert!(masked["addresses"][0]["address"].is_null());
    assert_eq!(masked["addresses"][0]["masked"], "C••• · 75••• · France");
    assert!(
        !text.contains("Rivoli") && !text.contains("Nielsen") && !text.contains("75001"),
        "{text}"
    );
    assert_eq!(
        count(&app, "select count(*) from audit_log").await,
        0,
        "reading masked is not audited"
    );

    let opened = ok(
        &app,
        &cast.staff,
        "admin/customer",
        &[("customer_id", &carl), ("reveal", "addresses")],
    )
    .await;
    assert_eq!(opened["revealed"], true);
    assert_eq!(
        opened["addresses"][0]["address"]["line1"],
        "1 rue de Rivoli"
    );
    let (action, actor, entity): (String, String, String) =
        sqlx::query_as("select action, actor_email::text, entity_id from audit_log")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        (action.as_str(), actor.as_str(), entity),
        ("customer.open_addresses", "stan@example.com", carl)
    );

    let (status, _) = post(
        &app,
        &cast.staff,
        "admin/customer",
        &[("customer_id", "987654")],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_disabled_account_is_signed_out_and_cannot_sign_in_until_enabled(pool: PgPool) {
    let app = spawn_app(pool).await;
    let cast = cast(&app).await;
    let carl = id_of(&app.pool, "carl@example.com").await;
    assert_eq!(account(&app, &cast.customer).await.0, StatusCode::OK);

    ok(
        &app,
        &cast.admin,
        "admin/customer/act",
        &[("customer_id", &carl), ("action", "disable")],
    )
    .await;
    // Signed out at once, everywhere; the right password is refused like a wrong one.
    assert_eq!(
        account(&app, &cast.customer).await.0,
        StatusCode::UNAUTHORIZED
    );
    let again = crate::accounts::browser();
    assert_eq!(
        sign_in(&app, &again, "carl@example.com", PASSWORD).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(count(&app, "select count(*) from customer_session s join customer c using (customer_id) where c.email = 'carl@example.com'").await, 0);
    // No reset link for a disabled account, whoever asks.
    let (status, body) = post(
        &app,
        &cast.admin,
        "admin/customer/act",
        &[("customer_id", &carl), ("action", "send_password_reset")],
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    // An admin cannot lock themselves out.
    let ada = id_of(&app.pool, "ada@example.com").await;
    let (status, _) = post(
        &app,
        &cast.admin,
        "admin/customer/act",
        &[("customer_id", &ada), ("action", "disable")],
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);

    ok(
        &app,
        &cast.admin,
        "admin/customer/act",
        &[("customer_id", &carl), ("action", "enable")],
    )
    .await;
    assert_eq!(
        sign_in(&app, &again, "carl@example.com", PASSWORD).await,
        StatusCode::OK
    );
    let actions: Vec<String> =
        sqlx::query_scalar("select action from audit_log order by audit_log_id")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(actions, ["customer.disable", "customer.enable"]);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_admin_sends_a_password_reset_link(pool: PgPool) {
    let app = spawn_app(pool).await;
    let cast = cast(&app).await;
    let carl = id_of(&app.pool, "carl@example.com").await;
    ok(
        &app,
        &cast.admin,
        "admin/customer/act",
        &[("customer_id", &carl), ("action", "send_password_reset")],
    )
    .await;
    assert_eq!(
        count(
            &app,
            "select count(*) from job where kind = 'account.password_reset'"
        )
        .await,
        1
    );
    if let Some((_, maildir)) = smtp_sink() {
        let mails = wait_for_mail(&maildir, "carl@example.com", 1).await;
        assert!(mails
            .iter()
            .any(|(_, text)| text.contains("/account/reset?token=")));
    }
}
