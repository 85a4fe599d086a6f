use chrono::{DateTime, Utc};
use sqlx::PgPool;

/// A product as a listing shows it, with the sort keys of every order so the last row can become a cursor.
#[derive(Debug, Clone)]
pub struct CardRow {
    pub product_id: i64,
    pub slug: String,
    pub name: String,
    pub price_min_minor: i64,
    pub currency: String,
    pub created_at: DateTime<Utc>,
    pub compare_at_minor: Option<i64>,
    pub has_price_range: Option<bool>,
    pub in_stock: Option<bool>,
    pub image_url: Option<String>,
    pub image_alt: Option<String>,
    pub image_width: Option<i32>,
    pub image_height: Option<i32>,
    pub image_srcset: Option<String>,
}

#[derive(Debug, Clone)]
pub struct CategoryRow {
    pub category_id: i64,
    pub parent_id: Option<i64>,
    pub slug: String,
    pub name: String,
    pub description: String,
}

/// Every category, in the order pages list them.
pub async fn all_categories(pool: &PgPool) -> sqlx::Result<Vec<CategoryRow>> {
    sqlx::query_as!(
        CategoryRow,
        "select category_id, parent_id, slug, name, description from category order by position, name"
    )
    .fetch_all(pool)
    .await
}

/// `query_as!` of products as cards: `$lead` columns first (or `""`), then the card's own, from `$from` (which
/// brings in `product p`) with the two lateral joins every card needs (price range, offer and stock over the
/// variants; the first image), then `$rest` (where, order, limit). The listings differ only in `$from`/`$rest`,
/// and sqlx still checks each one whole at compile time.
macro_rules! cards {
    ($row:path, $lead:tt, $from:tt, $rest:tt, $($arg:expr),*) => {
        sqlx::query_as!(
            $row,
            "select " + $lead + r#" p.product_id, p.slug, p.name, p.price_min_minor, p.currency as "currency!",
                  p.created_at, agg.compare_at_minor, agg.has_price_range, agg.in_stock,
                  img.url as "image_url?", img.alt as "image_alt?", img.width as "image_width?",
                  img.height as "image_height?", img.srcset as "image_srcset?" "# + $from + r#"
           cross join lateral (
               select max(v.compare_at_minor) filter (where v.price_minor = p.price_min_minor) as compare_at_minor,
                      max(v.price_minor) > min(v.price_minor) as has_price_range,
                      bool_or(v.available > 0) as in_stock
               from variant v where v.product_id = p.product_id) agg
           left join lateral (
               select i.url, i.alt, i.width, i.height, i.srcset from product_image i
               where i.product_id = p.product_id order by i.position limit 1) img on true "# + $rest,
            $($arg),*
        )
    };
}

/// `query_as!` of a listing page: its cards as [`cards!`] makes them, with the price range, offer and stock read
/// from the listing rows `l` that `$from` brings in (product_listing keeps them, migration 23) instead of
/// aggregated over the variants of each card, numbered by `$order` from 1; and, when `$8` is true, the facet
/// candidates (`pos` 0): the category's first `$9` products within the price bounds, each with its price and facet
/// terms. One statement for what a listing shows, so one round trip. (Counting the terms here instead, with
/// unnest and group by, cost PostgreSQL more than sending the rows.)
macro_rules! listed_cards {
    ($from:tt, $order:tt, $($arg:expr),*) => {
        sqlx::query_as!(
            ListingRow,
            r#"select row_number() over (order by "# + $order + r#") as "pos!", p.product_id as "product_id?",
                  p.slug as "slug?", p.name as "name?", p.price_min_minor as "price_min_minor?",
                  p.currency as "currency?", p.created_at as "created_at?", l.compare_at_minor as "compare_at_minor?",
                  l.has_price_range as "has_price_range?", l.in_stock as "in_stock?",
                  img.url as "image_url?", img.alt as "image_alt?", img.width as "image_width?",
                  img.height as "image_height?", img.srcset as "image_srcset?",
                  null::text[] as "facets?", null::bigint as "candidate_price?" "# + $from + r#"
           left join lateral (
               select i.url, i.alt, i.width, i.height, i.srcset from product_image i
               where i.product_id = p.product_id order by i.position limit 1) img on true
           where p.published
           union all
           select 0, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                  c.facets, c.price_min_minor
           from (select c.price_min_minor, c.facets
                 from product_listing c
                 where $8 and c.category_id = $1
                   and (cardinality($2::text[]) = 0 or c.facets @> $2)
                   and ($3::bigint is null or c.price_min_minor >= $3)
                   and ($4::bigint is null or c.price_min_minor < $4)
                 order by c.product_id limit $9) c
           order by 1"#,
            $($arg),*
        )
    };
}

