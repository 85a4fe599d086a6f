//! The cart actions as pages share them. A form posts to its action's server function, which redirects back to
//! the page; an error comes back in the URL and is put into the action's value before the page renders. The cart
//! itself is read only by the pages that show it (cart, checkout): catalog pages are the same for every shopper.
//!
//! In the browser, the [`CartCount`](crate::components::layout) island asks for the item count and keeps it in a
//! localStorage snapshot, so the next page shows it at once and other tabs follow this one.

use crate::api::cart::{AddToCart, RemoveCartLine, UpdateCartLine};
use crate::domain::cart::CartSnapshot;
use leptos::prelude::*;

pub const SNAPSHOT_KEY: &str = "bazaar.cart";

#[derive(Clone, Copy)]
pub struct CartState {
    pub add: ServerAction<AddToCart>,
    pub update: ServerAction<UpdateCartLine>,
    pub remove: ServerAction<RemoveCartLine>,
}

impl CartState {
    /// Creates the state and provides it as context. Call inside the `<Router>`, so that an action's error from a
    /// form post (carried in the URL) reaches its action.
    pub fn provide() -> Self {
        // `<Routes>` puts a form post's error (`?__err=…&__path=…`) into context only when it renders, which is
        // after this; put it there now so the actions below start with it as their value.
        leptos_router::hooks::use_url()
            .read_untracked()
            .provide_server_action_error();
        let state = CartState {
            add: ServerAction::<AddToCart>::new(),
            update: ServerAction::<UpdateCartLine>::new(),
            remove: ServerAction::<RemoveCartLine>::new(),
        };
        provide_context(state);
        state
    }
}

pub fn use_cart() -> CartState {
    expect_context::<CartState>()
}

pub fn write_snapshot(snapshot: CartSnapshot) {
    use gloo_storage::Storage;
    // Private browsing can refuse storage; the count still works, only other tabs are not told.
    let _ = gloo_storage::LocalStorage::set(SNAPSHOT_KEY, snapshot);
}

pub fn read_snapshot() -> Option<CartSnapshot> {
    use gloo_storage::Storage;
    gloo_storage::LocalStorage::get(SNAPSHOT_KEY).ok()
}
