//! The Content-Security-Policy of rendered pages. Scripts run only with the page's nonce (Leptos puts it on its
//! hydration and resource scripts; a new one each render) or when loaded by such a script (`'strict-dynamic'`,
//! which the card fields need for the provider's script); wasm may compile. Pages that take payments
//! (checkout and orders) also allow the payment provider's script, API and frame origins; no other page allows any
//! other site.

use backend::payment::ProviderSources;
use leptos::prelude::use_context;

pub fn policy(
    nonce: &str,
    provider: Option<&ProviderSources>,
    dev_reload: Option<&str>,
    media: Option<&str>,
) -> String {
    let img = media.map(|o| format!(" {o}")).unwrap_or_default();
    let join = |extra: Option<&Vec<String>>| {
        extra
            .map(|origins| origins.iter().map(|o| format!(" {o}")).collect::<String>())
            .unwrap_or_default()
    };
    let script = join(provider.map(|p| &p.script));
    let mut connect = join(provider.map(|p| &p.connect));
    if let Some(ws) = dev_reload {
        connect.push(' ');
        connect.push_str(ws);
    }
    let frame = match provider {
        Some(p) if !p.frame.is_empty() => join(Some(&p.frame)),
        _ => " 'none'".into(),
    };
    format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'{script}; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data:{img}; font-src 'self'; connect-src 'self'{connect}; \
         frame-src{frame}; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
    )
}

/// Sets the policy on the page being rendered (called from the shell, on the server).
pub fn set_for_page() {
    use leptos_axum::ResponseOptions;
    let (Some(response), Some(nonce)) =
        (use_context::<ResponseOptions>(), leptos::nonce::use_nonce())
    else {
        return;
    };
    let path = use_context::<http::request::Parts>()
        .map(|p| p.uri.path().to_string())
        .unwrap_or_default();
    let state = use_context::<backend::AppState>();
    let provider = state
        .as_ref()
        .filter(|_| super::policy::of(&path).takes_payments)
        .and_then(|s| s.payments.card.as_ref())
        .map(|card| card.browser_sources());
    let dev_reload = (cfg!(debug_assertions))
        .then(|| use_context::<leptos::config::LeptosOptions>().map(|o| o.reload_port))
        .flatten()
        .map(|port| format!("ws://127.0.0.1:{port} ws://localhost:{port}"));
    // Product images served from a bucket or CDN rather than this server.
    let media = state.as_ref().and_then(|s| s.media.foreign_origin());
    let value = policy(
        &nonce.to_string(),
        provider.as_ref(),
        dev_reload.as_deref(),
        media.as_deref(),
    );
    if let Ok(value) = http::HeaderValue::from_str(&value) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_allow_only_their_nonce_and_payment_pages_the_provider() {
        let plain = policy("abc", None, None, None);
        assert!(plain.contains("img-src 'self' data:;"));
        assert!(plain.contains("script-src 'nonce-abc' 'strict-dynamic' 'wasm-unsafe-eval';"));
        assert!(plain.contains("frame-src 'none'") && plain.contains("connect-src 'self';"));
        assert!(!plain.contains("unsafe-eval'") || plain.contains("wasm-unsafe-eval"));
        let stripe = ProviderSources {
            script: vec!["https://js.stripe.com".into()],
            connect: vec!["https://api.stripe.com".into()],
            frame: vec![
                "https://js.stripe.com".into(),
                "https://hooks.stripe.com".into(),
            ],
        };
        let pay = policy("xyz", Some(&stripe), None, None);
        assert!(pay.contains("'wasm-unsafe-eval' https://js.stripe.com;"));
        assert!(pay.contains("connect-src 'self' https://api.stripe.com;"));
        assert!(pay.contains("frame-src https://js.stripe.com https://hooks.stripe.com;"));
    }

    #[test]
    fn images_from_a_bucket_are_allowed_as_images_only() {
        let p = policy("n", None, None, Some("https://cdn.example.com"));
        assert!(p.contains("img-src 'self' data: https://cdn.example.com;"));
        assert!(p.contains("connect-src 'self';") && p.contains("default-src 'self';"));
    }
}
