//! The job queue's SQL. Enqueue takes the caller's connection (inside its transaction); the worker's calls take
//! the pool.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};

pub struct ClaimedRow {
    pub job_id: i64,
    pub kind: String,
    pub payload: serde_json::Value,
    pub attempts: i32,
    pub max_attempts: i32,
}

/// Queues a job. `None` when a job with this dedupe key exists already (the job is not queued twice).
pub async fn insert(
    conn: &mut PgConnection,
    kind: &str,
    payload: &serde_json::Value,
    dedupe_key: Option<&str>,
    run_at: Option<DateTime<Utc>>,
    max_attempts: i32,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "insert into job (kind, payload, dedupe_key, run_at, max_attempts)
         values ($1, $2, $3, coalesce($4, now()), $5)
         on conflict (dedupe_key) do nothing
         returning job_id",
        kind,
        payload,
        dedupe_key,
        run_at,
        max_attempts
    )
    .fetch_optional(conn)
    .await
}

/// Claims up to `limit` ready jobs of `kind` for `worker` until `lease_ms` from now. Jobs other workers hold are
/// skipped, not waited for; a job whose claim ran out (its worker died) is ready again.
pub async fn claim(
    pool: &PgPool,
    kind: &str,
    worker: &str,
    lease_ms: i64,
    limit: i64,
) -> sqlx::Result<Vec<ClaimedRow>> {
    sqlx::query_as!(
        ClaimedRow,
        r#"update job
           set attempts = attempts + 1, locked_by = $2,
               locked_until = now() + make_interval(secs => $3::bigint / 1000.0)
           where job_id in (select job_id
                            from job
                            where kind = $1 and status = 'queued' and run_at <= now()
                              and (locked_until is null or locked_until < now())
                            order by run_at, job_id
                            limit $4
                            for update skip locked)
           returning job_id, kind, payload, attempts, max_attempts"#,
        kind,
        worker,
        lease_ms,
        limit
    )
    .fetch_all(pool)
    .await
}

pub async fn complete(pool: &PgPool, job_id: i64) -> sqlx::Result<()> {
    sqlx::query!(
        "update job set status = 'done', finished_at = now(), locked_by = null, locked_until = null
         where job_id = $1",
        job_id
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Records a failed try: the job runs again after `retry_ms`, or is kept as dead when it has had its tries
/// (`give_up`). Only while `worker` still holds it.
pub async fn fail(
    pool: &PgPool,
    job_id: i64,
    worker: &str,
    error: &str,
    retry_ms: i64,
    give_up: bool,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update job
         set last_error = $3, locked_by = null, locked_until = null,
             run_at = now() + make_interval(secs => $4::bigint / 1000.0),
             status = case when $5 or attempts >= max_attempts then 'dead'::job_status else 'queued'::job_status end
         where job_id = $1 and locked_by = $2",
        job_id,
        worker,
        error,
        retry_ms,
        give_up
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Hands back jobs `worker` holds without having finished them (at shutdown), uncounting their try.
pub async fn release(pool: &PgPool, worker: &str) -> sqlx::Result<u64> {
    Ok(sqlx::query!(
        "update job set locked_by = null, locked_until = null, attempts = greatest(attempts - 1, 0)
         where locked_by = $1 and status = 'queued'",
        worker
    )
    .execute(pool)
    .await?
    .rows_affected())
}

pub struct DeadRow {
    pub job_id: i64,
    pub kind: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub updated_at: DateTime<Utc>,
}

pub async fn dead(pool: &PgPool, limit: i64) -> sqlx::Result<Vec<DeadRow>> {
    sqlx::query_as!(
        DeadRow,
        "select job_id, kind, attempts, last_error, updated_at from job
         where status = 'dead' order by updated_at desc limit $1",
        limit
    )
    .fetch_all(pool)
    .await
}

/// The queue of one kind of job, for the metrics: jobs waiting (`queued`, of which `ready` may run now), how long
/// the oldest ready one has waited, and the dead ones kept.
pub struct QueueRow {
    pub kind: String,
    pub queued: i64,
    pub ready: i64,
    pub oldest_ready_secs: f64,
    pub dead: i64,
}

/// Every kind with queued or dead jobs. Reads the two partial indexes only, never the done jobs.
pub async fn queue(pool: &PgPool) -> sqlx::Result<Vec<QueueRow>> {
    sqlx::query_as!(
        QueueRow,
        r#"with waiting as (
               select kind, count(*) as queued, count(*) filter (where run_at <= now()) as ready,
                      min(run_at) filter (where run_at <= now()) as oldest
               from job where status = 'queued' group by kind),
           dead as (select kind, count(*) as dead from job where status = 'dead' group by kind)
           select kind as "kind!", coalesce(queued, 0) as "queued!", coalesce(ready, 0) as "ready!",
                  coalesce(extract(epoch from now() - oldest), 0)::float8 as "oldest_ready_secs!",
                  coalesce(dead, 0) as "dead!"
           from waiting full join dead using (kind)"#
    )
    .fetch_all(pool)
    .await
}

/// Queues dead jobs again with a fresh set of tries: one (`Some(id)`) or all of them. Returns how many.
pub async fn retry_dead(pool: &PgPool, job_id: Option<i64>) -> sqlx::Result<u64> {
    Ok(sqlx::query!(
        "update job set status = 'queued', attempts = 0, run_at = now(), last_error = null
         where status = 'dead' and ($1::bigint is null or job_id = $1)",
        job_id
    )
    .execute(pool)
    .await?
    .rows_affected())
}

/// Forgets finished jobs older than `days` (dead ones stay until retried or dealt with).
pub async fn prune_done(pool: &PgPool, days: i32) -> sqlx::Result<u64> {
    Ok(sqlx::query!(
        "delete from job where status = 'done' and finished_at < now() - make_interval(days => $1)",
        days
    )
    .execute(pool)
    .await?
    .rows_affected())
}

/// Records that an effect happened. False when it had happened before.
pub async fn record_effect(
    conn: &mut PgConnection,
    effect_key: &str,
    job_id: i64,
) -> sqlx::Result<bool> {
    Ok(sqlx::query!(
        "insert into job_effect (effect_key, job_id) values ($1, $2) on conflict do nothing",
        effect_key,
        job_id
    )
    .execute(conn)
    .await?
    .rows_affected()
        == 1)
}

pub async fn effect_exists(conn: &mut PgConnection, effect_key: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists(select 1 from job_effect where effect_key = $1) as "e!""#,
        effect_key
    )
    .fetch_one(conn)
    .await
}
