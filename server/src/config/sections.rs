//! The settings that take more than one line to read: each group by itself, refused with the setting's name.

use super::env::{invalid, Env};
use super::{ConfigError, IpLimits, Tls};
use app::domain::money::Currency;
use backend::email::{MailConfig, SmtpConfig, SmtpTls};
use backend::jobs::worker::WorkerConfig;
use std::path::PathBuf;
use std::time::Duration;

/// The shop's public origin, without a trailing slash.
pub fn public_url(env: &Env) -> Result<Option<String>, ConfigError> {
    let url = env
        .text("BAZAAR_PUBLIC_URL")
        .map(|u| u.trim_end_matches('/').to_string());
    match &url {
        Some(u) if !(u.starts_with("http://") || u.starts_with("https://")) => Err(invalid(
            "BAZAAR_PUBLIC_URL",
            "must start with http:// or https://",
        )),
        _ => Ok(url),
    }
}

pub fn currency(env: &Env) -> Result<Currency, ConfigError> {
    match env.text("BAZAAR_CURRENCY") {
        None => Ok(Currency::EUR),
        Some(code) => Currency::parse(&code).map_err(|_| {
            invalid(
                "BAZAAR_CURRENCY",
                format!("{code:?} is not an ISO 4217 code"),
            )
        }),
    }
}

pub fn reservation_minutes(env: &Env) -> Result<u32, ConfigError> {
    match env.or("BAZAAR_RESERVATION_MINUTES", 15u32)? {
        m if (1..=1440).contains(&m) => Ok(m),
        _ => Err(invalid(
            "BAZAAR_RESERVATION_MINUTES",
            "must be between 1 and 1440",
        )),
    }
}

pub fn manual_payment_days(env: &Env) -> Result<u32, ConfigError> {
    match env.or("BAZAAR_MANUAL_PAYMENT_DAYS", 7u32)? {
        d if (1..=90).contains(&d) => Ok(d),
        _ => Err(invalid(
            "BAZAAR_MANUAL_PAYMENT_DAYS",
            "must be between 1 and 90",
        )),
    }
}

pub fn return_days(env: &Env) -> Result<u32, ConfigError> {
    match env.or("BAZAAR_RETURN_DAYS", 30u32)? {
        d if d <= 365 => Ok(d),
        _ => Err(invalid("BAZAAR_RETURN_DAYS", "must be between 0 and 365")),
    }
}

/// HTTPS served here: both files, or neither.
pub fn tls(env: &Env) -> Result<Option<Tls>, ConfigError> {
    match (env.text("BAZAAR_TLS_CERT"), env.text("BAZAAR_TLS_KEY")) {
        (None, None) => Ok(None),
        (Some(cert), Some(key)) => Ok(Some(Tls {
            cert: cert.into(),
            key: key.into(),
        })),
        (Some(_), None) => Err(ConfigError::Missing("BAZAAR_TLS_KEY")),
        (None, Some(_)) => Err(ConfigError::Missing("BAZAAR_TLS_CERT")),
    }
}

/// (bench endpoints, without security): the second only with the first.
pub fn bench(env: &Env) -> Result<(bool, bool), ConfigError> {
    let endpoints = env.or("BAZAAR_BENCH_ENDPOINTS", false)?;
    let without_security = env.or("BAZAAR_BENCH_WITHOUT_SECURITY", false)?;
    if without_security && !endpoints {
        return Err(invalid(
            "BAZAAR_BENCH_WITHOUT_SECURITY",
            "only for benchmarks: needs BAZAAR_BENCH_ENDPOINTS=true",
        ));
    }
    Ok((endpoints, without_security))
}

