//! The browser entry point. Pages are rendered on the server; the browser wakes up only the islands in them
//! (`#[island]` components in `app`), so the wasm holds just their code.

// Links the `app` crate, whose islands are exported to JavaScript (`_island_*`) for `hydrate_islands` to find.
#[allow(unused_imports)]
use app::*;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
