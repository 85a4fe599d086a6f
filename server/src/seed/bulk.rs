//! `seed --products N`: N more products for scale tests, spread over the leaf categories, three variants each,
//! inserted in batches with `unnest` (one statement per table per batch), so a million products take minutes.
//! Images are 48 shared SVGs, drawn once.

use super::images;
use crate::BoxError;
use sqlx::PgPool;
use std::path::Path;

const BATCH: u32 = 5_000;
const SHARED_IMAGES: u32 = 48;
const ADJECTIVES: &[&str] = &[
    "Everyday", "Studio", "Field", "Harbour", "Market", "Meadow", "Atlas", "Summit",
];
const NOUNS: &[&str] = &[
    "Tote", "Scarf", "Beanie", "Tumbler", "Candle", "Blanket", "Journal", "Apron",
];
const SIZES: &[&str] = &["S", "M", "L"];

pub async fn generate(pool: &PgPool, media_dir: &Path, count: u32) -> Result<(), BoxError> {
    for k in 0..SHARED_IMAGES {
        let svg = images::svg(NOUNS[(k as usize) % NOUNS.len()], (k * 37) % 360, k);
        images::write(media_dir, &format!("generated/{k}.svg"), &svg).await?;
    }
    let leaves: Vec<i64> = sqlx::query_scalar!(
        "select category_id from category c where not exists (select 1 from category k where k.parent_id = c.category_id)
         order by category_id"
    )
    .fetch_all(pool)
    .await?;
    if leaves.is_empty() {
        return Err("no categories: load the demo catalog first (server seed --demo)".into());
    }
    // Continue numbering after earlier runs, so slugs and SKUs stay unique.
    let start: i64 = sqlx::query_scalar!(
        r#"select coalesce(max(substring(slug from 6)::bigint), 0) as "n!" from product where slug ~ '^item-[0-9]+$'"#
    )
    .fetch_one(pool)
    .await?;

    let mut done = 0u32;
    while done < count {
        let size = BATCH.min(count - done);
        let first = start + i64::from(done) + 1;
        insert_batch(pool, &leaves, first, size).await?;
        done += size;
        if done.is_multiple_of(50_000) || done == count {
            tracing::info!(done, count, "generating products");
        }
    }
    Ok(())
}

async fn insert_batch(
    pool: &PgPool,
    leaves: &[i64],
    first: i64,
    size: u32,
) -> Result<(), BoxError> {
    let n = size as usize;
    let mut category = Vec::with_capacity(n);
    let mut slug = Vec::with_capacity(n);
    let mut name = Vec::with_capacity(n);
    let mut image = Vec::with_capacity(n);
    let (mut v_slug, mut v_sku, mut v_options, mut v_price, mut v_stock, mut v_position) = (
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    for i in first..first + i64::from(size) {
        let u = i as usize;
        let product_slug = format!("item-{i}");
        category.push(leaves[u % leaves.len()]);
        name.push(format!(
            "{} {} {i}",
            ADJECTIVES[u % ADJECTIVES.len()],
            NOUNS[(u / ADJECTIVES.len()) % NOUNS.len()]
        ));
        image.push(format!(
            "/media/generated/{}.svg",
            i % i64::from(SHARED_IMAGES)
        ));
        for (position, size_name) in SIZES.iter().enumerate() {
            v_slug.push(product_slug.clone());
            v_sku.push(format!("GEN-{i}-{size_name}"));
            v_options.push(serde_json::json!({ "Size": size_name }));
            v_price.push(500 + (i * 7919 % 20_000) / 100 * 100 + position as i64 * 100 - 1);
            v_stock.push(((i * 31 + position as i64 * 17) % 50) as i32);
            v_position.push(position as i32);
        }
        slug.push(product_slug);
    }

    let mut tx = pool.begin().await?;
    sqlx::query!(
        "insert into product (category_id, slug, name, description, currency)
         select c, s, n, 'A generated product for scale testing.', 'EUR'
         from unnest($1::bigint[], $2::text[], $3::text[]) as u(c, s, n)",
        &category,
        &slug,
        &name
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "insert into product_option (product_id, name, position)
         select p.product_id, 'Size', 0 from product p where p.slug = any($1)",
        &slug
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "with added as (
           insert into variant (product_id, sku, options, price_minor, currency, stock_on_hand, position)
           select p.product_id, u.sku, u.options, u.price, 'EUR', u.stock, u.position
           from unnest($1::text[], $2::text[], $3::jsonb[], $4::bigint[], $5::int[], $6::int[])
                as u(slug, sku, options, price, stock, position)
           join product p on p.slug = u.slug
           returning variant_id, stock_on_hand)
         insert into stock_movement (variant_id, delta, reason, note)
         select variant_id, stock_on_hand, 'received', 'generated catalog' from added where stock_on_hand > 0",
        &v_slug,
        &v_sku,
        &v_options,
        &v_price,
        &v_stock,
        &v_position
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "insert into product_image (product_id, url, alt, width, height, position)
         select p.product_id, u.url, p.name, $3, $3, 0
         from unnest($1::text[], $2::text[]) as u(slug, url)
         join product p on p.slug = u.slug",
        &slug,
        &image,
        images::SIZE as i32
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
