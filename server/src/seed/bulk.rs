//! `seed --products N`: N more products for scale tests, spread over the leaf categories, three variants each
//! (sizes S, M, L in one of twelve colours), inserted in batches with `unnest` (one statement per table per
//! batch), so a million products take minutes. Names and descriptions are drawn from a vocabulary of real words
//! (so search has common and rare words to find), and one product in nine is on sale. Images are 48 shared SVGs,
//! drawn once. The search index is built once at the end (`search_rebuild()`) instead of batch by batch.

use super::images;
use crate::BoxError;
use sqlx::PgPool;
use std::path::Path;

const BATCH: u32 = 5_000;
const SHARED_IMAGES: u32 = 48;
const ADJECTIVES: &[&str] = &[
    "Everyday", "Studio", "Field", "Harbour", "Market", "Meadow", "Atlas", "Summit", "Coastal",
    "Alpine", "Urban", "Classic", "Heritage", "Rugged", "Tailored", "Relaxed", "Vintage", "Modern",
    "Nordic", "Woodland", "Canyon", "Prairie", "Orchard", "Island", "Highland", "Midnight",
    "Sunday", "Weekend", "Travel", "Garden", "Workshop", "River", "Forest", "Desert", "Glacier",
    "Lakeside", "Mountain", "Village", "Trail", "Hillside",
];
const MATERIALS: &[&str] = &[
    "Wool", "Cotton", "Linen", "Leather", "Denim", "Canvas", "Cashmere", "Merino", "Corduroy",
    "Fleece", "Suede", "Silk", "Hemp", "Tweed", "Bamboo",
];
const NOUNS: &[&str] = &[
    "Jacket", "Coat", "Tote", "Scarf", "Beanie", "Jumper", "Cardigan", "Shirt", "Trousers",
    "Boots", "Sneakers", "Apron", "Blanket", "Cushion", "Candle", "Journal", "Backpack", "Wallet",
    "Belt", "Gloves", "Socks", "Hoodie", "Parka", "Vest", "Shorts", "Skirt", "Dress", "Blazer",
    "Poncho", "Slippers", "Mug", "Tumbler", "Notebook", "Pouch", "Duffel", "Hat", "Cap", "Mittens",
    "Robe", "Throw",
];
const COLOURS: &[&str] = &[
    "Black", "White", "Navy", "Olive", "Rust", "Sand", "Grey", "Forest", "Burgundy", "Mustard",
    "Sky", "Charcoal",
];
const PHRASES: &[&str] = &[
    "made to last for years",
    "cut for an easy fit",
    "finished by hand in a small workshop",
    "with reinforced seams",
    "that softens with every wear",
    "in a limited run",
    "dyed with low-impact dyes",
    "light enough to pack anywhere",
    "warm without the bulk",
    "with a water-repellent finish",
    "from responsibly sourced fibres",
    "designed for cold mornings",
];
const SIZES: &[&str] = &["S", "M", "L"];

/// Picks from `words` by a mix of `n` and `salt`, so different lists do not move in step.
fn pick<'a>(words: &[&'a str], n: i64, salt: i64) -> &'a str {
    let mixed = (n
        .wrapping_mul(2_654_435_761)
        .wrapping_add(salt.wrapping_mul(40_503)))
    .rem_euclid(1 << 31);
    words[(mixed as usize / 7) % words.len()]
}

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
    let started = std::time::Instant::now();
    while done < count {
        let size = BATCH.min(count - done);
        let first = start + i64::from(done) + 1;
        insert_batch(pool, &leaves, first, size).await?;
        done += size;
        if done.is_multiple_of(50_000) || done == count {
            tracing::info!(done, count, "generating products");
        }
    }
    let inserted = started.elapsed();
    let started = std::time::Instant::now();
    sqlx::query_scalar!("select search_rebuild()::text")
        .fetch_one(pool)
        .await?;
    tracing::info!(
        products = count,
        insert_seconds = inserted.as_secs_f64(),
        search_index_seconds = started.elapsed().as_secs_f64(),
        "search index rebuilt"
    );
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
    let mut description = Vec::with_capacity(n);
    let mut image = Vec::with_capacity(n);
    let (
        mut v_slug,
        mut v_sku,
        mut v_options,
        mut v_price,
        mut v_compare,
        mut v_stock,
        mut v_position,
    ) = (
        Vec::new(),
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
        let (adjective, material, noun) = (
            pick(ADJECTIVES, i, 1),
            pick(MATERIALS, i, 2),
            pick(NOUNS, i, 3),
        );
        let colour = pick(COLOURS, i, 4);
        category.push(leaves[u % leaves.len()]);
        name.push(format!("{adjective} {material} {noun}"));
        description.push(format!(
            "A {} {} in {}, {}. Comes in {}, {}.",
            adjective.to_lowercase(),
            noun.to_lowercase(),
            material.to_lowercase(),
            pick(PHRASES, i, 5),
            colour.to_lowercase(),
            pick(PHRASES, i, 6)
        ));
        image.push(format!(
            "/media/generated/{}.svg",
            i % i64::from(SHARED_IMAGES)
        ));
        let on_sale = i % 9 == 0;
        for (position, size_name) in SIZES.iter().enumerate() {
            let price = 500 + (i * 7919 % 20_000) / 100 * 100 + position as i64 * 100 - 1;
            v_slug.push(product_slug.clone());
            v_sku.push(format!("GEN-{i}-{size_name}"));
            v_options.push(serde_json::json!({ "Size": size_name, "Colour": colour }));
            v_price.push(price);
            v_compare.push(on_sale.then_some(price + price / 4));
            v_stock.push(((i * 31 + position as i64 * 17) % 50) as i32);
            v_position.push(position as i32);
        }
        slug.push(product_slug);
    }

    let mut tx = pool.begin().await?;
    // The search index is rebuilt once at the end, not by the triggers of every batch.
    sqlx::query_scalar!("select set_config('bazaar.search_deferred', 'on', true)")
        .fetch_one(&mut *tx)
        .await?;
    sqlx::query!(
        "insert into product (category_id, slug, name, description, currency)
         select c, s, n, d, 'EUR'
         from unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) as u(c, s, n, d)",
        &category,
        &slug,
        &name,
        &description
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "insert into product_option (product_id, name, position)
         select p.product_id, o.name, o.position from product p,
                (values ('Size', 0), ('Colour', 1)) as o(name, position)
         where p.slug = any($1)",
        &slug
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "with added as (
           insert into variant (product_id, sku, options, price_minor, compare_at_minor, currency, stock_on_hand,
                                position)
           select p.product_id, u.sku, u.options, u.price, u.compare_at, 'EUR', u.stock, u.position
           from unnest($1::text[], $2::text[], $3::jsonb[], $4::bigint[], $7::bigint[], $5::int[], $6::int[])
                as u(slug, sku, options, price, compare_at, stock, position)
           join product p on p.slug = u.slug
           returning variant_id, stock_on_hand)
         insert into stock_movement (variant_id, delta, reason, note)
         select variant_id, stock_on_hand, 'received', 'generated catalog' from added where stock_on_hand > 0",
        &v_slug,
        &v_sku,
        &v_options,
        &v_price,
        &v_stock,
        &v_position,
        &v_compare as &[Option<i64>]
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
