//! Asking for a password-reset link. The page says the same thing whether or not the email has an account.

use super::{BUTTON, INPUT};
use crate::api::account::RequestPasswordReset;
use crate::components::error_view::FormError;
use crate::components::page_meta::PageMeta;
use crate::pages::checkout::form_error;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    crate::components::page_meta::private_page();
    let action = ServerAction::<RequestPasswordReset>::new();
    let error = form_error(action.value());
    let query = use_query_map();
    let sent = move || {
        query.read().get("sent").is_some() || action.value().get().is_some_and(|r| r.is_ok())
    };
    view! {
        <PageMeta title="Reset your password".into() description="Get a link to choose a new password.".into()/>
        <div class="mx-auto max-w-md">
            <h1 class="text-3xl font-bold tracking-tight">"Reset your password"</h1>
            <Show when=sent fallback=move || view! {
                <p class="mt-4 text-stone-700">"Enter your account's email and we will send you a link to choose a new password."</p>
                <ActionForm action attr:class="mt-6 grid gap-4" attr:data-testid="forgot-form">
                    <FormError error/>
                    <div>
                        <label for="email" class="block text-sm font-medium">"Email"</label>
                        <input id="email" name="email" type="email" autocomplete="email" required class=INPUT/>
                    </div>
                    <button type="submit" class=BUTTON>"Send the link"</button>
                </ActionForm>
            }>
                <p class="mt-4 rounded-md bg-emerald-50 p-4 text-emerald-900" role="status" data-testid="reset-sent">
                    "If an account uses that email, a link to choose a new password is on its way. It works once, for a limited time."
                </p>
            </Show>
            <p class="mt-6 text-sm"><a href="/account/sign-in" class="underline">"Back to sign in"</a></p>
        </div>
    }
}
