//! The cart as the whole page shares it: the three cart actions, the cart resource that they refresh, and the
//! localStorage snapshot that keeps the header count in step across tabs.

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
    /// The count another tab reported, shown until this tab's own cart has been fetched again.
    other_tab_count: RwSignal<Option<u32>>,
}

impl CartState {
    /// Creates the state and provides it as context. Call inside the `<Router>`, so that an action's error from a
    /// no-JavaScript form post (carried in the URL) reaches its action.
    pub fn provide() -> Self {
        // `<Routes>` puts a no-JS post's error (`?__err=…&__path=…`) into context only when it renders, which is
        // after this; put it there now so the actions below start with it as their value.
        leptos_router::hooks::use_url()
            .read_untracked()
            .provide_server_action_error();
        let add = ServerAction::<AddToCart>::new();
        let update = ServerAction::<UpdateCartLine>::new();
        let remove = ServerAction::<RemoveCartLine>::new();
        let external = RwSignal::new(0u32);
        let cart = Resource::new(
            move || {
                (
                    add.version().get(),
                    update.version().get(),
                    remove.version().get(),
                    external.get(),
                )
            },
            |_| get_cart(),
        );
        let state = CartState {
            add,
            update,
            remove,
            cart,
            other_tab_count: RwSignal::new(None),
        };

        // Browser only (effects do not run on the server): publish every fresh cart to the other tabs...
        Effect::new(move |_| {
            if let Some(Ok(cart)) = cart.get() {
                state.other_tab_count.set(None);
                write_snapshot(CartSnapshot {
                    item_count: cart.item_count,
                });
            }
        });
        // ...and follow theirs: show their count at once, then fetch the cart so every view of it agrees.
        Effect::new(move |_| {
            let handle = window_event_listener(leptos::ev::storage, move |event| {
                if event.key().as_deref() == Some(SNAPSHOT_KEY) {
                    if let Some(snapshot) = read_snapshot() {
                        state.other_tab_count.set(Some(snapshot.item_count));
                    }
                    external.update(|n| *n = n.wrapping_add(1));
                }
            });
            on_cleanup(move || handle.remove());
        });
        provide_context(state);
        state
    }

    /// The number of items for the header: another tab's fresh count if there is one, else this tab's cart.
    pub fn item_count(&self) -> Option<u32> {
        self.other_tab_count
            .get()
            .or_else(|| self.cart.get().and_then(|c| c.ok()).map(|c| c.item_count))
    }
}

pub fn use_cart() -> CartState {
    expect_context::<CartState>()
}

fn write_snapshot(snapshot: CartSnapshot) {
    use gloo_storage::Storage;
    // Private browsing can refuse storage; the count still works, only other tabs are not told.
    let _ = gloo_storage::LocalStorage::set(SNAPSHOT_KEY, snapshot);
}

fn read_snapshot() -> Option<CartSnapshot> {
    use gloo_storage::Storage;
    gloo_storage::LocalStorage::get(SNAPSHOT_KEY).ok()
}