/// A row of a listing page ([`listed_cards!`]): a card, or at `pos` 0 a facet candidate.
struct ListingRow {
    pos: i64,
    product_id: Option<i64>,
    slug: Option<String>,
    name: Option<String>,
    price_min_minor: Option<i64>,
    currency: Option<String>,
    created_at: Option<DateTime<Utc>>,
    compare_at_minor: Option<i64>,
    has_price_range: Option<bool>,
    in_stock: Option<bool>,
    image_url: Option<String>,
    image_alt: Option<String>,
    image_width: Option<i32>,
    image_height: Option<i32>,
    image_srcset: Option<String>,
    facets: Option<Vec<String>>,
    candidate_price: Option<i64>,
}

/// A listing page: its cards in order, and the facet candidates when they were asked for.
#[derive(Debug, Default)]
pub struct ListingPage {
    pub cards: Vec<CardRow>,
    pub candidates: Option<Vec<FacetRow>>,
}

/// A facet candidate of a listing: what the facets count of it.
#[derive(Debug, Clone, PartialEq)]
pub struct FacetRow {
    pub price_min_minor: i64,
    pub facets: Vec<String>,
}

impl ListingPage {
    fn of(rows: Vec<ListingRow>, with_candidates: bool) -> sqlx::Result<Self> {
        let mut page = ListingPage {
            cards: Vec::with_capacity(rows.len()),
            candidates: with_candidates.then(Vec::new),
        };
        for row in rows {
            if row.pos == 0 {
                if let (Some(candidates), Some(price_min_minor)) =
                    (page.candidates.as_mut(), row.candidate_price)
                {
                    candidates.push(FacetRow {
                        price_min_minor,
                        facets: row.facets.unwrap_or_default(),
                    });
                }
                continue;
            }
            let (
                Some(product_id),
                Some(slug),
                Some(name),
                Some(price_min_minor),
                Some(currency),
                Some(created_at),
            ) = (
                row.product_id,
                row.slug,
                row.name,
                row.price_min_minor,
                row.currency,
                row.created_at,
            )
            else {
                return Err(sqlx::Error::Protocol(
                    "a listing card without its product".into(),
                ));
            };
            page.cards.push(CardRow {
                product_id,
                slug,
                name,
                price_min_minor,
                currency,
                created_at,
                compare_at_minor: row.compare_at_minor,
                has_price_range: row.has_price_range,
                in_stock: row.in_stock,
                image_url: row.image_url,
                image_alt: row.image_alt,
                image_width: row.image_width,
                image_height: row.image_height,
                image_srcset: row.image_srcset,
            });
        }
        Ok(page)
    }
}

/// The filters of a listing: facet terms the product must all carry and price bounds in minor units.
pub struct ListingFilter<'a> {
    pub terms: &'a [String],
    pub min_minor: Option<i64>,
    pub max_minor: Option<i64>,
}

// The four listings of a category, from `product_listing` (one row per product and per category it is listed in,
// its ancestors included): each an index range scan in its order from the cursor on, filtered as it goes.
// `candidates: Some(cap)` brings the listing's first `cap` products as facet candidates in the same statement.

pub async fn cards_newest(
    pool: &PgPool,
    category_id: i64,
    f: &ListingFilter<'_>,
    after: Option<(DateTime<Utc>, i64)>,
    limit: i64,
    candidates: Option<i64>,
) -> sqlx::Result<ListingPage> {
    let (after_time, after_id) = after.unzip();
    listed_cards!(
        "from (select l.product_id, l.compare_at_minor, l.has_price_range, l.in_stock
               from product_listing l
               where l.category_id = $1
                 and (cardinality($2::text[]) = 0 or l.facets @> $2)
                 and ($3::bigint is null or l.price_min_minor >= $3)
                 and ($4::bigint is null or l.price_min_minor < $4)
                 and ($5::timestamptz is null or (l.created_at, l.product_id) < ($5, $6))
               order by l.created_at desc, l.product_id desc limit $7) l
         join product p on p.product_id = l.product_id",
        "p.created_at desc, p.product_id desc",
        category_id,
        f.terms,
        f.min_minor,
        f.max_minor,
        after_time,
        after_id,
        limit,
        candidates.is_some(),
        candidates.unwrap_or(0)
    )
    .fetch_all(pool)
    .await
    .and_then(|rows| ListingPage::of(rows, candidates.is_some()))
}

