//! The search index (`product_search`, `product_listing`, `search_word`; kept by the triggers of migration 20).

use chrono::{DateTime, Utc};
use sqlx::PgPool;

/// A product of a candidate set, with what sorting and facet counting need.
#[derive(Debug, Clone)]
pub struct CandidateRow {
    pub product_id: i64,
    pub rank: f32,
    pub price_min_minor: i64,
    pub created_at: DateTime<Utc>,
    pub name: String,
    pub facets: Vec<String>,
}

/// The query as the candidate search runs it (SQL `search_tsquery`): websearch syntax for the whole text or, when
/// the last word may be unfinished (it is no word of the catalog's), the text without it AND that word as a
/// prefix. A prefix match costs several times an exact one in the GIN index, so a finished word is matched exactly.
pub struct TextQuery<'a> {
    pub text: &'a str,
    pub head: &'a str,
    pub prefix: Option<&'a str>,
    /// The query as an upper-case SKU, when it could be one: an exact SKU ranks first.
    pub sku: Option<&'a str>,
}

/// Products matching the query, the facet terms (all required) and the price bounds: at most `cap` with the
/// query in their name, and only when those are fewer than `cap`, at most `cap` more with it anywhere, so a common
/// word never ranks every match and is answered from the smaller name index. The facet terms are part of the
/// tsquery (`search_filtered`), so the index intersects them with the text instead of reading every text match
/// (except "in stock", true of most products: intersecting with it cost more than checking it on the row);
/// the index is partitioned, so a common word stops in the first partition that has `cap` matches. Relevance is `ts_rank_cd` over the
/// weighted document, raised for an exact name (1) and an exact SKU (2).
pub async fn candidates(
    pool: &PgPool,
    q: &TextQuery<'_>,
    terms: &[String],
    min_minor: Option<i64>,
    max_minor: Option<i64>,
    cap: i64,
) -> sqlx::Result<Vec<CandidateRow>> {
    sqlx::query_as!(
        CandidateRow,
        r#"with q as materialized (
               select t.tsq, search_filtered(t.tsq, array_remove($4::text[], 'stock')) as filtered,
                      'stock' = any($4::text[]) as in_stock_only
               from (select search_tsquery($1, $2, $3) as tsq) t),
           named as materialized (
               select s.product_id, s.document, s.price_min_minor, s.created_at, s.name, s.facets
               from product_search s, q
               where (s.name_document || search_facet_lexemes(s.facets)) @@ q.filtered
                 and (not q.in_stock_only or s.in_stock)
                 and ($5::bigint is null or s.price_min_minor >= $5)
                 and ($6::bigint is null or s.price_min_minor < $6)
               limit $7),
           anywhere as (
               select s.product_id, s.document, s.price_min_minor, s.created_at, s.name, s.facets
               from product_search s, q
               where (select count(*) from named) < $7
                 and (s.document || search_facet_lexemes(s.facets)) @@ q.filtered
                 and (not q.in_stock_only or s.in_stock)
                 and ($5::bigint is null or s.price_min_minor >= $5)
                 and ($6::bigint is null or s.price_min_minor < $6)
               limit $7),
           by_sku as (
               select s.product_id, s.document, s.price_min_minor, s.created_at, s.name, s.facets
               from variant v join product_search s on s.product_id = v.product_id
               where v.sku = $8
                 and (cardinality($4::text[]) = 0 or s.facets @> $4)
                 and ($5::bigint is null or s.price_min_minor >= $5)
                 and ($6::bigint is null or s.price_min_minor < $6)),
           c as (select distinct on (u.product_id) u.*
                 from (select * from named union all select * from anywhere union all select * from by_sku) u
                 order by u.product_id)
           select c.product_id as "product_id!",
                  (ts_rank_cd(c.document, q.tsq, 1)
                   + case when lower(c.name) = lower($1) then 1 else 0 end
                   + case when exists (select 1 from by_sku b where b.product_id = c.product_id) then 2 else 0 end
                  )::real as "rank!",
                  c.price_min_minor as "price_min_minor!", c.created_at as "created_at!", c.name as "name!",
                  c.facets as "facets!"
           from c, q"#,
        q.text,
        q.prefix,
        q.head,
        terms,
        min_minor,
        max_minor,
        cap,
        q.sku
    )
    .fetch_all(pool)
    .await
}

