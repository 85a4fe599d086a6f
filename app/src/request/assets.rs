//! Scripts the server sends as they are written, outside the wasm bundle: the client-side navigation
//! (`app/js/navigation.js`, loaded by every page) and the cart in place (`app/js/cart.js`, which navigation.js
//! imports on a cart form's first use, so it is not part of the first load). Each is served without its comment lines and indentation (a shopper's first load
//! has a byte budget) under a name carrying a hash of that content, so it is cached for a year as immutable and
//! a new release can never meet an old copy.

use leptos::prelude::*;
use leptos::tachys::html::InertElement;
use std::sync::{LazyLock, OnceLock};

const NAVIGATION_SOURCE: &str = include_str!("../../js/navigation.js");
const CART_SOURCE: &str = include_str!("../../js/cart.js");
/// Where navigation.js names the cart script; replaced by its hashed path, so a new cart script renames both.
const CART_PLACEHOLDER: &str = "__CART_SCRIPT__";

pub struct Script {
    pub path: String,
    pub body: String,
}

pub static CART: LazyLock<Script> = LazyLock::new(|| script("cart", CART_SOURCE));
pub static NAVIGATION: LazyLock<Script> = LazyLock::new(|| {
    script(
        "navigation",
        &NAVIGATION_SOURCE.replace(CART_PLACEHOLDER, &CART.path),
    )
});

/// Every script served under `/static`.
pub fn all() -> [&'static Script; 2] {
    [&NAVIGATION, &CART]
}

/// The stylesheet's path, with the hash cargo-leptos gave its name: read once from the hash file next to the binary
/// (leptos_meta's `HashedStylesheet` reads that file again for every page it renders).
pub fn stylesheet(options: &LeptosOptions) -> &'static str {
    static PATH: OnceLock<String> = OnceLock::new();
    PATH.get_or_init(|| {
        let mut name = options.output_name.to_string();
        if options.hash_files {
            let hashes = std::env::current_exe()
                .ok()
                .and_then(|exe| Some(exe.parent()?.join(options.hash_file.as_ref())))
                .and_then(|path| std::fs::read_to_string(path).ok())
                .unwrap_or_default();
            let css = hashes
                .lines()
                .filter_map(|line| line.trim().split_once(':'))
                .find(|(file, _)| *file == "css");
            if let Some((_, hash)) = css {
                name.push('.');
                name.push_str(hash.trim());
            }
        }
        format!("/{}/{name}.css", options.site_pkg_dir)
    })
}

/// The islands loader (preloads of the bundle and its wasm, and the module script that hydrates the islands) exactly
/// as leptos' `HydrationScripts` writes it, rendered once per process: that component looks up the executable and
/// reads the hash file for every page it renders (3 % of a rendered page's CPU). Each page gets the tags with its
/// own nonce, put in place of the nonce of the page they were first rendered for.
pub fn island_scripts(options: &LeptosOptions) -> InertElement {
    static RENDERED: OnceLock<(String, Option<String>)> = OnceLock::new();
    let nonce = leptos::nonce::use_nonce().map(|n| n.to_string());
    let render = || view! { <HydrationScripts options=options.clone() islands=true/> }.to_html();
    let (html, first_nonce) = RENDERED.get_or_init(|| (render(), nonce.clone()));
    // What `HydrationScripts` does besides writing its tags: in islands mode, the page itself is not hydrated.
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    InertElement::new(match (first_nonce, &nonce) {
        (Some(first), Some(now)) => html.replace(first.as_str(), now),
        (None, None) => html.clone(),
        // A page with a nonce when the first had none, or the other way round: rendered afresh.
        _ => render(),
    })
}

fn script(name: &str, source: &str) -> Script {
    let body = strip_comment_lines(source);
    Script {
        path: format!("/static/{name}.{:016x}.js", fnv1a(body.as_bytes())),
        body,
    }
}

/// Drops whole-line comments (`// …` and `/** … */` blocks) and leading indentation. Our scripts keep comments
/// on lines of their own and no multi-line strings, so what is left is the same program.
fn strip_comment_lines(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut in_block = false;
    for line in source.lines().map(str::trim_start) {
        if in_block {
            in_block = !line.contains("*/");
            continue;
        }
        if line.starts_with("/*") {
            in_block = !line.contains("*/");
            continue;
        }
        if line.is_empty() || line.starts_with("//") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// FNV-1a (64 bits): a stable content hash for a file name, not a security measure.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_path_names_the_content() {
        assert!(NAVIGATION.path.starts_with("/static/navigation."));
        assert_ne!(script("a", "a();").path, script("a", "b();").path);
    }

    #[test]
    fn navigation_names_the_cart_script_it_imports() {
        assert!(NAVIGATION.body.contains(&format!("\"{}\"", CART.path)));
        assert!(!NAVIGATION.body.contains(CART_PLACEHOLDER));
    }

    #[test]
    fn comment_lines_go_and_code_stays() {
        let source = "// a comment\nconst a = 1; // stays\n/**\n * doc\n */\n  if (a) {\n    f(\"//\");\n  }\n/* one */\n";
        assert_eq!(
            strip_comment_lines(source),
            "const a = 1; // stays\nif (a) {\nf(\"//\");\n}\n"
        );
    }
}
