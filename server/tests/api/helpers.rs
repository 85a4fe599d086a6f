use server::config::Config;
use sqlx::PgPool;
use std::net::SocketAddr;

pub struct TestApp {
    pub addr: SocketAddr,
    pub client: reqwest::Client,
    /// The test's own pool, for arranging and checking rows.
    pub pool: PgPool,
    /// The app's state, for tests that drive a service directly (with a clock of their own).
    pub state: backend::AppState,
    /// The app's live stock streams, for tests of the drain.
    pub live_stock: server::http::live_stock::LiveStock,
    _media: TempDir,
    _running: StopOnDrop,
}

/// Stops the app's server, job worker and page-cache listener when the test ends. Left running, a LISTEN
/// connection kept the test's pool from closing (sqlx waited 10 s, then gave up) and its database from being
/// dropped.
struct StopOnDrop(Vec<tokio::task::JoinHandle<()>>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        for task in &self.0 {
            task.abort();
        }
    }
}

/// A pool of the app's own on the test's database, sized like production's. The pool `#[sqlx::test]` hands a
/// test has five connections, borrowed from a master pool that every running test shares: too few for a page
/// that reads several things at once while the job worker holds its LISTEN connection and claims jobs.
fn app_pool(test_pool: &PgPool, max: u32) -> PgPool {
    sqlx::postgres::PgPoolOptions::new()
        .max_connections(max)
        .acquire_timeout(std::time::Duration::from_secs(10))
        .connect_lazy_with((*test_pool.connect_options()).clone())
}

pub const STRIPE_PUBLISHABLE_KEY: &str = "pk_test_bazaar";
/// The tests' data key (32 bytes of 0x42); production keys come from the environment.
pub const TEST_DATA_KEYS: &str = "1:QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=";
pub const STRIPE_WEBHOOK_SECRET: &str = "whsec_test_bazaar";

