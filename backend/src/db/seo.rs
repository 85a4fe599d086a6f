//! What the sitemaps list: products a shopper can see, categories and collections, with when they last changed.

use chrono::{DateTime, Utc};
use sqlx::PgPool;

#[derive(Debug, Clone)]
pub struct UrlRow {
    pub id: i64,
    pub slug: String,
    pub updated_at: DateTime<Utc>,
}

/// The highest product id a shopper can see (0 when none): chunks are ranges of ids.
pub async fn max_product_id(pool: &PgPool) -> sqlx::Result<i64> {
    sqlx::query_scalar!(r#"select coalesce(max(product_id), 0) as "max!" from product_search"#)
        .fetch_one(pool)
        .await
}

/// Visible products with ids in (after, up_to], in id order, at most `limit`.
pub async fn products(
    pool: &PgPool,
    after: i64,
    up_to: i64,
    limit: i64,
) -> sqlx::Result<Vec<UrlRow>> {
    sqlx::query_as!(
        UrlRow,
        "select p.product_id as id, p.slug, p.updated_at
         from product_search s join product p on p.product_id = s.product_id
         where s.product_id > $1 and s.product_id <= $2
         order by s.product_id limit $3",
        after,
        up_to,
        limit
    )
    .fetch_all(pool)
    .await
}

/// Categories with at least one visible product in their tree.
pub async fn categories(pool: &PgPool) -> sqlx::Result<Vec<UrlRow>> {
    sqlx::query_as!(
        UrlRow,
        "select c.category_id as id, c.slug, c.updated_at from category c
         where exists (select 1 from product_listing l where l.category_id = c.category_id)
         order by c.category_id"
    )
    .fetch_all(pool)
    .await
}

/// Collections with at least one visible product.
pub async fn collections(pool: &PgPool) -> sqlx::Result<Vec<UrlRow>> {
    sqlx::query_as!(
        UrlRow,
        "select c.collection_id as id, c.slug, c.updated_at from collection c
         where exists (select 1 from collection_product cp join product_search s on s.product_id = cp.product_id
                       where cp.collection_id = c.collection_id)
         order by c.collection_id"
    )
    .fetch_all(pool)
    .await
}
