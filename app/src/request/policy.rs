//! One table of what each route is, read by every layer that treats routes differently: admission (checkout's
//! own lane), the per-IP rate limits, the page cache, and the Content-Security-Policy of payment pages. A new
//! route is described here once. Server functions appear by their own `PATH`, so renaming an endpoint cannot
//! leave a policy behind.

use crate::api::{account, cart, checkout};
use leptos::server_fn::ServerFn;

/// Which lane of admission control a request waits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    /// Cart, checkout, orders and payment webhooks: their own slots, kept when browsing is shed.
    Checkout,
    /// Everything else a shopper does: shed first under overload.
    Browse,
    /// Health checks and static files: never queued.
    Exempt,
}

/// Which per-IP rate limit a request counts against, besides the general one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Placing or paying for an order (card testing, order floods).
    Orders,
    /// Trying a password, making an account, asking for a reset email.
    SignIn,
    /// Only the general per-IP limit.
    General,
    /// No limit: health checks, static files, the provider's signed webhooks.
    None,
}

/// What the page cache (and a CDN) may do with a route's rendered page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// Not a page: server functions, webhooks, files.
    No,
    /// The same for every shopper, cart or account or not: nothing personal is rendered into it (the header's
    /// cart count comes from an island). Shared with everyone, whatever cookies the request carries.
    Shared,
    /// May show who is asking (cart, checkout, account, admin, and any path not described here): shared only
    /// between shoppers without a Bazaar cookie, and then only when the page does not call itself private.
    Personal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoutePolicy {
    pub lane: Lane,
    pub limit: Limit,
    pub page: Page,
    /// A page that takes payments: its CSP allows the payment provider's origins.
    pub takes_payments: bool,
}

const fn policy(lane: Lane, limit: Limit, page: Page, takes_payments: bool) -> RoutePolicy {
    RoutePolicy {
        lane,
        limit,
        page,
        takes_payments,
    }
}

const STATIC: RoutePolicy = policy(Lane::Exempt, Limit::None, Page::No, false);
/// Server-sent events: long-lived, so outside admission's in-flight slots (they have their own cap); opening one
/// counts against the general per-IP limit.
const EVENTS: RoutePolicy = policy(Lane::Exempt, Limit::General, Page::No, false);
const WEBHOOK: RoutePolicy = policy(Lane::Checkout, Limit::None, Page::No, false);
const ORDER_WRITE: RoutePolicy = policy(Lane::Checkout, Limit::Orders, Page::No, false);
const CHECKOUT_CALL: RoutePolicy = policy(Lane::Checkout, Limit::General, Page::No, false);
const SIGN_IN: RoutePolicy = policy(Lane::Browse, Limit::SignIn, Page::No, false);
const API: RoutePolicy = policy(Lane::Browse, Limit::General, Page::No, false);
const CART_PAGE: RoutePolicy = policy(Lane::Checkout, Limit::General, Page::Personal, false);
const PAYMENT_PAGE: RoutePolicy = policy(Lane::Checkout, Limit::General, Page::Personal, true);
const CATALOG_PAGE: RoutePolicy = policy(Lane::Browse, Limit::General, Page::Shared, false);
const PAGE: RoutePolicy = policy(Lane::Browse, Limit::General, Page::Personal, false);

