//! The cart as a page shares it: the three cart actions and the cart resource, rendered on the server. A form
//! posts to its action's server function, which redirects back to the page; an error comes back in the URL and
//! is put into the action's value before the page renders.
//!
//! In the browser, the [`CartCount`](crate::components::layout) island keeps a localStorage snapshot of the item
//! count, so other tabs follow this one.

use crate::api::cart::{get_cart, AddToCart, RemoveCartLine, UpdateCartLine};
use crate::domain::cart::{CartSnapshot, CartView};
use crate::error::AppError;
use leptos::prelude::*;

pub const SNAPSHOT_KEY: &str = "bazaar.cart";

#[derive(Clone, Copy)]
pub struct CartState {
    pub add: ServerAction<AddToCart>,
    pub update: ServerAction<UpdateCartLine>,
    pub remove: ServerAction<RemoveCartLine>,
    pub cart: Resource<Result<CartView, AppError>>,
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
            cart: Resource::new(|| (), |_| get_cart()),
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
