//! The checkout steps: address, shipping, review and pay. One page per file.

pub mod contact;
pub mod review;
pub mod shipping;

use crate::api::checkout::{get_checkout, CheckoutPageData};
use crate::components::error_view::ErrorTemplate;
use crate::error::AppError;
use leptos::prelude::*;

/// Loads the checkout and renders `page` with it; an empty cart or an error gets the error page.
pub fn with_checkout<V: IntoView + 'static>(
    page: impl Fn(CheckoutPageData) -> V + Send + Sync + 'static,
) -> impl IntoView {
    let data = Resource::new(|| (), |_| get_checkout());
    let page = std::sync::Arc::new(page);
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorTemplate errors/> }>
                {
                    let page = page.clone();
                    move || {
                        let page = page.clone();
                        Suspend::new(async move { data.await.map(|d: CheckoutPageData| page(d)) })
                    }
                }
            </ErrorBoundary>
        </Suspense>
    }
}

/// The message for a form whose post came back with an error.
pub fn form_error<T, S>(value: S) -> Signal<Option<AppError>>
where
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Signal::derive(move || value.get().and_then(Result::err))
}
