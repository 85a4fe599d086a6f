//! Durable background jobs on PostgreSQL: order emails, low-stock alerts, reservation expiry, payment webhooks.
//!
//! A job is queued with [`enqueue`] on the caller's connection, inside the transaction that makes the change it
//! follows from, so it exists exactly when that change committed. [`worker::Worker`] runs jobs: in the server
//! process by default, and as `server worker` processes that scale apart from web servers. Execution is
//! at-least-once; handlers make their effects happen once through effect keys ([`effect_once`]).

pub mod handlers;
pub mod worker;

use super::db::job as db;
use super::payment::BoxFuture;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use std::sync::Arc;
use std::time::Duration;

/// The kinds of job, by the name stored in `job.kind`.
pub mod kind {
    pub const ORDER_PLACED: &str = "order.placed";
    pub const ORDER_PAID: &str = "order.paid";
    pub const ORDER_SHIPPED: &str = "order.shipped";
    pub const STOCK_LOW: &str = "stock.low";
    pub const RESERVATION_EXPIRE: &str = "reservation.expire";
    pub const PAYMENT_WEBHOOK: &str = "payment.webhook";
    pub const PASSWORD_RESET: &str = "account.password_reset";
    /// Tells an account's owner that its password or email changed.
    pub const ACCOUNT_NOTICE: &str = "account.notice";
    /// Tells the shopper of a step of their return.
    pub const RETURN_UPDATE: &str = "return.update";
    /// Works through an uploaded CSV file (products or stock), batch by batch.
    pub const IMPORT_RUN: &str = "import.run";
    /// Rebuilds the search rows below a renamed or moved category (queued by a trigger on `category`).
    pub const SEARCH_CATEGORY: &str = "search.category";
    /// Does nothing but an optional sleep and database effect: for benchmarks, tests and checking a worker.
    pub const NOOP: &str = "noop";
}

/// A job to queue.
#[derive(Debug, Clone)]
pub struct NewJob<'a> {
    pub kind: &'static str,
    pub payload: serde_json::Value,
    /// One job per key, ever: queueing the same key again does nothing.
    pub dedupe_key: Option<&'a str>,
    /// Not before this time (default: now).
    pub run_at: Option<DateTime<Utc>>,
    pub max_attempts: i32,
}

impl<'a> NewJob<'a> {
    pub fn new(kind: &'static str, payload: serde_json::Value) -> Self {
        NewJob {
            kind,
            payload,
            dedupe_key: None,
            run_at: None,
            max_attempts: 10,
        }
    }

    pub fn dedupe(mut self, key: &'a str) -> Self {
        self.dedupe_key = Some(key);
        self
    }

    pub fn at(mut self, run_at: DateTime<Utc>) -> Self {
        self.run_at = Some(run_at);
        self
    }

    pub fn attempts(mut self, max: i32) -> Self {
        self.max_attempts = max.max(1);
        self
    }
}

/// Queues `job` in the caller's transaction. Returns its id, or `None` when its dedupe key was queued before.
pub async fn enqueue(conn: &mut PgConnection, job: &NewJob<'_>) -> sqlx::Result<Option<i64>> {
    db::insert(
        conn,
        job.kind,
        &job.payload,
        job.dedupe_key,
        job.run_at,
        job.max_attempts,
    )
    .await
}

/// A claimed job, as its handler sees it.
#[derive(Debug, Clone)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: serde_json::Value,
    /// This try's number, from 1.
    pub attempt: i32,
    pub max_attempts: i32,
}