/// Products with a SKU like `sku` (trigram similarity), best first: a mistyped SKU.
pub async fn similar_sku_candidates(
    pool: &PgPool,
    sku: &str,
    terms: &[String],
    limit: i64,
) -> sqlx::Result<Vec<CandidateRow>> {
    sqlx::query_as!(
        CandidateRow,
        r#"select s.product_id, max(similarity(v.sku, $1))::real as "rank!", s.price_min_minor, s.created_at,
                  s.name, s.facets
           from (select v.product_id, v.sku from variant v where v.sku % $1
                 order by similarity(v.sku, $1) desc, v.variant_id limit $3) v
           join product_search s on s.product_id = v.product_id
           where cardinality($2::text[]) = 0 or s.facets @> $2
           group by s.product_id"#,
        sku,
        terms,
        limit
    )
    .fetch_all(pool)
    .await
}

/// For each word that no product uses, the most similar word that one does (trigram similarity), if any.
pub async fn corrections(pool: &PgPool, words: &[String]) -> sqlx::Result<Vec<(String, String)>> {
    let rows = sqlx::query!(
        r#"select u.word as "word!", c.word as "correction!"
           from unnest($1::text[]) as u(word)
           cross join lateral (
               select w.word from search_word w
               where w.word % u.word and w.word <> u.word
               order by similarity(w.word, u.word) desc, w.word
               limit 1) c
           where length(u.word) >= 3
             and not exists (select 1 from search_word e where e.word = u.word)"#,
        words
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.word, r.correction)).collect())
}

#[derive(Debug, Clone)]
pub struct CategoryHit {
    pub slug: String,
    pub name: String,
}

/// Categories whose name matches the query (the same full-text rules, prefix included).
pub async fn matching_categories(
    pool: &PgPool,
    q: &TextQuery<'_>,
    limit: i64,
) -> sqlx::Result<Vec<CategoryHit>> {
    sqlx::query_as!(
        CategoryHit,
        r#"with q as (select search_tsquery($1, $2, $3) as tsq)
           select c.slug, c.name from category c, q
           where to_tsvector('english', c.name) @@ q.tsq
           order by c.position, c.name limit $4"#,
        q.text,
        q.prefix,
        q.head,
        limit
    )
    .fetch_all(pool)
    .await
}

/// Names of products starting with the typed words, for suggestions as the shopper types.
#[derive(Debug, Clone)]
pub struct SuggestRow {
    pub slug: String,
    pub name: String,
}

pub async fn suggest_products(
    pool: &PgPool,
    q: &TextQuery<'_>,
    limit: i64,
) -> sqlx::Result<Vec<SuggestRow>> {
    sqlx::query_as!(
        SuggestRow,
        r#"with q as (select search_tsquery($1, $2, $3) as tsq),
           c as (select s.product_id, s.name, s.name_document from product_search s, q
                 where (s.name_document || search_facet_lexemes(s.facets)) @@ q.tsq limit 200)
           select p.slug, c.name from c join product p on p.product_id = c.product_id, q
           order by ts_rank_cd(c.name_document, q.tsq) desc, length(c.name), c.product_id
           limit $4"#,
        q.text,
        q.prefix,
        q.head,
        limit
    )
    .fetch_all(pool)
    .await
}

