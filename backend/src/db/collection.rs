//! Collections as staff arrange them. The storefront's reads are in `db::catalog`.

use sqlx::PgConnection;

pub struct CollectionRow {
    pub collection_id: i64,
    pub name: String,
    pub slug: String,
    pub description: String,
    pub featured: bool,
    pub position: i32,
    pub products: i64,
}

pub async fn list(conn: &mut PgConnection) -> sqlx::Result<Vec<CollectionRow>> {
    sqlx::query_as!(
        CollectionRow,
        r#"select c.collection_id, c.name, c.slug, c.description, c.featured, c.position,
                  (select count(*) from collection_product cp where cp.collection_id = c.collection_id) as "products!"
           from collection c order by c.position, c.name"#
    )
    .fetch_all(conn)
    .await
}

pub struct CollectionWrite<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub description: &'a str,
    pub featured: bool,
    pub position: i32,
}

pub async fn insert(conn: &mut PgConnection, c: &CollectionWrite<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "insert into collection (name, slug, description, featured, position)
         values ($1, $2, $3, $4, $5) returning collection_id",
        c.name,
        c.slug,
        c.description,
        c.featured,
        c.position
    )
    .fetch_one(conn)
    .await
}

pub async fn update(
    conn: &mut PgConnection,
    id: i64,
    c: &CollectionWrite<'_>,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update collection set name = $2, slug = $3, description = $4, featured = $5, position = $6
         where collection_id = $1",
        id,
        c.name,
        c.slug,
        c.description,
        c.featured,
        c.position
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The collection as it is now (row locked), for the audit log.
pub async fn get(conn: &mut PgConnection, id: i64) -> sqlx::Result<Option<serde_json::Value>> {
    sqlx::query_scalar!(
        r#"select jsonb_build_object('name', name, 'slug', slug, 'description', description,
                                     'featured', featured, 'position', position,
                                     'products', (select count(*) from collection_product cp
                                                  where cp.collection_id = c.collection_id)) as "row!"
           from collection c where collection_id = $1 for update"#,
        id
    )
    .fetch_optional(conn)
    .await
}

/// Deletes the collection; its products stay, only their membership goes.
pub async fn delete(conn: &mut PgConnection, id: i64) -> sqlx::Result<()> {
    sqlx::query!("delete from collection where collection_id = $1", id)
        .execute(conn)
        .await?;
    Ok(())
}
