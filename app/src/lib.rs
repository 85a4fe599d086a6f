//! Bazaar's storefront app, shared by the server (feature `ssr`) and the browser (feature `hydrate`).

// Leptos views are deeply nested types; the release wasm build needs more room than the default 128.
#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod request;

/// The shared core, under the names the pages and server functions use.
pub use bazaar_core::{domain, error};

use components::cart_state::CartState;
use components::error_view::NotFoundPage;
use components::layout::{Footer, Header};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, MetaTags};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{ParamSegment, SsrMode, StaticSegment};
use pages::account::{
    AccountPage, AccountSettingsPage, AddressesPage, ForgotPasswordPage, ResetPasswordPage,
    SignInPage, SignUpPage,
};
use pages::admin::{
    AdminHome, AdminLayout, AdminOrderPage, AuditPage, CategoriesPage, CustomerPage, CustomersPage,
    DiscountsPage, FlagsPage, ImportPage, ImportsPage, OrdersPage, ProductEditPage, ProductsPage,
    StockPage,
};
use pages::checkout::{contact::CheckoutPage, review::ReviewPage, shipping::ShippingPage};
use pages::{
    cart::CartPage, category::CategoryPage, collection::CollectionPage, home::HomePage,
    order::OrderPage, product::ProductPage, search::SearchPage,
};

/// The HTML document around the app; rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    request::csp::set_for_page();
    // Client-side navigation between catalog pages (a module: it runs once the page is parsed).
    #[cfg(feature = "ssr")]
    let navigation = Some(request::assets::NAVIGATION.path.as_str());
    #[cfg(not(feature = "ssr"))]
    let navigation = None::<&str>;
    #[cfg(feature = "ssr")]
    let stylesheet = request::assets::stylesheet(&options);
    #[cfg(not(feature = "ssr"))]
    let stylesheet = "";
    // The islands loader, after the nonce is set (leptos' `HydrationScripts`, rendered once per process).
    #[cfg(feature = "ssr")]
    let island_scripts = request::assets::island_scripts(&options);
    #[cfg(not(feature = "ssr"))]
    let island_scripts = ();
    let nonce = leptos::nonce::use_nonce();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#1c1917"/>
                <AutoReload options=options.clone()/>
                <link rel="stylesheet" id="leptos" href=stylesheet/>
                {island_scripts}
                {navigation.map(|src| view! { <script type="module" src=src nonce=nonce></script> })}
                <MetaTags/>
            </head>
            <body class="min-h-screen bg-stone-50 text-stone-900 antialiased">
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml"/>
        <Router>
            <Storefront/>
        </Router>
    }
}

/// Everything inside the router. Every route renders fully on the server before it is sent (`SsrMode::Async`), so
/// shoppers without JavaScript and crawlers get complete pages with the right status code. Pages are server
/// components: only the `#[island]`s in them (cart count, recently viewed, sort select, …) ship to the browser.
#[component]
fn Storefront() -> impl IntoView {
    CartState::provide();
    view! {
        <Header/>
        <main id="main" class="mx-auto max-w-6xl px-4 py-6 sm:py-10">
            <Routes fallback=NotFoundPage>
                <Route path=StaticSegment("") view=HomePage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("c"), ParamSegment("slug")) view=CategoryPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("p"), ParamSegment("slug")) view=ProductPage ssr=SsrMode::Async/>
                <Route path=StaticSegment("search") view=SearchPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("collections"), ParamSegment("slug")) view=CollectionPage ssr=SsrMode::Async/>
                <Route path=StaticSegment("cart") view=CartPage ssr=SsrMode::Async/>
                <Route path=StaticSegment("checkout") view=CheckoutPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("checkout"), StaticSegment("shipping")) view=ShippingPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("checkout"), StaticSegment("review")) view=ReviewPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("orders"), ParamSegment("number")) view=OrderPage ssr=SsrMode::Async/>
                <Route path=StaticSegment("account") view=AccountPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("account"), StaticSegment("sign-in")) view=SignInPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("account"), StaticSegment("sign-up")) view=SignUpPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("account"), StaticSegment("forgot")) view=ForgotPasswordPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("account"), StaticSegment("reset")) view=ResetPasswordPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("account"), StaticSegment("settings")) view=AccountSettingsPage ssr=SsrMode::Async/>
                <Route path=(StaticSegment("account"), StaticSegment("addresses")) view=AddressesPage ssr=SsrMode::Async/>
                // The admin area: every page under /admin renders inside the guarded layout.
                <ParentRoute path=StaticSegment("admin") view=AdminLayout ssr=SsrMode::Async>
                    <Route path=StaticSegment("") view=AdminHome/>
                    <Route path=StaticSegment("orders") view=OrdersPage/>
                    <Route path=(StaticSegment("orders"), ParamSegment("number")) view=AdminOrderPage/>
                    <Route path=StaticSegment("products") view=ProductsPage/>
                    <Route path=(StaticSegment("products"), ParamSegment("id")) view=ProductEditPage/>
                    <Route path=StaticSegment("categories") view=CategoriesPage/>
                    <Route path=StaticSegment("stock") view=StockPage/>
                    <Route path=StaticSegment("customers") view=CustomersPage/>
                    <Route path=(StaticSegment("customers"), ParamSegment("id")) view=CustomerPage/>
                    <Route path=StaticSegment("discounts") view=DiscountsPage/>
                    <Route path=StaticSegment("imports") view=ImportsPage/>
                    <Route path=(StaticSegment("imports"), ParamSegment("id")) view=ImportPage/>
                    <Route path=StaticSegment("audit") view=AuditPage/>
                    <Route path=StaticSegment("flags") view=FlagsPage/>
                </ParentRoute>
            </Routes>
        </main>
        <Footer/>
        <HydrationMarker/>
    }
}

/// Sets `data-hydrated` on `<body>` once the page's islands are live in the browser, so end-to-end tests wait
/// for it instead of sleeping.
#[island]
fn HydrationMarker() -> impl IntoView {
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}
