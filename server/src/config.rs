//! Configuration from the environment (`BAZAAR_*`, plus `DATABASE_URL` and cargo-leptos' `LEPTOS_*`).
//! Every setting and its default is listed in the README.

use app::domain::money::Currency;
use std::net::SocketAddr;
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
    pub public_url: Option<String>,
    pub media_dir: PathBuf,
    pub log_format: LogFormat,
    pub currency: Currency,
    pub secure_cookies: Option<bool>,
    pub run_migrations: bool,
    /// Serve `/__bench/static`, a fixed in-memory page that benchmarks use as the ceiling. Off in production.
    pub bench_endpoints: bool,
    /// Benchmarks only (needs `BAZAAR_BENCH_ENDPOINTS`): serve without the cross-site check, rate limits and
    /// security headers, to measure what they cost (`BAZAAR_BENCH_WITHOUT_SECURITY`).
    pub bench_without_security: bool,
    /// How long anonymous shoppers share a rendered page (`BAZAAR_PAGE_CACHE_TTL_SECS`, 0 turns it off).
    pub page_cache_ttl_secs: u64,
    /// Memory for that cache (`BAZAAR_PAGE_CACHE_MAX_MB`).
    pub page_cache_max_mb: usize,
    /// Catalog prices include tax (`BAZAAR_PRICES_INCLUDE_TAX`, default true) or tax is added at checkout.
    pub prices_include_tax: bool,
    /// How long a card order holds its stock while the shopper pays (`BAZAAR_RESERVATION_MINUTES`, 15).
    pub reservation_minutes: u32,
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
    /// Run background jobs inside `serve` too (`BAZAAR_WORKER_IN_PROCESS`, default true).
    pub worker_in_process: bool,
    /// Job worker timing (`BAZAAR_JOB_POLL_MS`, `BAZAAR_JOB_LEASE_SECS`, `BAZAAR_JOB_BACKOFF_BASE_MS`).
    pub worker: backend::jobs::worker::WorkerConfig,
    /// Requests per minute per client IP (`BAZAAR_RATE_LIMIT_PER_MINUTE`, 600), order placements and payments
    /// (`BAZAAR_RATE_LIMIT_ORDERS_PER_MINUTE`, 10); 0 turns one off. `BAZAAR_TRUSTED_PROXIES`: addresses or
    /// networks whose `X-Forwarded-For` is believed.
    pub rate_limits: crate::http::rate_limit::Limits,
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

/// Refuses zero for a setting that must be at least one.
fn positive<T: PartialEq + Default>(
    name: &'static str,
    value: Option<T>,
) -> Result<Option<T>, ConfigError> {
    match value {
        Some(v) if v == T::default() => Err(ConfigError::Invalid {
            name,
            reason: "must be at least 1".into(),
        }),
        other => Ok(other),
    }
}

