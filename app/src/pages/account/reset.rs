//! Choosing a new password from a reset link (`/account/reset?token=…`).

use super::{BUTTON, INPUT};
use crate::api::account::{check_reset_token, ResetPassword};
use crate::components::error_view::{ErrorTemplate, FormError};
use crate::components::page_meta::PageMeta;
use crate::domain::account::NewPassword;
use crate::pages::checkout::form_error;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    crate::components::page_meta::private_page();
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let valid = Resource::new(token, check_reset_token);
    let action = ServerAction::<ResetPassword>::new();
    let error = form_error(action.value());
    view! {
        <PageMeta title="Choose a new password".into() description="Choose a new password for your account.".into()/>
        <div class="mx-auto max-w-md">
            <h1 class="text-3xl font-bold tracking-tight">"Choose a new password"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorTemplate errors/> }>
                    {move || Suspend::new(async move {
                        let ok = valid.await?;
                        Ok::<_, crate::error::AppError>(if ok {
                            view! {
                                <ActionForm action attr:class="mt-6 grid gap-4" attr:data-testid="reset-form">
                                    <FormError error/>
                                    <input type="hidden" name="token" value=token()/>
                                    <div>
                                        <label for="password" class="block text-sm font-medium">"New password"</label>
                                        <input id="password" name="password" type="password" autocomplete="new-password" required
                                            minlength=NewPassword::MIN.to_string() maxlength=NewPassword::MAX.to_string() class=INPUT/>
                                        <p class="mt-1 text-xs text-stone-500">
                                            {format!("At least {} characters. Every device signed in to your account will be signed out.", NewPassword::MIN)}
                                        </p>
                                    </div>
                                    <button type="submit" class=BUTTON>"Save the new password"</button>
                                </ActionForm>
                            }.into_any()
                        } else {
                            view! {
                                <p class="mt-4 text-stone-700" role="alert" data-testid="reset-invalid">
                                    "This link is invalid, already used or expired. "
                                    <a href="/account/forgot" class="underline">"Ask for a new one"</a>"."
                                </p>
                            }.into_any()
                        })
                    })}
                </ErrorBoundary>
            </Suspense>
        </div>
    }
}
