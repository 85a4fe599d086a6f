//! Static files. `/pkg` holds the build's JS, wasm and CSS under content-hashed names (cargo-leptos `hash-files`),
//! so they are cached for a year as immutable; a CDN can keep them too. `/static` holds the scripts the app
//! sends as written (client-side navigation, the cart in place), also under content-hashed names. `/media` holds product images.

use axum::http::{header, HeaderValue};
use axum::routing::get;
use axum::Router;
use leptos::config::LeptosOptions;
use std::path::{Path, PathBuf};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
pub const MEDIA: &str = "public, max-age=86400, stale-while-revalidate=604800";

pub fn routes(options: &LeptosOptions, media_dir: &Path) -> Router<super::SiteState> {
    let pkg = PathBuf::from(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    let scripts = app::request::assets::all()
        .into_iter()
        .fold(Router::new(), |router, script| {
            router.route(
                &script.path,
                get(move || async move {
                    (
                        [
                            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
                            (header::CACHE_CONTROL, IMMUTABLE),
                        ],
                        script.body.as_str(),
                    )
                }),
            )
        });
    scripts
        .nest_service(
            "/pkg",
            Router::new()
                .fallback_service(ServeDir::new(pkg).precompressed_br().precompressed_gzip())
                .layer(SetResponseHeaderLayer::overriding(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static(IMMUTABLE),
                )),
        )
        .nest_service(
            "/media",
            Router::new()
                .fallback_service(ServeDir::new(media_dir))
                .layer(SetResponseHeaderLayer::overriding(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static(MEDIA),
                )),
        )
}