/// Facet candidates of a category listing: at most `cap` of its products with the filters, in id order, among the
/// first `scan` products of the category (`i64::MAX`: all of them).
pub async fn listing_candidates(
    pool: &PgPool,
    category_id: i64,
    terms: &[String],
    min_minor: Option<i64>,
    max_minor: Option<i64>,
    scan: i64,
    cap: i64,
) -> sqlx::Result<Vec<CandidateRow>> {
    sqlx::query_as!(
        CandidateRow,
        r#"select l.product_id as "product_id!", 0::real as "rank!", l.price_min_minor as "price_min_minor!",
                  l.created_at as "created_at!", l.name as "name!", l.facets as "facets!"
           from (select l.product_id, l.price_min_minor, l.created_at, l.name, l.facets
                 from product_listing l
                 where l.category_id = $1
                 order by l.product_id
                 limit $5) l
           where (cardinality($2::text[]) = 0 or l.facets @> $2)
             and ($3::bigint is null or l.price_min_minor >= $3)
             and ($4::bigint is null or l.price_min_minor < $4)
           order by l.product_id
           limit $6"#,
        category_id,
        terms,
        min_minor,
        max_minor,
        scan,
        cap
    )
    .fetch_all(pool)
    .await
}

/// Facet candidates of a category listing with facet filters: at most `cap` of its products carrying every term,
/// found by the full-text index (the category is one more facet term), so a filter that few products match costs
/// those few rows, not a scan of the category. A common filter stops in the first partition with `cap` matches.
/// "In stock" is checked on the row: true of most products, it is slower to intersect than to check.
pub async fn filtered_listing_candidates(
    pool: &PgPool,
    category_id: i64,
    terms: &[String],
    min_minor: Option<i64>,
    max_minor: Option<i64>,
    cap: i64,
) -> sqlx::Result<Vec<CandidateRow>> {
    sqlx::query_as!(
        CandidateRow,
        r#"select s.product_id, 0::real as "rank!", s.price_min_minor, s.created_at, s.name, s.facets
           from product_search s
           where (s.name_document || search_facet_lexemes(s.facets))
                     @@ search_facet_query(array_remove($2::text[], 'stock') || ('c:' || $1::bigint))
             and ('stock' <> all($2::text[]) or s.in_stock)
             and ($3::bigint is null or s.price_min_minor >= $3)
             and ($4::bigint is null or s.price_min_minor < $4)
           limit $5"#,
        category_id,
        terms,
        min_minor,
        max_minor,
        cap
    )
    .fetch_all(pool)
    .await
}

/// The products of a collection with the filters, at most `cap`, in the collection's order.
pub async fn collection_candidates(
    pool: &PgPool,
    collection_id: i64,
    terms: &[String],
    min_minor: Option<i64>,
    max_minor: Option<i64>,
    cap: i64,
) -> sqlx::Result<Vec<CandidateRow>> {
    sqlx::query_as!(
        CandidateRow,
        r#"select s.product_id, (-cp.position)::real as "rank!", s.price_min_minor, s.created_at, s.name, s.facets
           from collection_product cp join product_search s on s.product_id = cp.product_id
           where cp.collection_id = $1
             and (cardinality($2::text[]) = 0 or s.facets @> $2)
             and ($3::bigint is null or s.price_min_minor >= $3)
             and ($4::bigint is null or s.price_min_minor < $4)
           order by cp.position, cp.product_id
           limit $5"#,
        collection_id,
        terms,
        min_minor,
        max_minor,
        cap
    )
    .fetch_all(pool)
    .await
}

#[derive(Debug, Clone)]
pub struct CollectionRow {
    pub collection_id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
}

pub async fn collection_by_slug(pool: &PgPool, slug: &str) -> sqlx::Result<Option<CollectionRow>> {
    sqlx::query_as!(
        CollectionRow,
        "select collection_id, slug, name, description from collection where slug = $1",
        slug
    )
    .fetch_optional(pool)
    .await
}

/// Rebuilds the search rows of every product in a category's subtree (after a rename or move), in batches.
pub async fn refresh_category_batch(
    pool: &PgPool,
    category_id: i64,
    after_product: i64,
    batch: i64,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        r#"with recursive down(category_id, depth) as (
               select $1::bigint, 0
               union all
               select c.category_id, down.depth + 1 from category c join down on c.parent_id = down.category_id
               where down.depth < 32),
           ids as (select p.product_id from product p
                   where p.category_id in (select category_id from down) and p.product_id > $2
                   order by p.product_id limit $3),
           done as (select search_refresh(array(select product_id from ids)))
           select max(ids.product_id) from ids, done"#,
        category_id,
        after_product,
        batch
    )
    .fetch_one(pool)
    .await
}
