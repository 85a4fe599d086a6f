use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};

/// The site's public origin ("https://shop.example"), provided on the server so OpenGraph URLs are absolute.
#[derive(Clone, Debug)]
pub struct PublicUrl(pub String);

/// `<title>`, meta description and OpenGraph tags for a page.
#[component]
pub fn PageMeta(
    title: String,
    description: String,
    #[prop(default = None)] image: Option<String>,
    #[prop(default = "website")] kind: &'static str,
    /// The page's canonical path ("/c/clothing"): a filtered, sorted or paged listing names its plain listing.
    #[prop(default = None)]
    canonical: Option<String>,
    /// Keep the page out of search engines' indexes (its links are still followed).
    #[prop(optional)]
    noindex: bool,
) -> impl IntoView {
    let origin = use_context::<PublicUrl>()
        .map(|u| u.0)
        .unwrap_or_else(browser_origin);
    let absolute = move |url: String| {
        if url.starts_with('/') {
            format!("{origin}{url}")
        } else {
            url
        }
    };
    let full_title = if title == "Bazaar" {
        title.clone()
    } else {
        format!("{title} · Bazaar")
    };
    view! {
        <Title text=full_title/>
        <Meta name="description" content=description.clone()/>
        <Meta property="og:title" content=title/>
        <Meta property="og:description" content=description/>
        <Meta property="og:type" content=kind/>
        <Meta property="og:site_name" content="Bazaar"/>
        {image.map(|url| view! { <Meta property="og:image" content=absolute(url)/> })}
        {canonical.map(|path| view! { <Link rel="canonical" href=absolute(path)/> })}
        {noindex.then(|| view! { <Meta name="robots" content="noindex, follow"/> })}
    }
}

/// The product page's schema.org JSON-LD (`Product` with its offers, `BreadcrumbList`), for search engines.
#[component]
pub fn ProductStructuredData(product: crate::domain::catalog::ProductDetail) -> impl IntoView {
    let origin = use_context::<PublicUrl>()
        .map(|u| u.0)
        .unwrap_or_else(browser_origin);
    let json = crate::domain::seo::product_json_ld(&product, &origin);
    view! { <script type="application/ld+json" inner_html=json></script> }
}

/// In the browser (after client-side navigation) the page's own origin; on the server `PublicUrl` is provided.
fn browser_origin() -> String {
    #[cfg(not(feature = "ssr"))]
    {
        window().location().origin().unwrap_or_default()
    }
    #[cfg(feature = "ssr")]
    {
        String::new()
    }
}

/// Marks the page being rendered as personal (checkout, an order): never stored by the page cache or a CDN.
pub fn private_page() {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.insert_header(
            http::header::CACHE_CONTROL,
            http::HeaderValue::from_static("private, no-store"),
        );
    }
}
