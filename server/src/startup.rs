//! Builds the application (pools, migrations, router) and serves it until SIGTERM or Ctrl-C, then drains.

use crate::config::Config;
use crate::{http, BoxError};
use backend::email::Mailer;
use backend::jobs::handlers::{self, JobContext};
use backend::jobs::worker::Worker;
use backend::payment::stripe::StripeProvider;
use backend::payment::Payments;
use backend::state::ReadPool;
use backend::{AppState, ShopConfig};
use leptos::config::{get_configuration, LeptosOptions};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgPool};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

/// The migrations this build knows. A database migrated further by a newer release is accepted as it is (its
/// extra migrations are not an error): during a blue-green switch the previous release starts, or restarts after
/// a crash, against the schema the new one brought. Migrations only expand, so that schema still serves it, and
/// `tests/api/expand_contract.rs` checks that the previous release's queries still fit.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate::Migrator {
    ignore_missing: true,
    ..sqlx::migrate!("../migrations")
};

/// How long a pooled connection may sit idle and still be handed out without a ping first.
const IDLE_BEFORE_PING: Duration = Duration::from_secs(1);

pub async fn connect(url: &str, max: u32) -> Result<PgPool, BoxError> {
    let options = PgConnectOptions::from_str(url)?.application_name("bazaar");
    Ok(PgPoolOptions::new()
        .max_connections(max)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(5))
        // sqlx pings every connection it hands out by default: a round trip to PostgreSQL before each query,
        // a third of a cached statement's cost. A connection is also pinged when it goes back to the pool, so
        // one back within the last second is known to work; only one idle longer is checked again (a restart
        // or failover in between is then noticed before a query fails on it).
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for > IDLE_BEFORE_PING {
                    conn.ping().await?;
                }
                Ok(true)
            })
        })
        .connect_with(options)
        .await?)
}

pub async fn migrate_only(config: &Config) -> Result<(), BoxError> {
    let pool = connect(config.database_url.expose(), 2).await?;
    MIGRATOR.run(&pool).await?;
    tracing::info!("migrations applied");
    Ok(())
}

/// The Leptos options: from cargo-leptos' environment (`LEPTOS_*`) when it is set, else the workspace's defaults,
/// so the binary also starts when launched by hand or by a test. Hashed file names are used when the build left
/// its `hash.txt` beside the binary.
pub fn leptos_options() -> LeptosOptions {
    get_configuration(None)
        .map(|c| c.leptos_options)
        .unwrap_or_else(|_| {
            let hashed = std::env::current_exe()
                .ok()
                .and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt").exists()))
                .unwrap_or(false);
            LeptosOptions::builder()
                .output_name("bazaar")
                .site_root("target/site")
                .site_pkg_dir("pkg")
                .hash_files(hashed)
                .build()
        })
}

pub async fn build_state(config: &Config) -> Result<AppState, BoxError> {
    let pool = connect(config.database_url.expose(), config.db_max_connections).await?;
    if config.run_migrations {
        MIGRATOR.run(&pool).await?;
    }
    let read_pool = match &config.database_read_url {
        Some(url) => connect(url.expose(), config.db_max_connections).await?,
        None => pool.clone(),
    };
    // Checkout's own connections, so a surge of catalog and cart queries never makes an order wait for one.
    let checkout_pool =
        connect(config.database_url.expose(), config.checkout_db_connections).await?;
    let mut state = state_from_pools(pool, read_pool, config)?;
    state.checkout_pool = checkout_pool;
    // Rows written before addresses were sealed (or by an older version during a switch-over).
    match backend::crypto::seal_plaintext_addresses(&state.pool, &state.keys).await? {
        0 => {}
        n => tracing::info!(sealed = n, "encrypted addresses stored in plaintext"),
    }
    Ok(state)
}

/// The payment methods the configuration enables: manual always, cards when a provider is configured.
pub fn payments(config: &Config) -> Result<Payments, BoxError> {
    Ok(match &config.stripe {
        Some(stripe) => {
            tracing::info!(api = %stripe.api_base, "card payments enabled");
            Payments::with_card(Arc::new(StripeProvider::new(stripe.clone())?))
        }
        None => Payments::manual_only(),
    })
}

