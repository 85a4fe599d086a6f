//! Sitemaps for search engines: an index of chunks of at most 50,000 URLs each (the sitemap protocol's limit).
//! Product chunks are ranges of product ids, so a chunk is read with the primary key and streamed page by page;
//! the catalog chunk holds the home page, categories and collections. All reads go to the read pool.

use crate::db::seo as db;
use crate::error::AppError;
use crate::{AppState, OrInternal};

/// Product ids per chunk, so no chunk can exceed the protocol's 50,000 URLs.
pub const CHUNK: i64 = 50_000;
/// Rows read per page while a chunk streams.
const PAGE: i64 = 5_000;

/// The sitemap index: the catalog chunk, then one chunk per range of product ids.
pub async fn index(state: &AppState, origin: &str) -> Result<String, AppError> {
    let max = db::max_product_id(&state.read_pool.0)
        .await
        .or_internal("sizing the sitemap")?;
    let chunks = (max + CHUNK - 1) / CHUNK;
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    xml.push_str(&format!(
        "<sitemap><loc>{origin}/sitemaps/catalog.xml</loc></sitemap>\n"
    ));
    for n in 0..chunks {
        xml.push_str(&format!(
            "<sitemap><loc>{origin}/sitemaps/products-{n}.xml</loc></sitemap>\n"
        ));
    }
    xml.push_str("</sitemapindex>\n");
    Ok(xml)
}

pub const URLSET_OPEN: &str =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
pub const URLSET_CLOSE: &str = "</urlset>\n";

fn url(out: &mut String, origin: &str, path: &str, lastmod: Option<chrono::DateTime<chrono::Utc>>) {
    out.push_str("<url><loc>");
    out.push_str(origin);
    out.push_str(&escape(path));
    out.push_str("</loc>");
    if let Some(t) = lastmod {
        out.push_str("<lastmod>");
        out.push_str(&t.format("%Y-%m-%dT%H:%M:%SZ").to_string());
        out.push_str("</lastmod>");
    }
    out.push_str("</url>\n");
}

/// Slugs are `[a-z0-9-]` by the schema's checks; escaping anyway keeps the XML valid whatever they become.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// The home page, every category and collection with something to show.
pub async fn catalog(state: &AppState, origin: &str) -> Result<String, AppError> {
    let pool = &state.read_pool.0;
    let (categories, collections) = tokio::try_join!(db::categories(pool), db::collections(pool))
        .or_internal("listing sitemap pages")?;
    let mut xml = String::from(URLSET_OPEN);
    url(&mut xml, origin, "/", None);
    for c in categories {
        url(
            &mut xml,
            origin,
            &format!("/c/{}", c.slug),
            Some(c.updated_at),
        );
    }
    for c in collections {
        url(
            &mut xml,
            origin,
            &format!("/collections/{}", c.slug),
            Some(c.updated_at),
        );
    }
    xml.push_str(URLSET_CLOSE);
    Ok(xml)
}

/// Whether product chunk `n` exists (so a request for another one is a 404).
pub async fn has_product_chunk(state: &AppState, n: i64) -> Result<bool, AppError> {
    let max = db::max_product_id(&state.read_pool.0)
        .await
        .or_internal("sizing the sitemap")?;
    Ok(n >= 0 && n < (max + CHUNK - 1) / CHUNK)
}

/// One page of product chunk `n` after product id `after` (start with `n * CHUNK`): the XML of its URLs and
/// where the next page starts, if there is one.
pub async fn product_page(
    state: &AppState,
    origin: &str,
    n: i64,
    after: i64,
) -> Result<(String, Option<i64>), AppError> {
    let up_to = (n + 1) * CHUNK;
    let rows = db::products(&state.read_pool.0, after, up_to, PAGE)
        .await
        .or_internal("listing sitemap products")?;
    let next = (rows.len() as i64 == PAGE)
        .then(|| rows.last().map(|r| r.id))
        .flatten();
    let mut xml = String::new();
    for r in rows {
        url(
            &mut xml,
            origin,
            &format!("/p/{}", r.slug),
            Some(r.updated_at),
        );
    }
    Ok((xml, next))
}
