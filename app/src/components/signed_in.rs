//! The shell of a page for signed-in people: its title, then what `show` makes of the data `load` fetched on
//! the server; a visitor who is not signed in is asked to sign in instead. Never cached.

use crate::components::error_view::ErrorTemplate;
use crate::components::page_meta::{private_page, PageMeta};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{de::DeserializeOwned, Serialize};
use std::future::Future;

/// What a signed-in page says of itself: its title and description, and how a visitor should sign in
/// (`" first."`, `" with a staff account."`).
pub struct SignedInPage {
    pub title: &'static str,
    pub description: &'static str,
    pub sign_in: &'static str,
}

impl SignedInPage {
    pub fn view<T, Fut, V>(
        self,
        load: fn() -> Fut,
        show: impl Fn(T) -> V + Clone + Send + Sync + 'static,
    ) -> impl IntoView
    where
        T: Serialize + DeserializeOwned + Clone + Send + Sync + 'static,
        Fut: Future<Output = Result<T, AppError>> + Send + 'static,
        V: IntoView + 'static,
    {
        private_page();
        let SignedInPage {
            title,
            description,
            sign_in,
        } = self;
        let data = Resource::new(|| (), move |_| load());
        view! {
            <PageMeta title=title.into() description=description.into()/>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorTemplate errors/> }>
                    {move || {
                        let show = show.clone();
                        Suspend::new(async move {
                            match data.await {
                                Ok(data) => Ok(show(data).into_any()),
                                Err(AppError::SignInRequired) => Ok(view! {
                                    <div class="mx-auto max-w-md" data-testid="sign-in-first">
                                        <h1 class="text-3xl font-bold tracking-tight">{title}</h1>
                                        <p class="mt-4">
                                            "Please "<a href="/account/sign-in" class="underline">"sign in"</a>{sign_in}
                                        </p>
                                    </div>
                                }.into_any()),
                                Err(e) => Err(e),
                            }
                        })
                    }}
                </ErrorBoundary>
            </Suspense>
        }
    }
}