pub async fn cards_price_asc(
    pool: &PgPool,
    category_id: i64,
    f: &ListingFilter<'_>,
    after: Option<(i64, i64)>,
    limit: i64,
    candidates: Option<i64>,
) -> sqlx::Result<ListingPage> {
    let (after_price, after_id) = after.unzip();
    listed_cards!(
        "from (select l.product_id, l.compare_at_minor, l.has_price_range, l.in_stock
               from product_listing l
               where l.category_id = $1
                 and (cardinality($2::text[]) = 0 or l.facets @> $2)
                 and ($3::bigint is null or l.price_min_minor >= $3)
                 and ($4::bigint is null or l.price_min_minor < $4)
                 and ($5::bigint is null or (l.price_min_minor, l.product_id) > ($5, $6))
               order by l.price_min_minor, l.product_id limit $7) l
         join product p on p.product_id = l.product_id",
        "p.price_min_minor, p.product_id",
        category_id,
        f.terms,
        f.min_minor,
        f.max_minor,
        after_price,
        after_id,
        limit,
        candidates.is_some(),
        candidates.unwrap_or(0)
    )
    .fetch_all(pool)
    .await
    .and_then(|rows| ListingPage::of(rows, candidates.is_some()))
}

pub async fn cards_price_desc(
    pool: &PgPool,
    category_id: i64,
    f: &ListingFilter<'_>,
    after: Option<(i64, i64)>,
    limit: i64,
    candidates: Option<i64>,
) -> sqlx::Result<ListingPage> {
    let (after_price, after_id) = after.unzip();
    listed_cards!(
        "from (select l.product_id, l.compare_at_minor, l.has_price_range, l.in_stock
               from product_listing l
               where l.category_id = $1
                 and (cardinality($2::text[]) = 0 or l.facets @> $2)
                 and ($3::bigint is null or l.price_min_minor >= $3)
                 and ($4::bigint is null or l.price_min_minor < $4)
                 and ($5::bigint is null or (l.price_min_minor, l.product_id) < ($5, $6))
               order by l.price_min_minor desc, l.product_id desc limit $7) l
         join product p on p.product_id = l.product_id",
        "p.price_min_minor desc, p.product_id desc",
        category_id,
        f.terms,
        f.min_minor,
        f.max_minor,
        after_price,
        after_id,
        limit,
        candidates.is_some(),
        candidates.unwrap_or(0)
    )
    .fetch_all(pool)
    .await
    .and_then(|rows| ListingPage::of(rows, candidates.is_some()))
}

pub async fn cards_name(
    pool: &PgPool,
    category_id: i64,
    f: &ListingFilter<'_>,
    after: Option<(String, i64)>,
    limit: i64,
    candidates: Option<i64>,
) -> sqlx::Result<ListingPage> {
    let (after_name, after_id) = after.unzip();
    listed_cards!(
        r#"from (select l.product_id, l.compare_at_minor, l.has_price_range, l.in_stock
               from product_listing l
                where l.category_id = $1
                  and (cardinality($2::text[]) = 0 or l.facets @> $2)
                  and ($3::bigint is null or l.price_min_minor >= $3)
                  and ($4::bigint is null or l.price_min_minor < $4)
                  and ($5::text is null or (l.name collate "C", l.product_id) > ($5 collate "C", $6))
                order by l.name collate "C", l.product_id limit $7) l
          join product p on p.product_id = l.product_id"#,
        r#"p.name collate "C", p.product_id"#,
        category_id,
        f.terms,
        f.min_minor,
        f.max_minor,
        after_name,
        after_id,
        limit,
        candidates.is_some(),
        candidates.unwrap_or(0)
    )
    .fetch_all(pool)
    .await
    .and_then(|rows| ListingPage::of(rows, candidates.is_some()))
}

/// Cards of the given products, in the given order (a page of search results).
pub async fn cards_by_ids(pool: &PgPool, ids: &[i64]) -> sqlx::Result<Vec<CardRow>> {
    cards!(
        CardRow,
        "",
        "from unnest($1::bigint[]) with ordinality as u(id, ord) join product p on p.product_id = u.id",
        "where p.published order by u.ord",
        ids
    )
    .fetch_all(pool)
    .await
}

#[derive(Debug, Clone)]
pub struct FeaturedRow {
    pub collection_id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
}

pub async fn featured_collections(pool: &PgPool) -> sqlx::Result<Vec<FeaturedRow>> {
    sqlx::query_as!(
        FeaturedRow,
        "select collection_id, slug, name, description from collection where featured order by position, name limit 6"
    )
    .fetch_all(pool)
    .await
}

