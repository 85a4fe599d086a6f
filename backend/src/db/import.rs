//! Bulk imports: the uploaded file and its progress, rejected rows, and the set-at-a-time writes a batch of
//! product rows makes (one statement per kind of change, whatever the batch's size).

use sqlx::PgConnection;

pub struct ImportRow {
    pub bulk_import_id: i64,
    pub kind: String,
    pub file_name: String,
    pub state: String,
    pub total_rows: i32,
    pub processed_rows: i32,
    pub created_rows: i32,
    pub updated_rows: i32,
    pub rejected_rows: i32,
    pub created_by: i64,
    pub by_email: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub finished_at: Option<chrono::DateTime<chrono::Utc>>,
}

pub async fn insert(
    conn: &mut PgConnection,
    kind: &str,
    file_name: &str,
    content: &str,
    total_rows: i32,
    created_by: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "insert into bulk_import (kind, file_name, content, total_rows, created_by)
         values ($1, $2, $3, $4, $5) returning bulk_import_id",
        kind,
        file_name,
        content,
        total_rows,
        created_by
    )
    .fetch_one(conn)
    .await
}

macro_rules! select_import {
    ($tail:tt, $($arg:expr),*) => {
        sqlx::query_as!(
            ImportRow,
            r#"select i.bulk_import_id, i.kind, i.file_name, i.state, i.total_rows, i.processed_rows,
                      i.created_rows, i.updated_rows, i.rejected_rows, i.created_by, c.email::text as "by_email!",
                      i.created_at, i.finished_at
               from bulk_import i join customer c on c.customer_id = i.created_by "# + $tail,
            $($arg),*
        )
    };
}

pub async fn get(conn: &mut PgConnection, id: i64) -> sqlx::Result<Option<ImportRow>> {
    select_import!("where i.bulk_import_id = $1", id)
        .fetch_optional(conn)
        .await
}

pub async fn latest(conn: &mut PgConnection, limit: i64) -> sqlx::Result<Vec<ImportRow>> {
    select_import!("order by i.bulk_import_id desc limit $1", limit)
        .fetch_all(conn)
        .await
}

pub struct RejectionRow {
    pub line: i32,
    pub sku: Option<String>,
    pub reason: String,
}

pub async fn rejections(
    conn: &mut PgConnection,
    id: i64,
    limit: i64,
) -> sqlx::Result<Vec<RejectionRow>> {
    sqlx::query_as!(
        RejectionRow,
        "select line, sku, reason from bulk_import_rejection where bulk_import_id = $1
         order by line limit $2",
        id,
        limit
    )
    .fetch_all(conn)
    .await
}

pub struct Progress {
    pub kind: String,
    pub state: String,
    pub processed_rows: i32,
    pub total_rows: i32,
    pub created_by: i64,
}

/// Locks the import's row for this batch: two tries of its job never write the same rows.
pub async fn lock(conn: &mut PgConnection, id: i64) -> sqlx::Result<Option<Progress>> {
    sqlx::query_as!(
        Progress,
        "select kind, state, processed_rows, total_rows, created_by from bulk_import
         where bulk_import_id = $1 for update",
        id
    )
    .fetch_optional(conn)
    .await
}

pub async fn content(conn: &mut PgConnection, id: i64) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!(
        "select content from bulk_import where bulk_import_id = $1",
        id
    )
    .fetch_optional(conn)
    .await
}

