//! `robots.txt` and the sitemaps (`/sitemap.xml`, an index of `/sitemaps/catalog.xml` and
//! `/sitemaps/products-<n>.xml`), streamed: a chunk of 50,000 products leaves page by page, never whole in memory.

use super::SiteState;
use app::components::page_meta::PublicUrl;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use backend::AppState;
use futures_util::stream::{self, StreamExt};

pub fn routes() -> Router<SiteState> {
    Router::new()
        .route("/robots.txt", get(robots))
        .route("/sitemap.xml", get(index))
        .route("/sitemaps/{file}", get(chunk))
}

/// Search engines may come back for these within the hour; a CDN may hold them as long.
const CACHE: &str = "public, max-age=3600";

async fn robots(State(origin): State<PublicUrl>) -> Response {
    let body = format!(
        "User-agent: *\nDisallow: /cart\nDisallow: /checkout\nDisallow: /orders/\nDisallow: /account\n\
         Disallow: /admin\nDisallow: /api/\nDisallow: /search\n\nSitemap: {}/sitemap.xml\n",
        origin.0
    );
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, CACHE),
        ],
        body,
    )
        .into_response()
}

fn xml(body: Body) -> Response {
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/xml; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(CACHE));
    response
}

fn unavailable() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, "60")],
        "The sitemap is not available right now; please try again later.",
    )
        .into_response()
}

async fn index(State(state): State<AppState>, State(origin): State<PublicUrl>) -> Response {
    match backend::seo::index(&state, &origin.0).await {
        Ok(body) => xml(Body::from(body)),
        Err(_) => unavailable(),
    }
}

async fn chunk(
    State(state): State<AppState>,
    State(origin): State<PublicUrl>,
    Path(file): Path<String>,
) -> Response {
    let not_found = || (StatusCode::NOT_FOUND, "No such sitemap.").into_response();
    if file == "catalog.xml" {
        return match backend::seo::catalog(&state, &origin.0).await {
            Ok(body) => xml(Body::from(body)),
            Err(_) => unavailable(),
        };
    }
    let Some(n) = file
        .strip_prefix("products-")
        .and_then(|f| f.strip_suffix(".xml"))
        .filter(|n| n.len() <= 9 && n.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|n| n.parse::<i64>().ok())
    else {
        return not_found();
    };
    match backend::seo::has_product_chunk(&state, n).await {
        Ok(true) => {}
        Ok(false) => return not_found(),
        Err(_) => return unavailable(),
    }
    let open = stream::once(async { Ok(Bytes::from_static(backend::seo::URLSET_OPEN.as_bytes())) });
    let pages = stream::unfold(Some(n * backend::seo::CHUNK), move |after| {
        let state = state.clone();
        let origin = origin.0.clone();
        async move {
            let after = after?;
            Some(
                match backend::seo::product_page(&state, &origin, n, after).await {
                    Ok((body, next)) => (Ok(Bytes::from(body)), next),
                    // Ends the stream with an error: the client sees a failed download, never a cut sitemap.
                    Err(_) => (
                        Err(std::io::Error::other("the sitemap stopped part way")),
                        None,
                    ),
                },
            )
        }
    });
    let close =
        stream::once(async { Ok(Bytes::from_static(backend::seo::URLSET_CLOSE.as_bytes())) });
    xml(Body::from_stream(open.chain(pages).chain(close)))
}
