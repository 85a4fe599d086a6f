//! The audit log: inserted into, read, never updated or deleted (the table refuses both).

use sqlx::PgConnection;

/// One admin write, as it is recorded.
pub struct NewEntry<'a> {
    pub actor_id: i64,
    pub actor_email: &'a str,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub request_id: Option<&'a str>,
}

pub async fn insert(conn: &mut PgConnection, e: &NewEntry<'_>) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into audit_log (actor_id, actor_email, action, entity, entity_id, before, after, request_id)
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
        e.actor_id,
        e.actor_email,
        e.action,
        e.entity,
        e.entity_id,
        e.before,
        e.after,
        e.request_id
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub struct EntryRow {
    pub audit_log_id: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub actor_email: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub request_id: Option<String>,
}

/// Newest first, older than `before`; `action` matches as a prefix (`order` finds `order.ship`).
pub async fn list(
    conn: &mut PgConnection,
    action: Option<&str>,
    entity_id: Option<&str>,
    actor: Option<&str>,
    before: Option<i64>,
    limit: i64,
) -> sqlx::Result<Vec<EntryRow>> {
    sqlx::query_as!(
        EntryRow,
        r#"select audit_log_id, created_at, actor_email::text as "actor_email!", action, entity, entity_id,
                  before, after, request_id
           from audit_log
           where ($1::text is null or action = $1 or starts_with(action, $1 || '.'))
             and ($2::text is null or entity_id = $2)
             and ($3::citext is null or actor_email = $3)
             and ($4::bigint is null or audit_log_id < $4)
           order by audit_log_id desc
           limit $5"#,
        action,
        entity_id,
        actor,
        before,
        limit
    )
    .fetch_all(conn)
    .await
}