/// Card payments, when a secret key is set; then the publishable key and the webhook secret are required.
pub fn stripe(env: &Env) -> Result<Option<backend::payment::stripe::StripeConfig>, ConfigError> {
    let Some(secret_key) = env.text("BAZAAR_STRIPE_SECRET_KEY") else {
        return Ok(None);
    };
    Ok(Some(backend::payment::stripe::StripeConfig {
        api_base: env
            .text("BAZAAR_STRIPE_API_BASE")
            .unwrap_or_else(|| "https://api.stripe.com".into()),
        script_url: env
            .text("BAZAAR_STRIPE_SCRIPT_URL")
            .unwrap_or_else(|| "https://js.stripe.com/v3/".into()),
        publishable_key: env.required("BAZAAR_STRIPE_PUBLISHABLE_KEY")?,
        webhook_secret: env.required("BAZAAR_STRIPE_WEBHOOK_SECRET")?,
        secret_key,
        webhook_tolerance_secs: env.or("BAZAAR_STRIPE_WEBHOOK_TOLERANCE_SECS", 300)?,
    }))
}

/// An S3-compatible bucket for product images, and where browsers fetch them.
#[derive(Debug, Clone)]
pub struct S3 {
    pub settings: backend::media::S3Settings,
    /// The images' public base URL (a CDN, or the bucket's own URL).
    pub public_url: String,
}

/// Product images go to an S3-compatible bucket when `BAZAAR_S3_BUCKET` is set: `BAZAAR_S3_ENDPOINT` (for
/// stores other than AWS), `BAZAAR_S3_REGION` (`us-east-1`), `BAZAAR_S3_ACCESS_KEY_ID`,
/// `BAZAAR_S3_SECRET_ACCESS_KEY`, and `BAZAAR_MEDIA_PUBLIC_URL` (where browsers fetch them; by default the
/// bucket's own URL).
pub fn s3(env: &Env) -> Result<Option<S3>, ConfigError> {
    let Some(bucket) = env.text("BAZAAR_S3_BUCKET") else {
        return Ok(None);
    };
    let endpoint = env.text("BAZAAR_S3_ENDPOINT");
    if endpoint
        .as_ref()
        .is_some_and(|e| !(e.starts_with("http://") || e.starts_with("https://")))
    {
        return Err(invalid(
            "BAZAAR_S3_ENDPOINT",
            "must start with http:// or https://",
        ));
    }
    let region = env
        .text("BAZAAR_S3_REGION")
        .unwrap_or_else(|| "us-east-1".into());
    let public_url = match env.text("BAZAAR_MEDIA_PUBLIC_URL") {
        Some(url) if url.starts_with("http://") || url.starts_with("https://") => url,
        Some(_) => {
            return Err(invalid(
                "BAZAAR_MEDIA_PUBLIC_URL",
                "must start with http:// or https://",
            ));
        }
        None => match &endpoint {
            Some(e) => format!("{}/{bucket}", e.trim_end_matches('/')),
            None => format!("https://{bucket}.s3.{region}.amazonaws.com"),
        },
    };
    Ok(Some(S3 {
        settings: backend::media::S3Settings {
            access_key_id: env.required("BAZAAR_S3_ACCESS_KEY_ID")?,
            secret_access_key: env.required("BAZAAR_S3_SECRET_ACCESS_KEY")?,
            bucket,
            endpoint,
            region,
        },
        public_url,
    }))
}

/// Email settings. Without `BAZAAR_SMTP_HOST`, messages are written to `BAZAAR_MAIL_DIR` (default `.data/mail`).
pub fn mail(env: &Env, public_url: Option<&str>) -> Result<MailConfig, ConfigError> {
    let tls = env.choice(
        "BAZAAR_SMTP_TLS",
        &[
            ("starttls", SmtpTls::StartTls),
            ("tls", SmtpTls::Tls),
            ("none", SmtpTls::None),
        ],
        SmtpTls::StartTls,
    )?;
    let smtp = match env.text("BAZAAR_SMTP_HOST") {
        None => None,
        Some(host) => Some(SmtpConfig {
            host,
            port: env.or(
                "BAZAAR_SMTP_PORT",
                match tls {
                    SmtpTls::StartTls => 587,
                    SmtpTls::Tls => 465,
                    SmtpTls::None => 25,
                },
            )?,
            tls,
            username: env.text("BAZAAR_SMTP_USERNAME"),
            password: env.text("BAZAAR_SMTP_PASSWORD"),
        }),
    };
    // The same check the mailer makes at start-up, so a typo fails here with the setting's name.
    let address = |name: &'static str, value: String| {
        if value.contains('@') {
            Ok(value)
        } else {
            Err(invalid(name, format!("{value:?} is not an email address")))
        }
    };
    let from = address(
        "BAZAAR_MAIL_FROM",
        env.text("BAZAAR_MAIL_FROM")
            .unwrap_or_else(|| "Bazaar <shop@localhost>".into()),
    )?;
    let staff = address(
        "BAZAAR_STAFF_EMAIL",
        env.text("BAZAAR_STAFF_EMAIL")
            .unwrap_or_else(|| from.clone()),
    )?;
    Ok(MailConfig {
        smtp,
        dir: env
            .text("BAZAAR_MAIL_DIR")
            .map_or_else(|| PathBuf::from(".data/mail"), PathBuf::from),
        from,
        staff,
        public_url: public_url.unwrap_or("http://127.0.0.1:3000").to_string(),
        shop_name: "Bazaar".into(),
    })
}

