//! Feature flags as admins set them (a flag without a row has its default).

use sqlx::{PgConnection, PgExecutor};

pub struct FlagRow {
    pub key: String,
    pub enabled: bool,
    pub rollout_percent: i16,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub updated_by: Option<String>,
}

pub async fn all(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<FlagRow>> {
    sqlx::query_as!(
        FlagRow,
        r#"select f.key, f.enabled, f.rollout_percent, f.updated_at, c.email::text as updated_by
             from feature_flag f left join customer c on c.customer_id = f.updated_by
            order by f.key"#
    )
    .fetch_all(db)
    .await
}

/// The setting before the change (locked until the transaction ends), if there was a row.
pub async fn lock(conn: &mut PgConnection, key: &str) -> sqlx::Result<Option<(bool, i16)>> {
    let row = sqlx::query!(
        "select enabled, rollout_percent from feature_flag where key = $1 for update",
        key
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| (r.enabled, r.rollout_percent)))
}

pub async fn set(
    conn: &mut PgConnection,
    key: &str,
    enabled: bool,
    rollout_percent: i16,
    by: i64,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into feature_flag (key, enabled, rollout_percent, updated_by) values ($1, $2, $3, $4)
         on conflict (key) do update
            set enabled = excluded.enabled, rollout_percent = excluded.rollout_percent,
                updated_by = excluded.updated_by",
        key,
        enabled,
        rollout_percent,
        by
    )
    .execute(conn)
    .await?;
    Ok(())
}
