//! `seed --orders N`: N generated orders for scale tests of the back office, spread over the last 365 days,
//! across states and payment methods, one to three lines each from the catalog's variants. Each batch is one
//! `insert … select … from generate_series` per table (lines drawn from the first 10,000 variants), so a million orders take minutes.
//!
//! Generated orders hold no stock: they are paid (or later), or cancelled with their stock released, so no
//! expiry job touches them and stock on hand stays the ledger's sum. Their shipping address is one sealed
//! address (sealed once with the configured key; the key is needed, as for serving).

use crate::config::Config;
use crate::BoxError;
use app::domain::address::AddressInput;
use backend::crypto::Column;
use sqlx::PgPool;

const BATCH: u32 = 50_000;

pub async fn generate(pool: &PgPool, config: &Config, count: u32) -> Result<(), BoxError> {
    let keys = config.data_keys.as_ref().ok_or(
        "seed --orders seals the orders' address: set BAZAAR_DATA_KEYS (see README: Configuration)",
    )?;
    let address = AddressInput {
        name: "Generated Shopper".into(),
        line1: "1 Rue de la Paix".into(),
        line2: String::new(),
        city: "Paris".into(),
        postal_code: "75002".into(),
        country: "FR".into(),
        phone: String::new(),
    }
    .parse()?;
    let sealed = keys.seal_json(Column::OrderAddress, &address)?;
    let variants: i64 = sqlx::query_scalar!(r#"select count(*) as "n!" from variant"#)
        .fetch_one(pool)
        .await?;
    if variants == 0 {
        return Err("no variants: load the demo catalog first (server seed --demo)".into());
    }
    // Continue numbering after earlier runs, so numbers stay unique.
    let start: i64 = sqlx::query_scalar!(
        r#"select coalesce(max(substring(number from 4)::bigint), 0) as "n!" from customer_order
           where number ~ '^GN-[0-9]+$'"#
    )
    .fetch_one(pool)
    .await?;
    let mut done = 0u32;
    while done < count {
        let size = BATCH.min(count - done);
        let first = start + i64::from(done) + 1;
        insert_batch(pool, &sealed, first, i64::from(size)).await?;
        done += size;
        if done.is_multiple_of(100_000) || done == count {
            tracing::info!(done, count, "generating orders");
        }
    }
    sqlx::query("analyze customer_order").execute(pool).await?;
    sqlx::query("analyze order_line").execute(pool).await?;
    Ok(())
}

async fn insert_batch(pool: &PgPool, sealed: &[u8], first: i64, size: i64) -> Result<(), BoxError> {
    let mut tx = pool.begin().await?;
    // Lines first in a temporary table: order totals are their sums. (Plain `query`: the macros cannot check
    // statements on a temporary table.)
    sqlx::query(
        "create temporary table seed_line on commit drop as
         with v as (select row_number() over (order by x.variant_id) - 1 as k, x.variant_id, x.sku, x.price_minor,
                           x.options, p.name as product_name
                    from (select * from variant order by variant_id limit 10000) x
                    join product p on p.product_id = x.product_id),
              n as (select count(*) as total from v)
         select g as seq, l as line_no, v.variant_id, v.sku, v.product_name,
                coalesce((select string_agg(value, ' / ') from jsonb_each_text(v.options)), '') as variant_label,
                v.price_minor, 1 + (g * 7 + l) % 3 as quantity
         from generate_series($1::bigint, $1::bigint + $2::bigint - 1) g
         cross join lateral generate_series(1, 1 + (g % 3)::int) l
         cross join n
         join v on v.k = (g * 7919 + l * 104729) % n.total",
    )
    .bind(first)
    .bind(size)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into customer_order (number, access_token, idempotency_key, request_hash, status, payment_method,
                                     email, shipping_address_enc, shipping_method, currency, tax_inclusive,
                                     tax_rate_bp, subtotal_minor, shipping_minor, tax_minor, total_minor,
                                     refunded_minor, stock_state, created_at, updated_at, carrier, tracking_number,
                                     shipped_at)
         select 'GN-' || lpad(g::text, 8, '0'), md5('seed-token-' || g) || md5('seed-token2-' || g),
                md5('seed-key-' || g)::uuid, 'generated',
                s.status::order_status,
                (case when g % 4 = 0 then 'manual' else 'card' end)::payment_method,
                'shopper' || (g % 50000) || '@example.com', $3, 'standard', 'EUR', true, 2000,
                t.subtotal, 490, t.subtotal / 6, t.subtotal + 490,
                case when s.status = 'refunded' then t.subtotal + 490 else 0 end,
                case when s.status = 'cancelled' then 'released' else 'sold' end,
                c.at, c.at,
                case when s.status in ('shipped', 'delivered') then 'DHL' end,
                case when s.status in ('shipped', 'delivered') then 'JD' || lpad(g::text, 12, '0') end,
                case when s.status in ('shipped', 'delivered') then c.at + interval '1 day' end
         from generate_series($1::bigint, $1::bigint + $2::bigint - 1) g
         cross join lateral (select (array['paid', 'fulfilled', 'shipped', 'delivered', 'delivered', 'delivered',
                                           'shipped', 'cancelled', 'refunded', 'paid'])[1 + (g % 10)::int] as status) s
         cross join lateral (select now() - ((g * 7919) % (365 * 86400)) * interval '1 second' as at) c
         join (select seq, sum(price_minor * quantity)::bigint as subtotal from seed_line group by seq) t
           on t.seq = g",
    )
    .bind(first)
    .bind(size)
    .bind(sealed)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into order_line (customer_order_id, line_no, variant_id, sku, product_name, variant_label,
                                 unit_price_minor, quantity, line_total_minor)
         select o.customer_order_id, l.line_no, l.variant_id, l.sku, l.product_name, l.variant_label,
                l.price_minor, l.quantity, l.price_minor * l.quantity
         from seed_line l join customer_order o on o.number = 'GN-' || lpad(l.seq::text, 8, '0')",
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
