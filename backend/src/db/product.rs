//! Products as staff list and edit them: the filtered list, one product with its options, variants and
//! collections, and the writes of the product form. The storefront's reads are in `db::catalog`.

use sqlx::PgConnection;

pub struct ListRow {
    pub product_id: i64,
    pub name: String,
    pub slug: String,
    pub status: String,
    pub category: String,
    pub price_min_minor: i64,
    pub currency: String,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub variants: i64,
    pub skus: Option<String>,
    pub available: i64,
}

/// The list's filters, ready for SQL: `name_like` and `sku_like` are LIKE patterns with wildcards escaped.
pub struct ListQuery<'a> {
    pub name_like: Option<&'a str>,
    pub sku_like: Option<&'a str>,
    pub category_id: Option<i64>,
    pub status: Option<&'a str>,
    pub stock: Option<&'a str>,
    pub after: Option<i64>,
    pub limit: i64,
}

/// Products newest first (by id), filtered, after the keyset `after`. Run with a plan made for each call's
/// values (see `admin::catalog::list`). A search takes the newest matches by name and the newest by SKU
/// separately, each with every filter and its own limit, so a common word walks the id index and stops at a
/// page, and a rare one goes through the name's trigram index or the SKU index.
pub async fn list(conn: &mut PgConnection, q: &ListQuery<'_>) -> sqlx::Result<Vec<ListRow>> {
    sqlx::query_as!(
        ListRow,
        r#"with hits as (
             (select n.product_id from product n
              where $1::text is not null and lower(n.name) like $1
                and ($3::bigint is null or n.category_id = $3)
                and ($4::text is null or n.status = $4::text::product_status)
                and ($5::text is null or product_stock_is(n.product_id, $5))
                and ($6::bigint is null or n.product_id < $6)
              order by n.product_id desc limit $7)
             union
             (select n.product_id from variant v join product n using (product_id)
              where $1::text is not null and v.sku like $2
                and ($3::bigint is null or n.category_id = $3)
                and ($4::text is null or n.status = $4::text::product_status)
                and ($5::text is null or product_stock_is(n.product_id, $5))
                and ($6::bigint is null or n.product_id < $6)
              order by n.product_id desc limit $7)
             union
             (select n.product_id from product n
              where $1::text is null
                and ($3::bigint is null or n.category_id = $3)
                and ($4::text is null or n.status = $4::text::product_status)
                and ($5::text is null or product_stock_is(n.product_id, $5))
                and ($6::bigint is null or n.product_id < $6)
              order by n.product_id desc limit $7))
           select p.product_id, p.name, p.slug, p.status::text as "status!", c.name as category,
                  p.price_min_minor, p.currency as "currency!", p.updated_at,
                  (select count(*) from variant v where v.product_id = p.product_id) as "variants!",
                  (select string_agg(s.sku, ', ') from
                     (select v.sku from variant v where v.product_id = p.product_id
                      order by v.position, v.variant_id limit 3) s) as skus,
                  (select coalesce(sum(greatest(v.available, 0)), 0) from variant v
                   where v.product_id = p.product_id)::bigint as "available!"
           from product p join category c on c.category_id = p.category_id
           where p.product_id in (select product_id from hits)
           order by p.product_id desc
           limit $7"#,
        q.name_like,
        q.sku_like,
        q.category_id,
        q.status,
        q.stock,
        q.after,
        q.limit
    )
    .fetch_all(conn)
    .await
}

pub struct ChoiceRow {
    pub id: i64,
    pub name: String,
}

/// Every category with its path ("Clothing › Shirts"), in tree order.
pub async fn categories(conn: &mut PgConnection) -> sqlx::Result<Vec<ChoiceRow>> {
    sqlx::query_as!(
        ChoiceRow,
        r#"with recursive tree as (
             select category_id, name::text as path, array[position, category_id::int] as sort
             from category where parent_id is null
             union all
             select c.category_id, t.path || ' › ' || c.name, t.sort || array[c.position, c.category_id::int]
             from category c join tree t on c.parent_id = t.category_id)
           select category_id as "id!", path as "name!" from tree order by sort"#
    )
    .fetch_all(conn)
    .await
}

