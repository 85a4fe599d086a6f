//! The worker: claims ready jobs kind by kind (never more of a kind than its concurrency allows), runs each in its
//! own task under a lease, and records the result. It wakes on `NOTIFY bazaar_job` (sent at commit by the job
//! table's trigger), when one of its jobs finishes, and every `poll` for delayed jobs and retries.
//!
//! Several workers may run against one database: a claim skips rows another worker has locked, and a job stays
//! with its worker until its lease runs out. At shutdown a worker stops claiming, lets running jobs finish for a
//! grace period, then hands back the rest.

use super::{backoff, Job, JobError, Registry};
use crate::db::job as db;
use sqlx::postgres::PgListener;
use sqlx::PgPool;
use std::collections::{BTreeSet, HashMap};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// Names this worker in `job.locked_by` (host and process by default).
    pub id: String,
    /// How often to look for delayed jobs and retries without being woken.
    pub poll: Duration,
    /// How long a claim holds; a job running longer is stopped and tried again.
    pub lease: Duration,
    /// First retry delay, doubling each try up to `backoff_max`.
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    /// How long running jobs may go on after shutdown is asked for.
    pub shutdown_grace: Duration,
    /// Finished jobs are forgotten after this many days (0 keeps them).
    pub keep_done_days: i32,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            id: default_id(),
            poll: Duration::from_secs(1),
            lease: Duration::from_secs(300),
            backoff_base: Duration::from_secs(2),
            backoff_max: Duration::from_secs(3600),
            shutdown_grace: Duration::from_secs(20),
            keep_done_days: 7,
        }
    }
}

/// `host:pid:random`, unique across restarts.
pub fn default_id() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "worker".into());
    let suffix = &uuid::Uuid::new_v4().simple().to_string()[..8];
    format!("{host}:{}:{suffix}", std::process::id())
}

pub struct Worker {
    pool: PgPool,
    registry: Registry,
    config: WorkerConfig,
}

struct Finished {
    kind: &'static str,
}

impl Worker {
    pub fn new(pool: PgPool, registry: Registry, config: WorkerConfig) -> Self {
        Worker {
            pool,
            registry,
            config,
        }
    }

    /// Runs jobs until `shutdown` resolves, then drains. Errors only when it cannot listen at all.
    pub async fn run(self, shutdown: impl Future<Output = ()>) -> Result<(), sqlx::Error> {
        let mut listener = PgListener::connect_with(&self.pool).await?;
        listener.listen("bazaar_job").await?;
        let limits: HashMap<&'static str, Arc<Semaphore>> = self
            .registry
            .kinds
            .iter()
            .map(|k| (k.kind, Arc::new(Semaphore::new(k.concurrency))))
            .collect();
        let all: BTreeSet<&'static str> = self.registry.kinds.iter().map(|k| k.kind).collect();
        let mut running: JoinSet<Finished> = JoinSet::new();
        let mut wanted = all.clone();
        let mut last_prune = tokio::time::Instant::now() - Duration::from_secs(3600);
        tracing::info!(worker = %self.config.id, kinds = ?all, "worker started");
        tokio::pin!(shutdown);
        loop {
            for kind in std::mem::take(&mut wanted) {
                self.claim_and_start(kind, &limits[kind], &mut running)
                    .await;
            }
            if self.config.keep_done_days > 0 && last_prune.elapsed() > Duration::from_secs(3600) {
                last_prune = tokio::time::Instant::now();
                match db::prune_done(&self.pool, self.config.keep_done_days).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(pruned = n, "forgot finished jobs"),
                    Err(e) => tracing::warn!(error = %e, "could not prune finished jobs"),
                }
            }
            tokio::select! {
                () = &mut shutdown => break,
                note = listener.recv() => {
                    // A closed pool is a shutdown: hand back, and let go of the LISTEN connection, which would
                    // otherwise keep the pool's close waiting for it forever.
                    if let Err(sqlx::Error::PoolClosed) = note {
                        tracing::info!("the database pool is closed; the worker stops");
                        break;
                    }
                    if let Err(e) = note {
                        // The listener reconnects by itself on the next call; meanwhile, poll.
                        tracing::warn!(error = %e, "job notifications interrupted");
                        tokio::time::sleep(self.config.poll).await;
                    }
                    // One wake-up for every notification already waiting.
                    while listener.next_buffered().is_some() {}
                    wanted = all.clone();
                }
                Some(done) = running.join_next(), if !running.is_empty() => {
                    if let Ok(done) = done {
                        wanted.insert(done.kind);
                    }
                }
                () = tokio::time::sleep(self.config.poll) => wanted = all.clone(),
            }
        }
        drop(listener);
        self.drain(running).await;
        Ok(())
    }

    /// Claims as many jobs of `kind` as it has room for, and starts them.
    async fn claim_and_start(
        &self,
        kind: &'static str,
        limit: &Arc<Semaphore>,
        running: &mut JoinSet<Finished>,
    ) {
        let free = limit.available_permits();
        if free == 0 {
            return;
        }
        let lease_ms = i64::try_from(self.config.lease.as_millis()).unwrap_or(i64::MAX);
        let rows = match db::claim(&self.pool, kind, &self.config.id, lease_ms, free as i64).await {
            Ok(rows) => rows,
            Err(e) => {
                tracing::warn!(error = %e, kind, "could not claim jobs");
                return;
            }
        };
        let Some(spec) = self.registry.kinds.iter().find(|k| k.kind == kind) else {
            return;
        };
        for row in rows {
            let Ok(permit) = limit.clone().try_acquire_owned() else {
                break;
            };
            let job = Job {
                id: row.job_id,
                kind: row.kind,
                payload: row.payload,
                attempt: row.attempts,
                max_attempts: row.max_attempts,
            };
            let handler = spec.handler.clone();
            let pool = self.pool.clone();
            let config = self.config.clone();
            running.spawn(async move {
                run_one(&pool, &config, handler, job).await;
                drop(permit);
                Finished { kind }
            });
        }
    }

    async fn drain(&self, mut running: JoinSet<Finished>) {
        tracing::info!(
            running = running.len(),
            "worker stopping; finishing running jobs"
        );
        let finished = tokio::time::timeout(self.config.shutdown_grace, async {
            while running.join_next().await.is_some() {}
        })
        .await;
        if finished.is_err() {
            running.abort_all();
            while running.join_next().await.is_some() {}
        }
        match db::release(&self.pool, &self.config.id).await {
            Ok(0) => {}
            Ok(n) => tracing::warn!(released = n, "handed back unfinished jobs"),
            Err(e) => {
                tracing::error!(error = %e, "could not hand back unfinished jobs; they run again when their lease ends")
            }
        }
        tracing::info!(worker = %self.config.id, "worker stopped");
    }
}

