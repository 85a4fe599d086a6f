//! Product images as staff add and remove them.

use sqlx::PgConnection;

pub struct ImageRow {
    pub product_image_id: i64,
    pub url: String,
    pub alt: String,
    pub width: i32,
    pub height: i32,
    pub srcset: Option<String>,
}

pub async fn list(conn: &mut PgConnection, product_id: i64) -> sqlx::Result<Vec<ImageRow>> {
    sqlx::query_as!(
        ImageRow,
        "select product_image_id, url, alt, width, height, srcset from product_image
         where product_id = $1 order by position, product_image_id",
        product_id
    )
    .fetch_all(conn)
    .await
}

pub struct NewImage<'a> {
    pub product_id: i64,
    pub url: &'a str,
    pub alt: &'a str,
    pub width: i32,
    pub height: i32,
    pub srcset: &'a str,
    pub keys: &'a [String],
}

/// Adds an image after the product's others; returns its id.
pub async fn insert(conn: &mut PgConnection, i: &NewImage<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "insert into product_image (product_id, url, alt, width, height, srcset, storage_keys, position)
         values ($1, $2, $3, $4, $5, $6, $7,
                 (select coalesce(max(position), -1) + 1 from product_image where product_id = $1))
         returning product_image_id",
        i.product_id,
        i.url,
        i.alt,
        i.width,
        i.height,
        i.srcset,
        i.keys
    )
    .fetch_one(conn)
    .await
}

/// Removes one of the product's images; returns its stored keys, or `None` when it has no such image.
pub async fn delete(
    conn: &mut PgConnection,
    product_id: i64,
    image_id: i64,
) -> sqlx::Result<Option<Vec<String>>> {
    sqlx::query_scalar!(
        "delete from product_image where product_id = $1 and product_image_id = $2 returning storage_keys",
        product_id,
        image_id
    )
    .fetch_optional(conn)
    .await
}