/// Job worker timing and name; the defaults where a setting is not set.
pub fn worker(env: &Env) -> Result<WorkerConfig, ConfigError> {
    let mut worker = WorkerConfig::default();
    worker.poll =
        Duration::from_millis(env.positive("BAZAAR_JOB_POLL_MS", worker.poll.as_millis() as u64)?);
    worker.lease =
        Duration::from_secs(env.positive("BAZAAR_JOB_LEASE_SECS", worker.lease.as_secs())?);
    worker.backoff_base = Duration::from_millis(env.positive(
        "BAZAAR_JOB_BACKOFF_BASE_MS",
        worker.backoff_base.as_millis() as u64,
    )?);
    if let Some(id) = env.text("BAZAAR_WORKER_ID") {
        worker.id = id;
    }
    Ok(worker)
}

/// Per-IP limits, and the proxies whose `X-Forwarded-For` is believed.
pub fn ip_limits(env: &Env) -> Result<IpLimits, ConfigError> {
    let trusted_proxies = env
        .text("BAZAAR_TRUSTED_PROXIES")
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<ipnet::IpNet>()
                .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| {
                    invalid(
                        "BAZAAR_TRUSTED_PROXIES",
                        format!("{s:?} is not an IP address or network"),
                    )
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(IpLimits {
        per_ip_per_minute: env.rate("BAZAAR_RATE_LIMIT_PER_MINUTE", 600)?,
        orders_per_ip_per_minute: env.rate("BAZAAR_RATE_LIMIT_ORDERS_PER_MINUTE", 10)?,
        sign_in_per_ip_per_minute: env.rate("BAZAAR_RATE_LIMIT_SIGN_IN_PER_MINUTE", 10)?,
        trusted_proxies,
    })
}

pub fn account_limits(env: &Env) -> Result<backend::limits::AccountLimitsConfig, ConfigError> {
    Ok(backend::limits::AccountLimitsConfig {
        sign_in_per_hour: env.rate("BAZAAR_RATE_LIMIT_SIGN_IN_PER_ACCOUNT_PER_HOUR", 30)?,
        password_reset_per_hour: env.rate("BAZAAR_RATE_LIMIT_RESET_PER_ACCOUNT_PER_HOUR", 5)?,
        orders_per_hour: env.rate("BAZAAR_RATE_LIMIT_ORDERS_PER_ACCOUNT_PER_HOUR", 30)?,
    })
}

/// The keys that seal addresses, when set (required to serve; checked at start).
pub fn data_keys(
    env: &Env,
) -> Result<Option<std::sync::Arc<backend::crypto::DataKeys>>, ConfigError> {
    let Some(list) = env.text("BAZAAR_DATA_KEYS") else {
        return Ok(None);
    };
    let current = env.parse::<u8>("BAZAAR_DATA_KEY_ID")?;
    backend::crypto::DataKeys::parse(&list, current)
        .map(|keys| Some(std::sync::Arc::new(keys)))
        .map_err(|reason| invalid("BAZAAR_DATA_KEYS", reason))
}