/// Counts a batch in: `rows` more processed, of which these many created, updated and rejected.
pub async fn advance(
    conn: &mut PgConnection,
    id: i64,
    rows: i32,
    created: i32,
    updated: i32,
    rejected: i32,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update bulk_import
         set processed_rows = processed_rows + $2, created_rows = created_rows + $3,
             updated_rows = updated_rows + $4, rejected_rows = rejected_rows + $5,
             state = 'running', started_at = coalesce(started_at, now())
         where bulk_import_id = $1",
        id,
        rows,
        created,
        updated,
        rejected
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Ends an import: done (or failed), and its file is no longer kept.
pub async fn finish(conn: &mut PgConnection, id: i64, state: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "update bulk_import set state = $2, content = '', finished_at = now(),
                started_at = coalesce(started_at, now())
         where bulk_import_id = $1 and state in ('queued', 'running')",
        id,
        state
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn reject(
    conn: &mut PgConnection,
    id: i64,
    lines: &[i32],
    skus: &[Option<String>],
    reasons: &[String],
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into bulk_import_rejection (bulk_import_id, line, sku, reason)
         select $1, r.line, r.sku, r.reason
         from unnest($2::int[], $3::text[], $4::text[]) as r(line, sku, reason)
         on conflict do nothing",
        id,
        lines,
        skus as &[Option<String>],
        reasons
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A variant a batch names by SKU, with its product.
pub struct KnownVariant {
    pub sku: String,
    pub variant_id: i64,
    pub product_id: i64,
    pub slug: String,
    pub option_names: Vec<String>,
}

pub async fn variants_by_sku(
    conn: &mut PgConnection,
    skus: &[String],
) -> sqlx::Result<Vec<KnownVariant>> {
    sqlx::query_as!(
        KnownVariant,
        r#"select v.sku, v.variant_id, p.product_id, p.slug,
                  array(select o.name from product_option o where o.product_id = p.product_id
                        order by o.position) as "option_names!"
           from variant v join product p on p.product_id = v.product_id
           where v.sku = any($1)"#,
        skus
    )
    .fetch_all(conn)
    .await
}

/// A product a batch names by web address.
pub struct KnownProduct {
    pub product_id: i64,
    pub slug: String,
    pub option_names: Vec<String>,
}

pub async fn products_by_slug(
    conn: &mut PgConnection,
    slugs: &[String],
) -> sqlx::Result<Vec<KnownProduct>> {
    sqlx::query_as!(
        KnownProduct,
        r#"select p.product_id, p.slug,
                  array(select o.name from product_option o where o.product_id = p.product_id
                        order by o.position) as "option_names!"
           from product p where p.slug = any($1)"#,
        slugs
    )
    .fetch_all(conn)
    .await
}

pub async fn categories(conn: &mut PgConnection) -> sqlx::Result<Vec<(String, i64)>> {
    let rows = sqlx::query!("select slug, category_id from category")
        .fetch_all(conn)
        .await?;
    Ok(rows.into_iter().map(|r| (r.slug, r.category_id)).collect())
}

/// New products, column by column (one entry per product).
#[derive(Debug, Default)]
pub struct NewProducts {
    pub slugs: Vec<String>,
    pub names: Vec<String>,
    pub descriptions: Vec<String>,
    pub category_ids: Vec<i64>,
    pub statuses: Vec<String>,
}

/// Creates the products whose web address is still free; returns (id, slug) of those it created.
pub async fn insert_products(
    conn: &mut PgConnection,
    p: &NewProducts,
    currency: &str,
) -> sqlx::Result<Vec<(i64, String)>> {
    let rows = sqlx::query!(
        "insert into product (slug, name, description, category_id, status, currency)
         select n.slug, n.name, n.description, n.category_id, n.status::product_status, $6
         from unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[])
              as n(slug, name, description, category_id, status)
         on conflict (slug) do nothing
         returning product_id, slug",
        &p.slugs,
        &p.names,
        &p.descriptions,
        &p.category_ids,
        &p.statuses,
        currency
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.product_id, r.slug)).collect())
}

/// Option names of new products: one entry per (product, name), with its position.
pub async fn insert_options(
    conn: &mut PgConnection,
    product_ids: &[i64],
    names: &[String],
    positions: &[i32],
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into product_option (product_id, name, position)
         select * from unnest($1::bigint[], $2::text[], $3::int[])
         on conflict do nothing",
        product_ids,
        names,
        positions
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Changes to existing products; `None` keeps a field.
#[derive(Debug, Default)]
pub struct ProductChanges {
    pub ids: Vec<i64>,
    pub names: Vec<Option<String>>,
    pub descriptions: Vec<Option<String>>,
    pub category_ids: Vec<Option<i64>>,
    pub statuses: Vec<Option<String>>,
}

/// Applies the changes that change something (each such product's version moves on); returns their ids.
pub async fn update_products(
    conn: &mut PgConnection,
    c: &ProductChanges,
) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar!(
        "update product p
         set name = coalesce(c.name, p.name), description = coalesce(c.description, p.description),
             category_id = coalesce(c.category_id, p.category_id),
             status = coalesce(c.status::product_status, p.status),
             version = p.version + 1, updated_at = now()
         from unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::text[])
              as c(product_id, name, description, category_id, status)
         where p.product_id = c.product_id
           and (p.name, p.description, p.category_id, p.status) is distinct from
               (coalesce(c.name, p.name), coalesce(c.description, p.description),
                coalesce(c.category_id, p.category_id), coalesce(c.status::product_status, p.status))
         returning p.product_id",
        &c.ids,
        &c.names as &[Option<String>],
        &c.descriptions as &[Option<String>],
        &c.category_ids as &[Option<i64>],
        &c.statuses as &[Option<String>]
    )
    .fetch_all(conn)
    .await
}