/// How a rule matches a path.
enum Path {
    /// This path exactly (a server function's endpoint).
    Is(&'static str),
    /// This path and everything below it.
    Under(&'static str),
}

pub use crate::pages::product::LIVE_STOCK;

/// First match wins; a path that matches nothing is a page that may be personal (accounts, admin, not found).
const RULES: &[(Path, RoutePolicy)] = &[
    (Path::Under("/healthz"), STATIC),
    (Path::Under("/readyz"), STATIC),
    (Path::Under("/pkg/"), STATIC),
    (Path::Under("/static/"), STATIC),
    (Path::Under("/media/"), STATIC),
    (Path::Under("/favicon"), STATIC),
    (Path::Under("/webhooks/"), WEBHOOK),
    (Path::Under(LIVE_STOCK), EVENTS),
    (Path::Is(checkout::PlaceOrder::PATH), ORDER_WRITE),
    (Path::Is(checkout::PayOrder::PATH), ORDER_WRITE),
    (Path::Is(checkout::RequestReturn::PATH), ORDER_WRITE),
    (Path::Is(checkout::GetCheckout::PATH), CHECKOUT_CALL),
    (Path::Is(checkout::SaveCheckoutContact::PATH), CHECKOUT_CALL),
    (
        Path::Is(checkout::SaveCheckoutShipping::PATH),
        CHECKOUT_CALL,
    ),
    (Path::Is(checkout::GetOrder::PATH), CHECKOUT_CALL),
    (Path::Is(cart::GetCart::PATH), CHECKOUT_CALL),
    (Path::Is(cart::AddToCart::PATH), CHECKOUT_CALL),
    (Path::Is(cart::UpdateCartLine::PATH), CHECKOUT_CALL),
    (Path::Is(cart::RemoveCartLine::PATH), CHECKOUT_CALL),
    (Path::Is(account::SignIn::PATH), SIGN_IN),
    (Path::Is(account::SignUp::PATH), SIGN_IN),
    (Path::Is(account::RequestPasswordReset::PATH), SIGN_IN),
    (Path::Is(account::CheckResetToken::PATH), SIGN_IN),
    (Path::Is(account::ResetPassword::PATH), SIGN_IN),
    (Path::Is(account::ChangePassword::PATH), SIGN_IN),
    (Path::Is(account::ChangeEmail::PATH), SIGN_IN),
    (Path::Under("/api/"), API),
    (Path::Under("/cart"), CART_PAGE),
    (Path::Under("/checkout"), PAYMENT_PAGE),
    (Path::Under("/orders/"), PAYMENT_PAGE),
    (Path::Is("/"), CATALOG_PAGE),
    (Path::Under("/c/"), CATALOG_PAGE),
    (Path::Under("/p/"), CATALOG_PAGE),
    (Path::Is("/search"), CATALOG_PAGE),
    (Path::Under("/collections/"), CATALOG_PAGE),
];

/// The policy of the route a request path names.
pub fn of(path: &str) -> RoutePolicy {
    RULES
        .iter()
        .find(|(rule, _)| match rule {
            Path::Is(p) => path == *p,
            Path::Under(p) => path.starts_with(p),
        })
        .map_or(PAGE, |(_, policy)| *policy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_family_has_its_policy() {
        assert_eq!(of("/api/checkout/place"), ORDER_WRITE);
        assert_eq!(of("/api/order/pay"), ORDER_WRITE);
        assert_eq!(of("/api/order/return"), ORDER_WRITE);
        assert_eq!(of("/api/order").lane, Lane::Checkout);
        assert_eq!(of("/api/cart/add"), CHECKOUT_CALL);
        for path in [
            "/api/account/sign-in",
            "/api/account/sign-up",
            "/api/account/forgot",
            "/api/account/reset",
            "/api/account/reset-check",
            "/api/account/password",
            "/api/account/email",
        ] {
            assert_eq!(of(path).limit, Limit::SignIn, "{path}");
        }
        assert_eq!(of("/api/account/sign-out"), API);
        assert_eq!(of("/api/account/addresses"), API);
        assert_eq!(of("/api/category"), API);
        assert_eq!(of("/webhooks/stripe"), WEBHOOK);
        assert_eq!(of("/pkg/bazaar.wasm"), STATIC);
        assert_eq!(of("/readyz"), STATIC);
        assert_eq!(of("/events/stock/linen-shirt"), EVENTS);
        assert_eq!(of("/checkout/review"), PAYMENT_PAGE);
        assert_eq!(of("/orders/BZ-1"), PAYMENT_PAGE);
        assert_eq!(of("/cart"), CART_PAGE);
        assert_eq!(of("/c/clothing"), CATALOG_PAGE);
        assert_eq!(of("/p/tee"), CATALOG_PAGE);
        assert_eq!(of("/"), CATALOG_PAGE);
        assert_eq!(of("/search"), CATALOG_PAGE);
        assert_eq!(of("/collections/gift-ideas"), CATALOG_PAGE);
        for path in [
            "/account",
            "/account/addresses",
            "/admin/orders",
            "/no-such-page",
            "/searching",
        ] {
            assert_eq!(of(path), PAGE, "{path}");
        }
    }

    #[test]
    fn server_function_paths_are_where_the_table_expects() {
        // The table names endpoints by their constants; this pins the URLs that clients and proxies see.
        assert_eq!(checkout::PlaceOrder::PATH, "/api/checkout/place");
        assert_eq!(account::SignIn::PATH, "/api/account/sign-in");
    }
}
