//! The category tree as staff arrange it. The storefront's reads are in `db::catalog`.

use sqlx::PgConnection;

pub struct NodeRow {
    pub category_id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    pub slug: String,
    pub description: String,
    pub position: i32,
    pub depth: i32,
    pub products: i64,
    pub children: i64,
}

/// Every category in tree order (parents before children, siblings by position then name).
pub async fn tree(conn: &mut PgConnection) -> sqlx::Result<Vec<NodeRow>> {
    sqlx::query_as!(
        NodeRow,
        r#"with recursive t as (
             select category_id, 0 as depth, array[position, category_id::int] as sort
             from category where parent_id is null
             union all
             select c.category_id, t.depth + 1, t.sort || array[c.position, c.category_id::int]
             from category c join t on c.parent_id = t.category_id)
           select c.category_id, c.parent_id, c.name, c.slug, c.description, c.position, t.depth as "depth!",
                  (select count(*) from product p where p.category_id = c.category_id) as "products!",
                  (select count(*) from category k where k.parent_id = c.category_id) as "children!"
           from t join category c using (category_id)
           order by t.sort"#
    )
    .fetch_all(conn)
    .await
}

/// Moves of categories wait for each other here, so two moves at once cannot make a loop.
pub async fn lock_tree(conn: &mut PgConnection) -> sqlx::Result<()> {
    sqlx::query!("select pg_advisory_xact_lock(hashtext('bazaar.category_tree'))")
        .execute(conn)
        .await?;
    Ok(())
}

/// Whether `candidate` is `category_id` or one of the categories under it.
pub async fn in_subtree(
    conn: &mut PgConnection,
    category_id: i64,
    candidate: i64,
) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"with recursive sub as (
             select category_id from category where category_id = $1
             union all
             select c.category_id from category c join sub on c.parent_id = sub.category_id)
           select exists (select 1 from sub where category_id = $2) as "found!""#,
        category_id,
        candidate
    )
    .fetch_one(conn)
    .await
}

pub struct CategoryWrite<'a> {
    pub parent_id: Option<i64>,
    pub name: &'a str,
    pub slug: &'a str,
    pub description: &'a str,
    pub position: i32,
}

pub async fn insert(conn: &mut PgConnection, c: &CategoryWrite<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "insert into category (parent_id, name, slug, description, position)
         values ($1, $2, $3, $4, $5) returning category_id",
        c.parent_id,
        c.name,
        c.slug,
        c.description,
        c.position
    )
    .fetch_one(conn)
    .await
}

/// `false` when there is no such category.
pub async fn update(conn: &mut PgConnection, id: i64, c: &CategoryWrite<'_>) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update category set parent_id = $2, name = $3, slug = $4, description = $5, position = $6
         where category_id = $1",
        id,
        c.parent_id,
        c.name,
        c.slug,
        c.description,
        c.position
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The category as it is now, for the audit log.
pub async fn get(conn: &mut PgConnection, id: i64) -> sqlx::Result<Option<serde_json::Value>> {
    sqlx::query_scalar!(
        r#"select jsonb_build_object('parent_id', parent_id, 'name', name, 'slug', slug,
                                     'description', description, 'position', position) as "row!"
           from category where category_id = $1 for update"#,
        id
    )
    .fetch_optional(conn)
    .await
}

pub enum Deleted {
    Done,
    /// Products are filed in it, or categories under it: they need a new home first.
    NotEmpty,
}

pub async fn delete(conn: &mut PgConnection, id: i64) -> sqlx::Result<Deleted> {
    let empty = sqlx::query_scalar!(
        r#"select not exists (select 1 from product where category_id = $1)
              and not exists (select 1 from category where parent_id = $1) as "empty!""#,
        id
    )
    .fetch_one(&mut *conn)
    .await?;
    if !empty {
        return Ok(Deleted::NotEmpty);
    }
    sqlx::query!("delete from category where category_id = $1", id)
        .execute(conn)
        .await?;
    Ok(Deleted::Done)
}
