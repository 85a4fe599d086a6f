use crate::error::AppError;
use leptos::prelude::*;

/// What an `<ErrorBoundary>` shows. Sets the response status during server rendering, so a missing product is a real
/// 404 and a bad query parameter a 400.
#[component]
pub fn ErrorTemplate(#[prop(into)] errors: Signal<Errors>) -> impl IntoView {
    let error = Memo::new(move |_| {
        errors
            .get()
            .into_iter()
            .find_map(|(_, e)| e.downcast_ref::<AppError>().cloned())
            .unwrap_or(AppError::Internal)
    });
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(error.get_untracked().status());
    }
    move || {
        let error = error.get();
        view! { <ErrorPanel error/> }
    }
}

#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    let (title, hint) = match &error {
        AppError::NotFound => (
            "Page not found",
            "The link may be old, or the item is no longer sold.",
        ),
        AppError::Invalid { .. } => (
            "That request didn't work",
            "Check the address and try again.",
        ),
        _ => ("Something went wrong", "Please try again in a moment."),
    };
    view! {
        <section class="mx-auto max-w-xl py-16 text-center" role="alert" data-testid="error">
            <h1 class="text-2xl font-semibold text-stone-900">{title}</h1>
            <p class="mt-3 text-stone-700">{error.to_string()}</p>
            <p class="mt-1 text-sm text-stone-500">{hint}</p>
            <a href="/" class="mt-6 inline-block rounded-md bg-stone-900 px-4 py-2 text-white hover:bg-stone-700">
                "Back to the shop"
            </a>
        </section>
    }
}

/// The router's fallback: any unknown path.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <super::page_meta::PageMeta title="Page not found".into() description="This page does not exist.".into()/>
        <ErrorPanel error=AppError::NotFound/>
    }
}

/// A form's message line: the error text, or nothing.
#[component]
pub fn FormError(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    view! {
        <p class="min-h-5 text-sm text-rose-700" role="alert" aria-live="polite">
            {move || error.get().map(|e| e.to_string())}
        </p>
    }
}
