//! Changing the account's email or password; both ask for the current password.

use super::{AccountNav, BUTTON, INPUT};
use crate::api::account::{get_account, ChangeEmail, ChangePassword};
use crate::components::error_view::FormError;
use crate::components::signed_in::SignedInPage;
use crate::domain::account::NewPassword;
use crate::pages::checkout::form_error;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AccountSettingsPage() -> impl IntoView {
    SignedInPage {
        title: "Email and password",
        description: "Change your account's email or password.",
        sign_in: " first.",
    }
    .view(
        get_account,
        |account| view! { <Settings email=account.email/> },
    )
}

#[component]
fn Settings(email: String) -> impl IntoView {
    let query = use_query_map();
    let changed = move |what: &'static str| query.read().get("changed").is_some_and(|c| c == what);
    let email_action = ServerAction::<ChangeEmail>::new();
    let email_error = form_error(email_action.value());
    let password_action = ServerAction::<ChangePassword>::new();
    let password_error = form_error(password_action.value());
    view! {
        <h1 class="text-3xl font-bold tracking-tight">"Email and password"</h1>
        <AccountNav/>
        <section id="email" class="mt-8 max-w-md">
            <h2 class="text-xl font-semibold">"Email"</h2>
            <Show when=move || changed("email")>
                <p class="mt-2 rounded-md bg-emerald-50 p-3 text-emerald-900" role="status">"Your email has been changed."</p>
            </Show>
            <ActionForm action=email_action attr:class="mt-4 grid gap-4" attr:data-testid="email-form">
                <FormError error=email_error/>
                <div>
                    <label for="new-email" class="block text-sm font-medium">"New email"</label>
                    <input id="new-email" name="email" type="email" autocomplete="email" required class=INPUT value=email/>
                </div>
                <div>
                    <label for="email-password" class="block text-sm font-medium">"Current password"</label>
                    <input id="email-password" name="password" type="password" autocomplete="current-password" required class=INPUT/>
                </div>
                <button type="submit" class=BUTTON>"Change email"</button>
            </ActionForm>
        </section>
        <section id="password" class="mt-10 max-w-md">
            <h2 class="text-xl font-semibold">"Password"</h2>
            <Show when=move || changed("password")>
                <p class="mt-2 rounded-md bg-emerald-50 p-3 text-emerald-900" role="status">
                    "Your password has been changed, and your other devices have been signed out."
                </p>
            </Show>
            <ActionForm action=password_action attr:class="mt-4 grid gap-4" attr:data-testid="password-form">
                <FormError error=password_error/>
                <div>
                    <label for="current-password" class="block text-sm font-medium">"Current password"</label>
                    <input id="current-password" name="current_password" type="password" autocomplete="current-password" required class=INPUT/>
                </div>
                <div>
                    <label for="new-password" class="block text-sm font-medium">"New password"</label>
                    <input id="new-password" name="new_password" type="password" autocomplete="new-password" required
                        minlength=NewPassword::MIN.to_string() maxlength=NewPassword::MAX.to_string() class=INPUT/>
                </div>
                <button type="submit" class=BUTTON>"Change password"</button>
            </ActionForm>
        </section>
    }
}