/// The local Stripe-compatible server (localstripe) that scripts/test starts, if any.
pub fn stripe_url() -> Option<String> {
    std::env::var("BAZAAR_TEST_STRIPE_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

/// The local S3-compatible server (moto) that scripts/test starts; the S3 image test fails clearly without it.
pub fn require_s3() -> String {
    std::env::var("BAZAAR_TEST_S3_URL")
        .ok()
        .filter(|u| !u.is_empty())
        .expect("BAZAAR_TEST_S3_URL is not set: the S3 image test needs moto (scripts/test starts one and sets it)")
}

/// The same, for tests that pay by card: they fail with a clear message when it is missing.
pub fn require_stripe() -> String {
    stripe_url().expect(
        "BAZAAR_TEST_STRIPE_URL is not set: card tests need localstripe (scripts/test starts one and sets it)",
    )
}

/// What the provider's script does in the browser: turns card details into a one-time token (`tok_…`), using
/// only the publishable key.
pub async fn card_token(number: &str) -> String {
    let response = anonymous_client()
        .post(format!("{}/v1/tokens", require_stripe()))
        .form(&[
            ("key", STRIPE_PUBLISHABLE_KEY),
            ("card[number]", number),
            ("card[exp_month]", "12"),
            ("card[exp_year]", "2034"),
            ("card[cvc]", "123"),
        ])
        .send()
        .await
        .expect("localstripe answers");
    let body: serde_json::Value = response.json().await.expect("a token");
    body["id"].as_str().expect("token id").to_string()
}

/// The SMTP sink (aiosmtpd) that scripts/test starts: its address and the Maildir it writes every message to.
pub fn smtp_sink() -> Option<(String, std::path::PathBuf)> {
    let addr = std::env::var("BAZAAR_TEST_SMTP")
        .ok()
        .filter(|a| !a.is_empty())?;
    let dir = std::env::var("BAZAAR_TEST_MAILDIR")
        .ok()
        .filter(|d| !d.is_empty())?;
    Some((addr, dir.into()))
}

/// Messages the sink received for `to`, decoded: (subject, plain text body).
pub fn mail_to(dir: &std::path::Path, to: &str) -> Vec<(String, String)> {
    use mailparse::MailHeaderMap;
    let mut found = Vec::new();
    for sub in ["new", "cur"] {
        let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        for entry in entries.flatten() {
            let raw = std::fs::read(entry.path()).unwrap();
            let Ok(mail) = mailparse::parse_mail(&raw) else {
                continue;
            };
            let recipient = mail.headers.get_first_value("To").unwrap_or_default();
            if !recipient.contains(to) {
                continue;
            }
            let subject = mail.headers.get_first_value("Subject").unwrap_or_default();
            let text = mail
                .subparts
                .iter()
                .find(|p| p.ctype.mimetype == "text/plain")
                .and_then(|p| p.get_body().ok())
                .unwrap_or_default();
            found.push((subject, text));
        }
    }
    found
}

pub async fn wait_for_mail(dir: &std::path::Path, to: &str, n: usize) -> Vec<(String, String)> {
    for _ in 0..300 {
        let found = mail_to(dir, to);
        if found.len() >= n {
            return found;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    mail_to(dir, to)
}

/// The test database's URL, for a server or worker process of its own.
pub fn database_url(pool: &PgPool) -> String {
    let base = std::env::var("DATABASE_URL").expect("DATABASE_URL");
    let name = pool.connect_options().get_database().unwrap().to_string();
    let (server, _) = base.rsplit_once('/').expect("a database URL");
    format!("{server}/{name}")
}

/// A folder removed when the test ends.
pub struct TempDir(pub std::path::PathBuf);
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Loads the demo catalog into the test's database and serves the app on a free port.
pub async fn spawn_app(pool: PgPool) -> TestApp {
    spawn_app_with(pool, &[]).await
}

/// The same, with some settings of the test's own (`BAZAAR_*` name, value).
pub async fn spawn_app_with(pool: PgPool, settings: &[(&str, &str)]) -> TestApp {
    let media =
        TempDir(std::env::temp_dir().join(format!("bazaar-test-media-{}", uuid::Uuid::new_v4())));
    let stripe = stripe_url();
    let smtp = smtp_sink();
    let mail_dir = media.0.join("mail");
    let config = Config::from_lookup(|name| {
        if let Some((_, value)) = settings.iter().find(|(k, _)| *k == name) {
            return Some(value.to_string());
        }
        match name {
            // Email to the SMTP sink when scripts/test started one, else to files.
            "BAZAAR_SMTP_HOST" => smtp
                .as_ref()
                .map(|(addr, _)| addr.split(':').next().unwrap_or("127.0.0.1").into()),
            "BAZAAR_SMTP_PORT" => smtp
                .as_ref()
                .map(|(addr, _)| addr.rsplit(':').next().unwrap_or("25").into()),
            "BAZAAR_SMTP_TLS" => Some("none".into()),
            "BAZAAR_MAIL_DIR" => Some(mail_dir.display().to_string()),
            "BAZAAR_STAFF_EMAIL" => Some("staff@shop.test".into()),
            "BAZAAR_DATA_KEYS" => Some(TEST_DATA_KEYS.into()),
            // Quick retries and polling, so tests of retries and delayed jobs take milliseconds.
            "BAZAAR_JOB_POLL_MS" => Some("50".into()),
            "BAZAAR_JOB_BACKOFF_BASE_MS" => Some("20".into()),
            // Every test client is 127.0.0.1: rate limits are off unless a test sets them.
            "BAZAAR_RATE_LIMIT_PER_MINUTE"
            | "BAZAAR_RATE_LIMIT_ORDERS_PER_MINUTE"
            | "BAZAAR_RATE_LIMIT_SIGN_IN_PER_MINUTE"
            | "BAZAAR_RATE_LIMIT_SIGN_IN_PER_ACCOUNT_PER_HOUR"
            | "BAZAAR_RATE_LIMIT_RESET_PER_ACCOUNT_PER_HOUR"
            | "BAZAAR_RATE_LIMIT_ORDERS_PER_ACCOUNT_PER_HOUR" => Some("0".into()),
            "DATABASE_URL" => Some("postgres://unused".into()),
            "BAZAAR_MEDIA_DIR" => Some(media.0.display().to_string()),
            "BAZAAR_PUBLIC_URL" => Some("http://shop.test".into()),
            // Cards through localstripe when scripts/test started one.
            "BAZAAR_STRIPE_API_BASE" | "BAZAAR_STRIPE_SCRIPT_URL" => stripe.clone().map(|url| {
                if name.ends_with("SCRIPT_URL") {
                    format!("{url}/js.stripe.com/v3/")
                } else {
                    url
                }
            }),
            "BAZAAR_STRIPE_SECRET_KEY" => stripe.as_ref().map(|_| "sk_test_bazaar".into()),
            "BAZAAR_STRIPE_PUBLISHABLE_KEY" => {
                stripe.as_ref().map(|_| STRIPE_PUBLISHABLE_KEY.into())
            }
            "BAZAAR_STRIPE_WEBHOOK_SECRET" => stripe.as_ref().map(|_| STRIPE_WEBHOOK_SECRET.into()),
            _ => None,
        }
    })
    .expect("test config");
    server::seed::load_demo(&pool, &config.media_dir)
        .await
        .expect("demo catalog loads");

    let options = leptos::config::LeptosOptions::builder()
        .output_name("bazaar")
        .site_root("target/site")
        .build();
    let primary = app_pool(&pool, 16);
    let mut state =
        server::startup::state_from_pools(primary.clone(), primary, &config).expect("test state");
    state.checkout_pool = app_pool(&pool, 8);
    // Background jobs run as they do in `serve`: in the app's process.
    let worker = server::startup::job_worker(&config, state.clone()).expect("job worker");
    let worker = tokio::spawn(async move {
        if let Err(e) = worker.run(std::future::pending()).await {
            panic!("job worker stopped: {e}");
        }
    });
    let (router, mut tasks, drain) =
        server::http::router_with_tasks(state.clone(), options, &config).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let server = tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .expect("serve");
    });
    let client = reqwest::Client::builder()
        .cookie_store(true)
        // A stuck request fails its test with the path in the message instead of stalling the whole run.
        .timeout(std::time::Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    TestApp {
        addr,
        client,
        pool,
        state,
        live_stock: drain.live_stock,
        _media: media,
        _running: StopOnDrop({
            tasks.extend([server, worker]);
            tasks
        }),
    }
}

impl TestApp {
    /// The local media folder the app stores images in.
    pub fn media_dir(&self) -> &std::path::Path {
        &self._media.0
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// The page at `path` as `client` (a browser with its own cookies) gets it: (status, body).
    pub async fn page_as(
        &self,
        client: &reqwest::Client,
        path: &str,
    ) -> (reqwest::StatusCode, String) {
        let r = client.get(self.url(path)).send().await.expect("GET");
        (r.status(), r.text().await.expect("body"))
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    /// Calls a server function as the hydrated app does: a form body, a JSON answer.
    pub async fn call(&self, endpoint: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(&format!("/api/{endpoint}")))
            .header("accept", "application/json")
            .form(form)
            .send()
            .await
            .expect("POST")
    }

    /// Posts a multipart form to a server function as `client` (a signed-in browser), asking for JSON:
    /// (status, body). Uploads go this way: images and CSV imports.
    pub async fn post_multipart(
        &self,
        client: &reqwest::Client,
        endpoint: &str,
        form: reqwest::multipart::Form,
    ) -> (reqwest::StatusCode, String) {
        let r = client
            .post(self.url(&format!("/api/{endpoint}")))
            .header("accept", "application/json")
            .multipart(form)
            .send()
            .await
            .expect("POST multipart");
        (r.status(), r.text().await.expect("body"))
    }

    /// A SKU with at least `min` units in stock, and that stock.
    pub async fn sku_with_stock(&self, min: i32) -> (String, i32) {
        sqlx::query_as::<_, (String, i32)>(
            "select sku, stock_on_hand from variant where stock_on_hand >= $1 order by sku limit 1",
        )
        .bind(min)
        .fetch_one(&self.pool)
        .await
        .expect("a SKU in stock")
    }

    pub async fn set_stock(&self, sku: &str, stock: i32) {
        // Through the stock ledger, as every change of stock on hand goes.
        sqlx::query(
            "with old as (select variant_id, stock_on_hand from variant where sku = $1 for update),
                  moved as (update variant v set stock_on_hand = $2 from old
                            where v.variant_id = old.variant_id returning v.variant_id, $2 - old.stock_on_hand as delta)
             insert into stock_movement (variant_id, delta, reason, note)
             select variant_id, delta, 'correction', 'test' from moved where delta <> 0",
        )
            .bind(sku)
            .bind(stock)
            .execute(&self.pool)
            .await
            .expect("set stock");
    }
}

/// A client without cookies (an anonymous visitor), with the same timeout as the app's own.
pub fn anonymous_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .expect("client")
}