impl Job {
    /// A field of the payload, or a permanent error naming it.
    pub fn field<T: serde::de::DeserializeOwned>(&self, name: &str) -> Result<T, JobError> {
        self.payload
            .get(name)
            .cloned()
            .and_then(|v| serde_json::from_value(v).ok())
            .ok_or_else(|| JobError::Permanent(format!("payload has no valid {name:?}")))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JobError {
    /// Worth another try later (a mail server down, a database hiccup, a payment still under way).
    #[error("{0}")]
    Retry(String),
    /// No try will do better (a payload that makes no sense): kept as dead at once.
    #[error("{0}")]
    Permanent(String),
}

impl JobError {
    pub fn retry(context: &str) -> impl FnOnce(sqlx::Error) -> JobError + '_ {
        move |e| JobError::Retry(format!("{context}: {e}"))
    }
}

impl From<crate::error::AppError> for JobError {
    fn from(e: crate::error::AppError) -> Self {
        // Services log internal causes themselves; what reaches here is their safe summary.
        JobError::Retry(e.to_string())
    }
}

pub trait Handler: Send + Sync + 'static {
    fn run<'a>(&'a self, job: &'a Job) -> BoxFuture<'a, Result<(), JobError>>;
}

/// How one kind of job runs: its handler and how many may run at once in one worker.
#[derive(Clone)]
pub struct KindSpec {
    pub kind: &'static str,
    pub concurrency: usize,
    pub handler: Arc<dyn Handler>,
}

/// The kinds a worker runs.
#[derive(Clone, Default)]
pub struct Registry {
    pub kinds: Vec<KindSpec>,
}

impl Registry {
    pub fn with(
        mut self,
        kind: &'static str,
        concurrency: usize,
        handler: Arc<dyn Handler>,
    ) -> Self {
        self.kinds.retain(|k| k.kind != kind);
        self.kinds.push(KindSpec {
            kind,
            concurrency: concurrency.max(1),
            handler,
        });
        self
    }
}

/// Delay before try `attempt + 1` after try `attempt` failed: exponential from `base`, capped at `max`, with
/// "equal jitter" (half fixed, half random) so jobs that failed together do not all come back together.
/// `unit` is a random number in [0, 1).
pub fn backoff(attempt: i32, base: Duration, max: Duration, unit: f64) -> Duration {
    let exponent = u32::try_from(attempt.saturating_sub(1))
        .unwrap_or(0)
        .min(30);
    let full = base.saturating_mul(1u32 << exponent).min(max);
    let half = full / 2;
    half + half.mul_f64(unit.clamp(0.0, 1.0))
}

/// Runs `effect` unless `key` says it happened already, then records `key` on `conn`. For effects outside the
/// database (an email): a crash between the effect and the record repeats it once, which is the most
/// at-least-once delivery can promise.
pub async fn effect_once<F, Fut>(
    conn: &mut PgConnection,
    key: &str,
    job_id: i64,
    effect: F,
) -> Result<bool, JobError>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<(), JobError>>,
{
    if db::effect_exists(conn, key)
        .await
        .map_err(JobError::retry("checking an effect"))?
    {
        return Ok(false);
    }
    effect().await?;
    db::record_effect(conn, key, job_id)
        .await
        .map_err(JobError::retry("recording an effect"))?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_is_capped_and_jittered() {
        let base = Duration::from_secs(1);
        let max = Duration::from_secs(3600);
        assert_eq!(backoff(1, base, max, 0.0), Duration::from_millis(500));
        assert_eq!(backoff(1, base, max, 1.0), Duration::from_secs(1));
        assert_eq!(backoff(4, base, max, 0.0), Duration::from_secs(4));
        assert_eq!(backoff(4, base, max, 1.0), Duration::from_secs(8));
        assert_eq!(backoff(40, base, max, 1.0), max);
        assert_eq!(backoff(0, base, max, 1.0), base);
        let mid = backoff(3, base, max, 0.5);
        assert!(mid > Duration::from_secs(2) && mid < Duration::from_secs(4));
    }

    #[test]
    fn payload_fields_parse_or_fail_permanently() {
        let job = Job {
            id: 1,
            kind: kind::NOOP.into(),
            payload: serde_json::json!({ "order_id": 7, "name": "x" }),
            attempt: 1,
            max_attempts: 3,
        };
        assert_eq!(job.field::<i64>("order_id"), Ok(7));
        assert!(matches!(
            job.field::<i64>("name"),
            Err(JobError::Permanent(_))
        ));
        assert!(matches!(
            job.field::<i64>("missing"),
            Err(JobError::Permanent(_))
        ));
    }
}