pub fn state_from_pools(
    pool: PgPool,
    read_pool: PgPool,
    config: &Config,
) -> Result<AppState, BoxError> {
    let keys = config.data_keys.clone().ok_or(
        "BAZAAR_DATA_KEYS is not set: addresses are stored encrypted and need a key \
         (generate one with `head -c 32 /dev/urandom | base64`, set BAZAAR_DATA_KEYS=1:<that>; see README)",
    )?;
    let media = match &config.s3 {
        Some(s3) => {
            tracing::info!(bucket = %s3.settings.bucket, public = %s3.public_url, "product images in S3");
            backend::media::MediaStore::s3(&s3.settings, &s3.public_url)?
        }
        None => backend::media::MediaStore::local(&config.media_dir)?,
    };
    Ok(AppState {
        keys,
        media,
        categories: Default::default(),
        flags: Default::default(),
        payments: payments(config)?,
        account_limits: account_limits(config),
        checkout_pool: pool.clone(),
        pool,
        read_pool: ReadPool(read_pool),
        config: Arc::new(ShopConfig {
            currency: config.currency,
            secure_cookies: config.cookies_secure(),
            shop_name: "Bazaar".into(),
            prices_include_tax: config.prices_include_tax,
            reservation_minutes: config.reservation_minutes,
            manual_payment_days: config.manual_payment_days,
            return_days: config.return_days,
            session_idle_minutes: config.session_idle_minutes,
            session_max_days: config.session_max_days,
            password_reset_minutes: config.password_reset_minutes,
        }),
    })
}

/// Per-account limits, with a task that forgets quiet accounts once a minute.
fn account_limits(config: &Config) -> backend::limits::AccountLimits {
    let limits = backend::limits::AccountLimits::new(&config.account_limits);
    if let Ok(handle) = tokio::runtime::Handle::try_current() {
        let sweep = limits.clone();
        handle.spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
            loop {
                tick.tick().await;
                sweep.sweep();
            }
        });
    }
    limits
}

pub async fn serve(config: Config) -> Result<(), BoxError> {
    let options = leptos_options();
    let addr = config.bind.unwrap_or(options.site_addr);
    let state = build_state(&config).await?;
    serve_metrics(&config, &state).await?;
    let worker = if config.worker_in_process {
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let worker = job_worker(&config, state.clone())?;
        let handle = tokio::spawn(worker.run(async {
            let _ = stopped.await;
        }));
        Some((stop, handle))
    } else {
        tracing::info!("background jobs run in separate `server worker` processes");
        None
    };
    let (router, drain) = http::router(state, options, &config).await;
    // Not ready at once, and live stock streams end (they would hold the drain open); then, on SIGTERM, serving
    // on for the drain delay while the load balancer moves traffic away; then the listener closes and requests
    // in flight finish. Ctrl-C (a developer) skips the delay.
    let delay = std::time::Duration::from_secs(config.drain_delay_secs);
    let draining = async move {
        let signal = shutdown_signal().await;
        drain.start();
        if signal == Signal::Terminate && !delay.is_zero() {
            tracing::info!(
                secs = delay.as_secs(),
                "not ready (/readyz 503); serving on while the load balancer moves traffic away"
            );
            tokio::time::sleep(delay).await;
        }
        tracing::info!("listener closed; finishing requests in flight");
    };
    let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
    match &config.tls {
        None => {
            let listener = tokio::net::TcpListener::bind(addr).await?;
            tracing::info!(addr = %listener.local_addr()?, "listening (HTTP)");
            axum::serve(listener, service)
                .with_graceful_shutdown(draining)
                .await?;
        }
        Some(tls) => {
            let rustls = axum_server::tls_rustls::RustlsConfig::from_pem_file(&tls.cert, &tls.key)
                .await
                .map_err(|e| {
                    format!(
                        "TLS certificate {} or key {}: {e}",
                        tls.cert.display(),
                        tls.key.display()
                    )
                })?;
            let handle = axum_server::Handle::new();
            let server = handle.clone();
            tokio::spawn(async move {
                draining.await;
                // As axum::serve does: stop accepting, let requests in flight finish.
                server.graceful_shutdown(Some(std::time::Duration::from_secs(30)));
            });
            tracing::info!(%addr, "listening (HTTPS)");
            axum_server::bind_rustls(addr, rustls)
                .handle(handle)
                .serve(service)
                .await?;
        }
    }
    if let Some((stop, handle)) = worker {
        let _ = stop.send(());
        handle.await??;
    }
    tracing::info!("drained; bye");
    Ok(())
}