pub async fn collections(conn: &mut PgConnection) -> sqlx::Result<Vec<ChoiceRow>> {
    sqlx::query_as!(
        ChoiceRow,
        "select collection_id as id, name from collection order by position, name"
    )
    .fetch_all(conn)
    .await
}

pub struct ProductRow {
    pub product_id: i64,
    pub version: i32,
    pub name: String,
    pub slug: String,
    pub description: String,
    pub category_id: i64,
    pub status: String,
    pub currency: String,
}

pub async fn get(conn: &mut PgConnection, product_id: i64) -> sqlx::Result<Option<ProductRow>> {
    sqlx::query_as!(
        ProductRow,
        r#"select product_id, version, name, slug, description, category_id, status::text as "status!",
                  currency as "currency!"
           from product where product_id = $1"#,
        product_id
    )
    .fetch_optional(conn)
    .await
}

/// The product's version, its row locked until the transaction ends: saves of one product queue here.
pub async fn lock(conn: &mut PgConnection, product_id: i64) -> sqlx::Result<Option<i32>> {
    sqlx::query_scalar!(
        "select version from product where product_id = $1 for update",
        product_id
    )
    .fetch_optional(conn)
    .await
}

pub async fn option_names(conn: &mut PgConnection, product_id: i64) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        "select name from product_option where product_id = $1 order by position, name",
        product_id
    )
    .fetch_all(conn)
    .await
}

pub async fn collection_ids(conn: &mut PgConnection, product_id: i64) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar!(
        "select collection_id from collection_product where product_id = $1 order by collection_id",
        product_id
    )
    .fetch_all(conn)
    .await
}

pub struct VariantRow {
    pub variant_id: i64,
    pub sku: String,
    pub options: serde_json::Value,
    pub price_minor: i64,
    pub compare_at_minor: Option<i64>,
    pub low_stock_threshold: i32,
    pub stock_on_hand: i32,
    pub ordered: bool,
}

pub async fn variants(conn: &mut PgConnection, product_id: i64) -> sqlx::Result<Vec<VariantRow>> {
    sqlx::query_as!(
        VariantRow,
        r#"select v.variant_id, v.sku, v.options, v.price_minor, v.compare_at_minor, v.low_stock_threshold,
                  v.stock_on_hand,
                  exists (select 1 from order_line l where l.variant_id = v.variant_id) as "ordered!"
           from variant v where v.product_id = $1 order by v.position, v.variant_id"#,
        product_id
    )
    .fetch_all(conn)
    .await
}

/// Whether a category exists, and how many of `ids` are collections.
pub async fn known(
    conn: &mut PgConnection,
    category_id: i64,
    ids: &[i64],
) -> sqlx::Result<(bool, i64)> {
    let r = sqlx::query!(
        r#"select exists (select 1 from category where category_id = $1) as "category!",
                  (select count(*) from collection where collection_id = any($2)) as "collections!""#,
        category_id,
        ids
    )
    .fetch_one(conn)
    .await?;
    Ok((r.category, r.collections))
}

pub struct NewProduct<'a> {
    pub category_id: i64,
    pub slug: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub status: &'a str,
    pub currency: &'a str,
}

pub async fn insert(conn: &mut PgConnection, p: &NewProduct<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "insert into product (category_id, slug, name, description, status, currency)
         values ($1, $2, $3, $4, $5::text::product_status, $6) returning product_id",
        p.category_id,
        p.slug,
        p.name,
        p.description,
        p.status,
        p.currency
    )
    .fetch_one(conn)
    .await
}