/// A card, tagged with the collection it was listed in.
#[derive(Debug, Clone)]
pub struct CollectionCardRow {
    pub collection_id: i64,
    pub product_id: i64,
    pub slug: String,
    pub name: String,
    pub price_min_minor: i64,
    pub currency: String,
    pub created_at: DateTime<Utc>,
    pub compare_at_minor: Option<i64>,
    pub has_price_range: Option<bool>,
    pub in_stock: Option<bool>,
    pub image_url: Option<String>,
    pub image_alt: Option<String>,
    pub image_width: Option<i32>,
    pub image_height: Option<i32>,
    pub image_srcset: Option<String>,
}

/// Cards of several collections at once, tagged with their collection, in collection order.
pub async fn collection_cards(
    pool: &PgPool,
    collections: &[i64],
    per_collection: i64,
) -> sqlx::Result<Vec<(i64, CardRow)>> {
    let rows = cards!(
        CollectionCardRow,
        "cp.collection_id,",
        "from unnest($1::bigint[]) as c(collection_id)
         cross join lateral (
             select cp.collection_id, cp.product_id, cp.position from collection_product cp
             join product pp on pp.product_id = cp.product_id and pp.published
             where cp.collection_id = c.collection_id
             order by cp.position, cp.product_id limit $2) cp
         join product p on p.product_id = cp.product_id",
        "order by cp.collection_id, cp.position, cp.product_id",
        collections,
        per_collection
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.collection_id,
                CardRow {
                    product_id: r.product_id,
                    slug: r.slug,
                    name: r.name,
                    price_min_minor: r.price_min_minor,
                    currency: r.currency,
                    created_at: r.created_at,
                    compare_at_minor: r.compare_at_minor,
                    has_price_range: r.has_price_range,
                    in_stock: r.in_stock,
                    image_url: r.image_url,
                    image_alt: r.image_alt,
                    image_width: r.image_width,
                    image_height: r.image_height,
                    image_srcset: r.image_srcset,
                },
            )
        })
        .collect())
}

#[derive(Debug, Clone)]
pub struct ProductRow {
    pub product_id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub category_slug: String,
    pub category_name: String,
}

pub async fn product_by_slug(pool: &PgPool, slug: &str) -> sqlx::Result<Option<ProductRow>> {
    sqlx::query_as!(
        ProductRow,
        "select p.product_id, p.slug, p.name, p.description, c.slug as category_slug, c.name as category_name
         from product p join category c on c.category_id = p.category_id
         where p.slug = $1 and p.published",
        slug
    )
    .fetch_optional(pool)
    .await
}

#[derive(Debug, Clone)]
pub struct VariantRow {
    pub sku: String,
    pub options: serde_json::Value,
    pub price_minor: i64,
    pub compare_at_minor: Option<i64>,
    pub currency: String,
    pub available: i32,
}

pub async fn variants_of(pool: &PgPool, product_id: i64) -> sqlx::Result<Vec<VariantRow>> {
    sqlx::query_as!(
        VariantRow,
        r#"select sku, options, price_minor, compare_at_minor, currency as "currency!", available
           from variant where product_id = $1 order by position, variant_id"#,
        product_id
    )
    .fetch_all(pool)
    .await
}

/// Each variant's available stock, for these published products: (slug, sku, available), each product's
/// variants in the page's order. Unknown and unpublished products are missing.
pub async fn stock_by_slugs(
    pool: &PgPool,
    slugs: &[String],
) -> sqlx::Result<Vec<(String, String, i32)>> {
    let rows = sqlx::query!(
        r#"select p.slug, v.sku, v.available as "available!"
           from product p join variant v on v.product_id = p.product_id
           where p.slug = any($1) and p.published
           order by p.slug, v.position, v.variant_id"#,
        slugs
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.slug, r.sku, r.available))
        .collect())
}

pub async fn option_names_of(pool: &PgPool, product_id: i64) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        "select name from product_option where product_id = $1 order by position, name",
        product_id
    )
    .fetch_all(pool)
    .await
}

#[derive(Debug, Clone)]
pub struct ImageRow {
    pub url: String,
    pub alt: String,
    pub width: i32,
    pub height: i32,
    pub srcset: Option<String>,
}

pub async fn images_of(pool: &PgPool, product_id: i64) -> sqlx::Result<Vec<ImageRow>> {
    sqlx::query_as!(
        ImageRow,
        "select url, alt, width, height, srcset from product_image where product_id = $1 order by position, product_image_id",
        product_id
    )
    .fetch_all(pool)
    .await
}