/// `/metrics` on `BAZAAR_METRICS_BIND`, when it is set.
async fn serve_metrics(config: &Config, state: &AppState) -> Result<(), BoxError> {
    let Some(addr) = config.metrics_bind else {
        return Ok(());
    };
    if Some(addr) == config.bind {
        return Err(
            "BAZAAR_METRICS_BIND must differ from BAZAAR_BIND: metrics are not for the public port"
                .into(),
        );
    }
    crate::metrics::serve(
        addr,
        crate::metrics::Scrape {
            state: state.clone(),
            standby: config.database_read_url.is_some(),
        },
    )
    .await
}

/// The job worker with every kind Bazaar runs, sending email as configured.
pub fn job_worker(config: &Config, state: AppState) -> Result<Worker, BoxError> {
    let mailer = Mailer::new(&config.mail)?;
    if config.mail.smtp.is_none() {
        tracing::warn!(to = %mailer.describe, "no SMTP server configured (BAZAAR_SMTP_HOST): emails are written to files");
    } else {
        tracing::info!(to = %mailer.describe, "email");
    }
    let pool = state.pool.clone();
    let ctx = Arc::new(JobContext {
        state,
        mailer: Arc::new(mailer),
    });
    Ok(Worker::new(
        pool,
        handlers::registry(ctx),
        config.worker.clone(),
    ))
}

/// `server worker`: runs background jobs only, until SIGTERM or Ctrl-C, then finishes or hands back its jobs.
pub async fn worker(config: Config) -> Result<(), BoxError> {
    let state = build_state(&config).await?;
    serve_metrics(&config, &state).await?;
    job_worker(&config, state)?
        .run(async {
            shutdown_signal().await;
        })
        .await?;
    Ok(())
}

/// `server jobs …`: lists dead jobs, or queues them again.
pub async fn jobs(config: &Config, command: crate::cli::JobsCommand) -> Result<(), BoxError> {
    use backend::db::job as db;
    let pool = connect(config.database_url.expose(), 2).await?;
    match command {
        crate::cli::JobsCommand::Dead => {
            let rows = db::dead(&pool, 100).await?;
            if rows.is_empty() {
                println!("no dead jobs");
            }
            for r in rows {
                println!(
                    "{}\t{}\t{} tries\t{}\t{}",
                    r.job_id,
                    r.kind,
                    r.attempts,
                    r.updated_at.to_rfc3339(),
                    r.last_error.unwrap_or_default()
                );
            }
        }
        crate::cli::JobsCommand::Retry(id) => {
            let n = db::retry_dead(&pool, id).await?;
            println!("queued {n} dead job(s) again");
            if n == 0 && id.is_some() {
                return Err("no dead job has that id".into());
            }
        }
    }
    Ok(())
}

/// `server create-admin --email E`: the first admin (or another one). An existing account keeps its password and
/// becomes an admin. A new one takes its password from standard input when that is piped
/// (`printf '%s\n' "$PASSWORD" | server create-admin --email E`); at a terminal a strong one is generated and
/// printed once, to be changed at /account/settings.
pub async fn create_admin(config: &Config, email: &str) -> Result<(), BoxError> {
    use std::io::{BufRead, IsTerminal};
    let pool = connect(config.database_url.expose(), 2).await?;
    if config.run_migrations {
        MIGRATOR.run(&pool).await?;
    }
    let stdin = std::io::stdin();
    let (password, generated) = if stdin.is_terminal() {
        (generated_password(), true)
    } else {
        let mut line = String::new();
        stdin.lock().read_line(&mut line)?;
        (line.trim_end_matches(['\r', '\n']).to_string(), false)
    };
    let created = backend::accounts::create_admin(&pool, email, Some(&password))
        .await
        .map_err(|e| format!("create-admin: {e}"))?;
    match (created, generated) {
        (false, _) => println!("{email} already had an account: it is now an admin (its password is unchanged)"),
        (true, false) => println!("created admin account {email}"),
        (true, true) => println!(
            "created admin account {email} with the password below; sign in and change it at /account/settings\n{password}"
        ),
    }
    Ok(())
}

/// 122 bits from the OS's random source (a v4 UUID), as 32 hex digits.
fn generated_password() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Signal {
    Terminate,
    Interrupt,
}

/// SIGTERM (what a deploy sends) or Ctrl-C. axum then stops accepting and finishes in-flight requests.
async fn shutdown_signal() -> Signal {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    let signal = tokio::select! {
        _ = ctrl_c => Signal::Interrupt,
        _ = term => Signal::Terminate,
    };
    tracing::info!("shutdown signal received; draining");
    signal
}