/// Runs one job under its lease and records how it went. A panicking handler counts as a failed try.
async fn run_one(pool: &PgPool, config: &WorkerConfig, handler: Arc<dyn super::Handler>, job: Job) {
    let started = std::time::Instant::now();
    let outcome = if job.attempt > job.max_attempts {
        // Its last try began but never finished (its worker died): do not start another.
        Err(JobError::Permanent(
            "the last allowed try did not finish (its worker stopped)".into(),
        ))
    } else {
        let task = {
            let job = job.clone();
            tokio::spawn(async move { handler.run(&job).await })
        };
        // Stop a little before the lease ends, so no other worker starts it while this one still runs it.
        let budget = config.lease.mul_f64(0.9);
        match tokio::time::timeout(budget, task).await {
            Ok(Ok(result)) => result,
            Ok(Err(join)) => Err(JobError::Retry(if join.is_panic() {
                "the handler panicked".into()
            } else {
                "the handler was cancelled".into()
            })),
            Err(_) => Err(JobError::Retry(format!(
                "did not finish within {} s",
                budget.as_secs()
            ))),
        }
    };
    let elapsed_ms = started.elapsed().as_millis() as u64;
    let give_up = outcome
        .as_ref()
        .is_err_and(|e| matches!(e, JobError::Permanent(_)) || job.attempt >= job.max_attempts);
    let result = match (&outcome, give_up) {
        (Ok(()), _) => "done",
        (Err(_), false) => "retry",
        (Err(_), true) => "dead",
    };
    metrics::counter!("bazaar_job_runs_total", "kind" => job.kind.clone(), "result" => result)
        .increment(1);
    metrics::histogram!("bazaar_job_duration_seconds", "kind" => job.kind.clone())
        .record(started.elapsed().as_secs_f64());
    let recorded = match &outcome {
        Ok(()) => db::complete(pool, job.id).await,
        Err(e) => {
            let unit = (uuid::Uuid::new_v4().as_u128() as u64) as f64 / (u64::MAX as f64 + 1.0);
            let delay = backoff(job.attempt, config.backoff_base, config.backoff_max, unit);
            if give_up {
                tracing::error!(job = job.id, kind = %job.kind, attempt = job.attempt, error = %e, "job is dead");
            } else {
                tracing::warn!(job = job.id, kind = %job.kind, attempt = job.attempt, error = %e,
                    retry_in_ms = delay.as_millis() as u64, "job failed; will retry");
            }
            db::fail(
                pool,
                job.id,
                &config.id,
                &e.to_string(),
                i64::try_from(delay.as_millis()).unwrap_or(i64::MAX),
                give_up,
            )
            .await
        }
    };
    match recorded {
        Ok(()) if outcome.is_ok() => {
            tracing::debug!(job = job.id, kind = %job.kind, elapsed_ms, "job done")
        }
        Ok(()) => {}
        // The lease runs out and the job is tried again; its effects are idempotent.
        Err(e) => tracing::error!(job = job.id, error = %e, "could not record a job's result"),
    }
}
