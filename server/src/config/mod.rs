//! Configuration from the environment (`BAZAAR_*`, plus `DATABASE_URL` and cargo-leptos' `LEPTOS_*`).
//! Every setting and its default is listed in the README.

mod env;
mod sections;

use app::domain::money::Currency;
use env::Env;
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Json,
    Pretty,
}

/// A string that is never printed: database URLs carry passwords.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: Secret,
    pub database_read_url: Option<Secret>,
    pub db_max_connections: u32,
    pub bind: Option<SocketAddr>,
    /// Where `/metrics` (Prometheus' text format) is served (`BAZAAR_METRICS_BIND`, e.g. `127.0.0.1:9091`); unset:
    /// nowhere. Never the public address: keep it on a private interface.
    pub metrics_bind: Option<SocketAddr>,
    pub public_url: Option<String>,
    pub media_dir: PathBuf,
    /// Product images in an S3-compatible bucket instead of `media_dir` (`BAZAAR_S3_BUCKET` and its siblings).
    pub s3: Option<sections::S3>,
    pub log_format: LogFormat,
    pub currency: Currency,
    pub secure_cookies: Option<bool>,
    pub run_migrations: bool,
    /// Serve `/__bench/static`, a fixed in-memory page that benchmarks use as the ceiling. Off in production.
    pub bench_endpoints: bool,
    /// Benchmarks only (needs `BAZAAR_BENCH_ENDPOINTS`): serve without the cross-site check, rate limits and
    /// security headers, to measure what they cost (`BAZAAR_BENCH_WITHOUT_SECURITY`).
    pub bench_without_security: bool,
    /// How long this server keeps a shared page (`BAZAAR_PAGE_CACHE_TTL_SECS`, 300; 0 turns the cache off). A
    /// change of what a page shows evicts it before then (PostgreSQL notifications).
    pub page_cache_ttl_secs: u64,
    /// How long a CDN may keep a shared page (`BAZAAR_PAGE_CACHE_CDN_SECS`, 5): nothing tells a CDN of changes.
    pub page_cache_cdn_secs: u64,
    /// Memory for that cache (`BAZAAR_PAGE_CACHE_MAX_MB`).
    pub page_cache_max_mb: usize,
    /// Live stock streams (server-sent events) this server keeps open at most (`BAZAAR_LIVE_STOCK_MAX_STREAMS`,
    /// 500; 0 turns live stock off). Each holds a connection: keep it under the process's open-file limit.
    pub live_stock_max_streams: usize,
    /// Catalog prices include tax (`BAZAAR_PRICES_INCLUDE_TAX`, default true) or tax is added at checkout.
    pub prices_include_tax: bool,
    /// How long a card order holds its stock while the shopper pays (`BAZAAR_RESERVATION_MINUTES`, 15).
    pub reservation_minutes: u32,
    /// How long an unpaid manual order holds its stock (`BAZAAR_MANUAL_PAYMENT_DAYS`, 7).
    pub manual_payment_days: u32,
    /// How many days after shipping a shopper may ask to return items (`BAZAAR_RETURN_DAYS`, 30; 0: no returns).
    pub return_days: u32,
    /// Database connections kept for checkout and orders (`BAZAAR_CHECKOUT_DB_CONNECTIONS`, 8).
    pub checkout_db_connections: u32,
    /// Checkout requests in flight before more wait (`BAZAAR_CHECKOUT_MAX_INFLIGHT`, 32).
    pub checkout_max_inflight: usize,
    /// Other requests in flight before more are refused with 503 (`BAZAAR_MAX_INFLIGHT`, 8 per core).
    pub max_inflight: usize,
    /// Card payments through a Stripe-compatible API, when `BAZAAR_STRIPE_SECRET_KEY` is set.
    pub stripe: Option<backend::payment::stripe::StripeConfig>,
    /// Email: SMTP when `BAZAAR_SMTP_HOST` is set, else `.eml` files in `BAZAAR_MAIL_DIR`.
    pub mail: backend::email::MailConfig,
    /// After SIGTERM, how long the server goes on serving with `/readyz` at 503 before it closes its listener
    /// (`BAZAAR_DRAIN_DELAY_SECS`, 5): time for the load balancer to see it and send traffic elsewhere.
    pub drain_delay_secs: u64,
    /// Run background jobs inside `serve` too (`BAZAAR_WORKER_IN_PROCESS`, default true).
    pub worker_in_process: bool,
    /// Job worker timing (`BAZAAR_JOB_POLL_MS`, `BAZAAR_JOB_LEASE_SECS`, `BAZAAR_JOB_BACKOFF_BASE_MS`).
    pub worker: backend::jobs::worker::WorkerConfig,
    /// Requests per minute per client IP (`BAZAAR_RATE_LIMIT_PER_MINUTE`, 600), order placements and payments
    /// (`BAZAAR_RATE_LIMIT_ORDERS_PER_MINUTE`, 10); 0 turns one off. `BAZAAR_TRUSTED_PROXIES`: addresses or
    /// networks whose `X-Forwarded-For` is believed.
    pub rate_limits: IpLimits,
    /// Per account, per hour: sign-in and sign-up attempts per email
    /// (`BAZAAR_RATE_LIMIT_SIGN_IN_PER_ACCOUNT_PER_HOUR`, 30), password-reset emails per email
    /// (`BAZAAR_RATE_LIMIT_RESET_PER_ACCOUNT_PER_HOUR`, 5), orders per account or guest email
    /// (`BAZAAR_RATE_LIMIT_ORDERS_PER_ACCOUNT_PER_HOUR`, 30); 0 turns one off.
    pub account_limits: backend::limits::AccountLimitsConfig,
    /// How long a password-reset link works (`BAZAAR_PASSWORD_RESET_MINUTES`, 60).
    pub password_reset_minutes: u32,
    /// Keys that seal addresses at rest (`BAZAAR_DATA_KEYS=1:<base64 of 32 bytes>,…`, current one
    /// `BAZAAR_DATA_KEY_ID`, default the highest). Required to serve or run jobs; never printed.
    pub data_keys: Option<std::sync::Arc<backend::crypto::DataKeys>>,
    /// A session ends after this many minutes without a request (`BAZAAR_SESSION_IDLE_MINUTES`, 7 days)…
    pub session_idle_minutes: u32,
    /// …and this many days after sign-in (`BAZAAR_SESSION_MAX_DAYS`, 30).
    pub session_max_days: u32,
    /// Serve HTTPS with this certificate chain and private key (PEM files: `BAZAAR_TLS_CERT`, `BAZAAR_TLS_KEY`).
    pub tls: Option<Tls>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tls {
    pub cert: PathBuf,
    pub key: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{0} is not set")]
    Missing(&'static str),
    #[error("{name} is not valid: {reason}")]
    Invalid { name: &'static str, reason: String },
}

/// Requests per minute per client IP; `None` turns a limit off. `trusted_proxies` are the addresses or networks
/// whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpLimits {
    pub per_ip_per_minute: Option<NonZeroU32>,
    pub orders_per_ip_per_minute: Option<NonZeroU32>,
    /// Sign-in and sign-up attempts (password guessing, account farming).
    pub sign_in_per_ip_per_minute: Option<NonZeroU32>,
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
    }

    /// Reads settings through `get`, so tests can supply their own.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let env = Env::new(&get);
        let public_url = sections::public_url(&env)?;
        let (bench_endpoints, bench_without_security) = sections::bench(&env)?;
        Ok(Config {
            database_url: Secret(env.required("DATABASE_URL")?),
            database_read_url: env.text("DATABASE_READ_URL").map(Secret),
            db_max_connections: env.positive("BAZAAR_DB_MAX_CONNECTIONS", 16)?,
            checkout_db_connections: env.positive("BAZAAR_CHECKOUT_DB_CONNECTIONS", 8)?,
            run_migrations: env.or("BAZAAR_RUN_MIGRATIONS", true)?,
            bind: env.parse("BAZAAR_BIND")?,
            metrics_bind: env.parse("BAZAAR_METRICS_BIND")?,
            tls: sections::tls(&env)?,
            secure_cookies: env.parse("BAZAAR_SECURE_COOKIES")?,
            media_dir: env
                .text("BAZAAR_MEDIA_DIR")
                .map_or_else(|| PathBuf::from(".data/media"), PathBuf::from),
            s3: sections::s3(&env)?,
            log_format: env.choice(
                "BAZAAR_LOG_FORMAT",
                &[("pretty", LogFormat::Pretty), ("json", LogFormat::Json)],
                LogFormat::Pretty,
            )?,
            currency: sections::currency(&env)?,
            prices_include_tax: env.or("BAZAAR_PRICES_INCLUDE_TAX", true)?,
            reservation_minutes: sections::reservation_minutes(&env)?,
            manual_payment_days: sections::manual_payment_days(&env)?,
            return_days: sections::return_days(&env)?,
            page_cache_ttl_secs: env.or("BAZAAR_PAGE_CACHE_TTL_SECS", 300)?,
            page_cache_cdn_secs: env.or("BAZAAR_PAGE_CACHE_CDN_SECS", 5)?,
            page_cache_max_mb: env.or("BAZAAR_PAGE_CACHE_MAX_MB", 64)?,
            live_stock_max_streams: env.or("BAZAAR_LIVE_STOCK_MAX_STREAMS", 500)?,
            checkout_max_inflight: env.positive("BAZAAR_CHECKOUT_MAX_INFLIGHT", 32)?,
            max_inflight: env.positive(
                "BAZAAR_MAX_INFLIGHT",
                8 * std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get),
            )?,
            stripe: sections::stripe(&env)?,
            mail: sections::mail(&env, public_url.as_deref())?,
            drain_delay_secs: env.or("BAZAAR_DRAIN_DELAY_SECS", 5)?,
            worker_in_process: env.or("BAZAAR_WORKER_IN_PROCESS", true)?,
            worker: sections::worker(&env)?,
            rate_limits: sections::ip_limits(&env)?,
            account_limits: sections::account_limits(&env)?,
            data_keys: sections::data_keys(&env)?,
            password_reset_minutes: env.positive("BAZAAR_PASSWORD_RESET_MINUTES", 60)?,
            session_idle_minutes: env.positive("BAZAAR_SESSION_IDLE_MINUTES", 60 * 24 * 7)?,
            session_max_days: env.positive("BAZAAR_SESSION_MAX_DAYS", 30)?,
            bench_endpoints,
            bench_without_security,
            public_url,
        })
    }

    /// Cookies are `Secure` when asked, or by default when the shop is served over HTTPS (its public URL, or
    /// TLS terminated here).
    pub fn cookies_secure(&self) -> bool {
        self.secure_cookies.unwrap_or_else(|| self.is_https())
    }

    /// Shoppers reach the shop over HTTPS: its public URL says so, or this server terminates TLS.
    pub fn is_https(&self) -> bool {
        match self.public_url.as_deref() {
            Some(url) => url.starts_with("https://"),
            None => self.tls.is_some(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn needs_a_database_url() {
        assert!(matches!(
            config(&[]),
            Err(ConfigError::Missing("DATABASE_URL"))
        ));
    }

    #[test]
    fn defaults() {
        let c = config(&[("DATABASE_URL", "postgres://x")]).unwrap();
        assert_eq!(c.db_max_connections, 16);
        assert_eq!(c.log_format, LogFormat::Pretty);
        assert_eq!(c.currency, Currency::EUR);
        assert!(!c.cookies_secure());
        assert!(c.run_migrations);
        assert_eq!(c.page_cache_ttl_secs, 300);
        assert_eq!(c.page_cache_cdn_secs, 5);
        assert_eq!(c.live_stock_max_streams, 500);
        assert_eq!(c.drain_delay_secs, 5);
        assert_eq!(c.rate_limits.per_ip_per_minute.map(|n| n.get()), Some(600));
        assert!(c.rate_limits.trusted_proxies.is_empty());
    }

    #[test]
    fn trusted_proxies_take_addresses_and_networks_and_zero_turns_a_limit_off() {
        let c = config(&[
            ("DATABASE_URL", "postgres://x"),
            ("BAZAAR_TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.4,::1"),
            ("BAZAAR_RATE_LIMIT_ORDERS_PER_MINUTE", "0"),
        ])
        .unwrap();
        assert_eq!(c.rate_limits.trusted_proxies.len(), 3);
        assert_eq!(c.rate_limits.orders_per_ip_per_minute, None);
    }

    #[test]
    fn https_public_url_makes_cookies_secure() {
        let c = config(&[
            ("DATABASE_URL", "postgres://x"),
            ("BAZAAR_PUBLIC_URL", "https://shop.example/"),
        ])
        .unwrap();
        assert!(c.cookies_secure());
        assert_eq!(c.public_url.as_deref(), Some("https://shop.example"));
    }

    #[test]
    fn refuses_bad_values() {
        for (k, v) in [
            ("BAZAAR_LOG_FORMAT", "xml"),
            ("BAZAAR_CURRENCY", "euro"),
            ("BAZAAR_DB_MAX_CONNECTIONS", "0"),
            ("BAZAAR_DB_MAX_CONNECTIONS", "many"),
            ("BAZAAR_BIND", "localhost"),
            ("BAZAAR_PUBLIC_URL", "shop.example"),
            ("BAZAAR_PAGE_CACHE_TTL_SECS", "-1"),
            ("BAZAAR_RESERVATION_MINUTES", "0"),
            ("BAZAAR_MAX_INFLIGHT", "0"),
            ("BAZAAR_CHECKOUT_DB_CONNECTIONS", "none"),
            ("BAZAAR_PRICES_INCLUDE_TAX", "maybe"),
            ("BAZAAR_SMTP_TLS", "maybe"),
            ("BAZAAR_MAIL_FROM", "nobody"),
            ("BAZAAR_JOB_POLL_MS", "0"),
            ("BAZAAR_WORKER_IN_PROCESS", "perhaps"),
            ("BAZAAR_RATE_LIMIT_PER_MINUTE", "lots"),
            ("BAZAAR_TRUSTED_PROXIES", "10.0.0.1, proxy.internal"),
            ("BAZAAR_DATA_KEYS", "1:tooshort"),
            ("BAZAAR_TLS_CERT", "/etc/bazaar/cert.pem"),
            ("BAZAAR_BENCH_WITHOUT_SECURITY", "true"),
        ] {
            assert!(
                config(&[("DATABASE_URL", "postgres://x"), (k, v)]).is_err(),
                "{k}={v}"
            );
        }
    }

    #[test]
    fn secrets_do_not_print() {
        let c = config(&[("DATABASE_URL", "postgres://user:hunter2@db/x")]).unwrap();
        assert!(!format!("{c:?}").contains("hunter2"));
    }
}