/// Email settings. Without `BAZAAR_SMTP_HOST`, messages are written to `BAZAAR_MAIL_DIR` (default `.data/mail`).
fn mail_config(
    get: &impl Fn(&str) -> Option<String>,
    public_url: Option<&str>,
) -> Result<backend::email::MailConfig, ConfigError> {
    use backend::email::{MailConfig, SmtpConfig, SmtpTls};
    let tls = match get("BAZAAR_SMTP_TLS").as_deref() {
        None | Some("starttls") => SmtpTls::StartTls,
        Some("tls") => SmtpTls::Tls,
        Some("none") => SmtpTls::None,
        Some(other) => {
            return Err(ConfigError::Invalid {
                name: "BAZAAR_SMTP_TLS",
                reason: format!("{other:?}: use starttls, tls or none"),
            })
        }
    };
    let smtp = match get("BAZAAR_SMTP_HOST") {
        None => None,
        Some(host) => {
            let port = match get("BAZAAR_SMTP_PORT") {
                None => match tls {
                    SmtpTls::StartTls => 587,
                    SmtpTls::Tls => 465,
                    SmtpTls::None => 25,
                },
                Some(p) => p.trim().parse::<u16>().map_err(|e| ConfigError::Invalid {
                    name: "BAZAAR_SMTP_PORT",
                    reason: e.to_string(),
                })?,
            };
            Some(SmtpConfig {
                host,
                port,
                tls,
                username: get("BAZAAR_SMTP_USERNAME"),
                password: get("BAZAAR_SMTP_PASSWORD"),
            })
        }
    };
    let from = get("BAZAAR_MAIL_FROM").unwrap_or_else(|| "Bazaar <shop@localhost>".into());
    let valid = |name: &'static str, value: &str| {
        // The same check the mailer makes at start-up, so a typo fails here with the setting's name.
        if value.contains('@') {
            Ok(())
        } else {
            Err(ConfigError::Invalid {
                name,
                reason: format!("{value:?} is not an email address"),
            })
        }
    };
    valid("BAZAAR_MAIL_FROM", &from)?;
    let staff = get("BAZAAR_STAFF_EMAIL").unwrap_or_else(|| from.clone());
    valid("BAZAAR_STAFF_EMAIL", &staff)?;
    Ok(MailConfig {
        smtp,
        dir: get("BAZAAR_MAIL_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(".data/mail")),
        from,
        staff,
        public_url: public_url.unwrap_or("http://127.0.0.1:3000").to_string(),
        shop_name: "Bazaar".into(),
    })
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
    }

    /// Reads settings through `get`, so tests can supply their own.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        fn parse<T: std::str::FromStr>(
            name: &'static str,
            raw: Option<String>,
        ) -> Result<Option<T>, ConfigError>
        where
            T::Err: std::fmt::Display,
        {
            raw.map(|v| {
                v.trim().parse::<T>().map_err(|e| ConfigError::Invalid {
                    name,
                    reason: e.to_string(),
                })
            })
            .transpose()
        }
        let log_format = match get("BAZAAR_LOG_FORMAT").as_deref() {
            None | Some("pretty") => LogFormat::Pretty,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    name: "BAZAAR_LOG_FORMAT",
                    reason: format!("{other:?}: use json or pretty"),
                })
            }
        };
        let currency = match get("BAZAAR_CURRENCY") {
            None => Currency::EUR,
            Some(code) => Currency::parse(&code).map_err(|_| ConfigError::Invalid {
                name: "BAZAAR_CURRENCY",
                reason: format!("{code:?} is not an ISO 4217 code"),
            })?,
        };
        let public_url = get("BAZAAR_PUBLIC_URL").map(|u| u.trim_end_matches('/').to_string());
        if let Some(url) = &public_url {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(ConfigError::Invalid {
                    name: "BAZAAR_PUBLIC_URL",
                    reason: "must start with http:// or https://".into(),
                });
            }
        }
        let db_max_connections = parse::<u32>(
            "BAZAAR_DB_MAX_CONNECTIONS",
            get("BAZAAR_DB_MAX_CONNECTIONS"),
        )?
        .unwrap_or(16);
        if db_max_connections == 0 {
            return Err(ConfigError::Invalid {
                name: "BAZAAR_DB_MAX_CONNECTIONS",
                reason: "must be at least 1".into(),
            });
        }
        let stripe = match get("BAZAAR_STRIPE_SECRET_KEY") {
            None => None,
            Some(secret_key) => {
                let need = |name: &'static str| get(name).ok_or(ConfigError::Missing(name));
                Some(backend::payment::stripe::StripeConfig {
                    api_base: get("BAZAAR_STRIPE_API_BASE")
                        .unwrap_or_else(|| "https://api.stripe.com".into()),
                    script_url: get("BAZAAR_STRIPE_SCRIPT_URL")
                        .unwrap_or_else(|| "https://js.stripe.com/v3/".into()),
                    publishable_key: need("BAZAAR_STRIPE_PUBLISHABLE_KEY")?,
                    webhook_secret: need("BAZAAR_STRIPE_WEBHOOK_SECRET")?,
                    secret_key,
                    webhook_tolerance_secs: parse(
                        "BAZAAR_STRIPE_WEBHOOK_TOLERANCE_SECS",
                        get("BAZAAR_STRIPE_WEBHOOK_TOLERANCE_SECS"),
                    )?
                    .unwrap_or(300),
                })
            }
        };
        let mail = mail_config(&get, public_url.as_deref())?;
        let mut worker = backend::jobs::worker::WorkerConfig::default();
        if let Some(ms) = positive(
            "BAZAAR_JOB_POLL_MS",
            parse::<u64>("BAZAAR_JOB_POLL_MS", get("BAZAAR_JOB_POLL_MS"))?,
        )? {
            worker.poll = std::time::Duration::from_millis(ms);
        }
        if let Some(s) = positive(
            "BAZAAR_JOB_LEASE_SECS",
            parse::<u64>("BAZAAR_JOB_LEASE_SECS", get("BAZAAR_JOB_LEASE_SECS"))?,
        )? {
            worker.lease = std::time::Duration::from_secs(s);
        }
        if let Some(ms) = positive(
            "BAZAAR_JOB_BACKOFF_BASE_MS",
            parse::<u64>(
                "BAZAAR_JOB_BACKOFF_BASE_MS",
                get("BAZAAR_JOB_BACKOFF_BASE_MS"),
            )?,
        )? {
            worker.backoff_base = std::time::Duration::from_millis(ms);
        }
        if let Some(id) = get("BAZAAR_WORKER_ID") {
            worker.id = id;
        }
        // A count per minute or per hour, by the setting's name; 0 turns the limit off.
        let per_minute = |name: &'static str, default: u32| -> Result<_, ConfigError> {
            Ok(std::num::NonZeroU32::new(
                parse::<u32>(name, get(name))?.unwrap_or(default),
            ))
        };
        let trusted_proxies = get("BAZAAR_TRUSTED_PROXIES")
            .map(|list| {
                list.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(|s| {
                        s.parse::<ipnet::IpNet>()
                            .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                            .map_err(|_| ConfigError::Invalid {
                                name: "BAZAAR_TRUSTED_PROXIES",
                                reason: format!("{s:?} is not an IP address or network"),
                            })
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?
            .unwrap_or_default();
        let rate_limits = crate::http::rate_limit::Limits {
            per_ip_per_minute: per_minute("BAZAAR_RATE_LIMIT_PER_MINUTE", 600)?,
            orders_per_ip_per_minute: per_minute("BAZAAR_RATE_LIMIT_ORDERS_PER_MINUTE", 10)?,
            sign_in_per_ip_per_minute: per_minute("BAZAAR_RATE_LIMIT_SIGN_IN_PER_MINUTE", 10)?,
            trusted_proxies,
        };
        let account_limits = backend::limits::AccountLimitsConfig {
            sign_in_per_hour: per_minute("BAZAAR_RATE_LIMIT_SIGN_IN_PER_ACCOUNT_PER_HOUR", 30)?,
            password_reset_per_hour: per_minute("BAZAAR_RATE_LIMIT_RESET_PER_ACCOUNT_PER_HOUR", 5)?,
            orders_per_hour: per_minute("BAZAAR_RATE_LIMIT_ORDERS_PER_ACCOUNT_PER_HOUR", 30)?,
        };
        let data_keys = match get("BAZAAR_DATA_KEYS") {
            None => None,
            Some(list) => {
                let current = parse::<u8>("BAZAAR_DATA_KEY_ID", get("BAZAAR_DATA_KEY_ID"))?;
                Some(std::sync::Arc::new(
                    backend::crypto::DataKeys::parse(&list, current).map_err(|reason| {
                        ConfigError::Invalid {
                            name: "BAZAAR_DATA_KEYS",
                            reason,
                        }
                    })?,
                ))
            }
        };
        let tls = match (get("BAZAAR_TLS_CERT"), get("BAZAAR_TLS_KEY")) {
            (None, None) => None,
            (Some(cert), Some(key)) => Some(Tls {
                cert: cert.into(),
                key: key.into(),
            }),
            (Some(_), None) => return Err(ConfigError::Missing("BAZAAR_TLS_KEY")),
            (None, Some(_)) => return Err(ConfigError::Missing("BAZAAR_TLS_CERT")),
        };
        let bench_endpoints =
            parse("BAZAAR_BENCH_ENDPOINTS", get("BAZAAR_BENCH_ENDPOINTS"))?.unwrap_or(false);
        let bench_without_security = parse(
            "BAZAAR_BENCH_WITHOUT_SECURITY",
            get("BAZAAR_BENCH_WITHOUT_SECURITY"),
        )?
        .unwrap_or(false);
        if bench_without_security && !bench_endpoints {
            return Err(ConfigError::Invalid {
                name: "BAZAAR_BENCH_WITHOUT_SECURITY",
                reason: "only for benchmarks: needs BAZAAR_BENCH_ENDPOINTS=true".into(),
            });
        }
        Ok(Config {
            session_idle_minutes: positive(
                "BAZAAR_SESSION_IDLE_MINUTES",
                parse(
                    "BAZAAR_SESSION_IDLE_MINUTES",
                    get("BAZAAR_SESSION_IDLE_MINUTES"),
                )?,
            )?
            .unwrap_or(60 * 24 * 7),
            session_max_days: positive(
                "BAZAAR_SESSION_MAX_DAYS",
                parse("BAZAAR_SESSION_MAX_DAYS", get("BAZAAR_SESSION_MAX_DAYS"))?,
            )?
            .unwrap_or(30),
            bench_endpoints,
            bench_without_security,
            tls,
            data_keys,
            rate_limits,
            account_limits,
            password_reset_minutes: positive(
                "BAZAAR_PASSWORD_RESET_MINUTES",
                parse(
                    "BAZAAR_PASSWORD_RESET_MINUTES",
                    get("BAZAAR_PASSWORD_RESET_MINUTES"),
                )?,
            )?
            .unwrap_or(60),
            mail,
            worker,
            worker_in_process: parse("BAZAAR_WORKER_IN_PROCESS", get("BAZAAR_WORKER_IN_PROCESS"))?
                .unwrap_or(true),
            stripe,
            database_url: Secret(get("DATABASE_URL").ok_or(ConfigError::Missing("DATABASE_URL"))?),
            database_read_url: get("DATABASE_READ_URL").map(Secret),
            db_max_connections,
            bind: parse("BAZAAR_BIND", get("BAZAAR_BIND"))?,
            public_url,
            media_dir: get("BAZAAR_MEDIA_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from(".data/media")),
            log_format,
            currency,
            secure_cookies: parse("BAZAAR_SECURE_COOKIES", get("BAZAAR_SECURE_COOKIES"))?,
            run_migrations: parse("BAZAAR_RUN_MIGRATIONS", get("BAZAAR_RUN_MIGRATIONS"))?
                .unwrap_or(true),
            page_cache_ttl_secs: parse(
                "BAZAAR_PAGE_CACHE_TTL_SECS",
                get("BAZAAR_PAGE_CACHE_TTL_SECS"),
            )?
            .unwrap_or(5),
            page_cache_max_mb: parse("BAZAAR_PAGE_CACHE_MAX_MB", get("BAZAAR_PAGE_CACHE_MAX_MB"))?
                .unwrap_or(64),
            prices_include_tax: parse(
                "BAZAAR_PRICES_INCLUDE_TAX",
                get("BAZAAR_PRICES_INCLUDE_TAX"),
            )?
            .unwrap_or(true),
            checkout_db_connections: positive(
                "BAZAAR_CHECKOUT_DB_CONNECTIONS",
                parse(
                    "BAZAAR_CHECKOUT_DB_CONNECTIONS",
                    get("BAZAAR_CHECKOUT_DB_CONNECTIONS"),
                )?,
            )?
            .unwrap_or(8),
            checkout_max_inflight: positive(
                "BAZAAR_CHECKOUT_MAX_INFLIGHT",
                parse(
                    "BAZAAR_CHECKOUT_MAX_INFLIGHT",
                    get("BAZAAR_CHECKOUT_MAX_INFLIGHT"),
                )?,
            )?
            .unwrap_or(32),
            max_inflight: positive(
                "BAZAAR_MAX_INFLIGHT",
                parse("BAZAAR_MAX_INFLIGHT", get("BAZAAR_MAX_INFLIGHT"))?,
            )?
            .unwrap_or_else(|| {
                8 * std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
            }),
            reservation_minutes: match parse::<u32>(
                "BAZAAR_RESERVATION_MINUTES",
                get("BAZAAR_RESERVATION_MINUTES"),
            )? {
                None => 15,
                Some(m) if (1..=1440).contains(&m) => m,
                Some(_) => {
                    return Err(ConfigError::Invalid {
                        name: "BAZAAR_RESERVATION_MINUTES",
                        reason: "must be between 1 and 1440".into(),
                    })
                }
            },
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
        assert_eq!(c.page_cache_ttl_secs, 5);
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