/// Variant fields a batch writes, column by column. `options` are JSON objects as text.
#[derive(Debug, Default)]
pub struct VariantColumns {
    pub skus: Vec<String>,
    pub product_ids: Vec<i64>,
    pub options: Vec<String>,
    pub prices: Vec<i64>,
    pub compare_ats: Vec<Option<i64>>,
    pub low_stock: Vec<Option<i32>>,
    pub positions: Vec<i32>,
    pub opening_stock: Vec<i32>,
}

/// Locks the variants with these SKUs, in SKU order.
pub async fn lock_variants(conn: &mut PgConnection, skus: &[String]) -> sqlx::Result<()> {
    sqlx::query!(
        "select variant_id from variant where sku = any($1) order by sku for update",
        skus
    )
    .fetch_all(conn)
    .await?;
    Ok(())
}

/// Updates the named variants where something differs, and moves their products' versions on (so a product
/// form opened before the import cannot save over it). Returns the SKUs it changed.
pub async fn update_variants(
    conn: &mut PgConnection,
    v: &VariantColumns,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        r#"with changed as (
             update variant x
             set options = c.options::jsonb, price_minor = c.price, compare_at_minor = c.compare_at,
                 low_stock_threshold = coalesce(c.low_stock, x.low_stock_threshold), updated_at = now()
             from unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::int[])
                  as c(sku, options, price, compare_at, low_stock)
             where x.sku = c.sku
               and (x.options, x.price_minor, x.compare_at_minor, x.low_stock_threshold) is distinct from
                   (c.options::jsonb, c.price, c.compare_at, coalesce(c.low_stock, x.low_stock_threshold))
             returning x.sku, x.product_id),
           bumped as (
             update product p set version = p.version + 1, updated_at = now()
             where p.product_id in (select product_id from changed))
           select sku as "sku!" from changed"#,
        &v.skus,
        &v.options,
        &v.prices,
        &v.compare_ats as &[Option<i64>],
        &v.low_stock as &[Option<i32>]
    )
    .fetch_all(conn)
    .await
}

/// Creates the variants whose SKU is still free, booking each one's opening stock in the ledger as received
/// (`actor`, `note`) in the same statement. Returns the SKUs it created.
pub async fn insert_variants(
    conn: &mut PgConnection,
    v: &VariantColumns,
    currency: &str,
    actor: i64,
    note: &str,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        r#"with created as (
             insert into variant (product_id, sku, options, price_minor, compare_at_minor, currency,
                                  low_stock_threshold, position, stock_on_hand)
             select n.product_id, n.sku, n.options::jsonb, n.price, n.compare_at, $9,
                    coalesce(n.low_stock, 5), n.position, n.opening
             from unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::int[],
                         $7::int[], $8::int[])
                  as n(product_id, sku, options, price, compare_at, low_stock, position, opening)
             on conflict (sku) do nothing
             returning variant_id, sku, stock_on_hand),
           booked as (
             insert into stock_movement (variant_id, delta, reason, actor_id, note)
             select variant_id, stock_on_hand, 'received', $10, $11 from created where stock_on_hand > 0)
           select sku as "sku!" from created"#,
        &v.product_ids,
        &v.skus,
        &v.options,
        &v.prices,
        &v.compare_ats as &[Option<i64>],
        &v.low_stock as &[Option<i32>],
        &v.positions,
        &v.opening_stock,
        currency,
        actor,
        note
    )
    .fetch_all(conn)
    .await
}