/// Writes the product's own fields and moves it to the next version; returns that version.
pub async fn update(
    conn: &mut PgConnection,
    product_id: i64,
    p: &NewProduct<'_>,
) -> sqlx::Result<i32> {
    sqlx::query_scalar!(
        "update product set category_id = $2, slug = $3, name = $4, description = $5,
                status = $6::text::product_status, version = version + 1
         where product_id = $1 returning version",
        product_id,
        p.category_id,
        p.slug,
        p.name,
        p.description,
        p.status
    )
    .fetch_one(conn)
    .await
}

pub async fn set_options(
    conn: &mut PgConnection,
    product_id: i64,
    names: &[String],
) -> sqlx::Result<()> {
    sqlx::query!(
        "delete from product_option where product_id = $1",
        product_id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "insert into product_option (product_id, name, position)
         select $1, t.name, (t.ord - 1)::int from unnest($2::text[]) with ordinality as t(name, ord)",
        product_id,
        names
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The product is in exactly these collections; new memberships go to the end of their collection.
pub async fn set_collections(
    conn: &mut PgConnection,
    product_id: i64,
    ids: &[i64],
) -> sqlx::Result<()> {
    sqlx::query!(
        "delete from collection_product where product_id = $1 and collection_id <> all($2)",
        product_id,
        ids
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "insert into collection_product (collection_id, product_id, position)
         select c, $1, coalesce((select max(position) + 1 from collection_product where collection_id = c), 0)
         from unnest($2::bigint[]) as c
         on conflict do nothing",
        product_id,
        ids
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// What deleting a variant did.
pub enum Deleted {
    Done,
    /// An order names it: it stays, for those orders.
    Ordered,
    /// Not a variant of this product.
    Unknown,
}

pub async fn delete_variant(
    conn: &mut PgConnection,
    product_id: i64,
    variant_id: i64,
) -> sqlx::Result<Deleted> {
    let ordered = sqlx::query_scalar!(
        r#"select exists (select 1 from order_line where variant_id = $1) as "ordered!"
           from variant where variant_id = $1 and product_id = $2 for update"#,
        variant_id,
        product_id
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(match ordered {
        None => Deleted::Unknown,
        Some(true) => Deleted::Ordered,
        Some(false) => {
            sqlx::query!("delete from variant where variant_id = $1", variant_id)
                .execute(conn)
                .await?;
            Deleted::Done
        }
    })
}

pub struct VariantWrite<'a> {
    pub sku: &'a str,
    pub options: serde_json::Value,
    pub price_minor: i64,
    pub compare_at_minor: Option<i64>,
    pub low_stock_threshold: i32,
    pub position: i32,
}

/// Changes a variant of the product; `false` when the product has no such variant. Carts re-price by trigger;
/// placed orders keep the prices they copied.
pub async fn update_variant(
    conn: &mut PgConnection,
    product_id: i64,
    variant_id: i64,
    v: &VariantWrite<'_>,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update variant set sku = $3, options = $4, price_minor = $5, compare_at_minor = $6,
                low_stock_threshold = $7, position = $8
         where variant_id = $1 and product_id = $2",
        variant_id,
        product_id,
        v.sku,
        v.options,
        v.price_minor,
        v.compare_at_minor,
        v.low_stock_threshold,
        v.position
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn insert_variant(
    conn: &mut PgConnection,
    product_id: i64,
    currency: &str,
    v: &VariantWrite<'_>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "insert into variant (product_id, sku, options, price_minor, compare_at_minor, currency,
                              low_stock_threshold, position)
         values ($1, $2, $3, $4, $5, $6, $7, $8) returning variant_id",
        product_id,
        v.sku,
        v.options,
        v.price_minor,
        v.compare_at_minor,
        currency,
        v.low_stock_threshold,
        v.position
    )
    .fetch_one(conn)
    .await
}

/// Variants of the product other than `ids`: a form must name them all.
pub async fn others(conn: &mut PgConnection, product_id: i64, ids: &[i64]) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select count(*) as "n!" from variant where product_id = $1 and variant_id <> all($2)"#,
        product_id,
        ids
    )
    .fetch_one(conn)
    .await
}
