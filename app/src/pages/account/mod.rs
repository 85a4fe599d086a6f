//! The account pages: sign in, sign up, and the account with its order history; password reset, settings and the
//! address book in their own files. Plain forms: they work without JavaScript, and the server answers each with a
//! redirect (to the account, or back with the error).

mod addresses;
mod forgot;
mod reset;
mod settings;

pub use addresses::AddressesPage;
pub use forgot::ForgotPasswordPage;
pub use reset::ResetPasswordPage;
pub use settings::AccountSettingsPage;

use crate::api::account::{get_account, SignIn, SignOut, SignUp};
use crate::components::error_view::FormError;
use crate::components::page_meta::PageMeta;
use crate::components::signed_in::SignedInPage;
use crate::domain::account::{AccountView, NewPassword};
use crate::pages::checkout::form_error;
use leptos::prelude::*;

pub(super) const INPUT: &str = "mt-1 w-full rounded-md border border-stone-300 px-3 py-2";
pub(super) const BUTTON: &str =
    "rounded-md bg-stone-900 px-6 py-3 font-medium text-white hover:bg-stone-700";

/// The email and password fields of the sign-in and sign-up forms.
#[component]
pub(super) fn Credentials(new_password: bool) -> impl IntoView {
    let autocomplete = if new_password {
        "new-password"
    } else {
        "current-password"
    };
    view! {
        <div>
            <label for="email" class="block text-sm font-medium">"Email"</label>
            <input id="email" name="email" type="email" autocomplete="email" required class=INPUT/>
        </div>
        <div>
            <label for="password" class="block text-sm font-medium">"Password"</label>
            <input id="password" name="password" type="password" autocomplete=autocomplete required
                minlength=new_password.then(|| NewPassword::MIN.to_string())
                maxlength=NewPassword::MAX.to_string() class=INPUT/>
            {new_password.then(|| view! {
                <p class="mt-1 text-xs text-stone-500">
                    {format!("At least {} characters; a few unrelated words make a strong one.", NewPassword::MIN)}
                </p>
            })}
        </div>
    }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    crate::components::page_meta::private_page();
    let action = ServerAction::<SignIn>::new();
    let error = form_error(action.value());
    view! {
        <PageMeta title="Sign in".into() description="Sign in to your Bazaar account.".into()/>
        <div class="mx-auto max-w-md">
            <h1 class="text-3xl font-bold tracking-tight">"Sign in"</h1>
            <ActionForm action attr:class="mt-6 grid gap-4" attr:data-testid="sign-in-form">
                <FormError error/>
                <Credentials new_password=false/>
                <button type="submit" class=BUTTON>"Sign in"</button>
            </ActionForm>
            <p class="mt-6 text-sm"><a href="/account/forgot" class="underline">"Forgot your password?"</a></p>
            <p class="mt-2 text-sm">"New here? "<a href="/account/sign-up" class="underline">"Create an account"</a></p>
        </div>
    }
}

#[component]
pub fn SignUpPage() -> impl IntoView {
    crate::components::page_meta::private_page();
    let action = ServerAction::<SignUp>::new();
    let error = form_error(action.value());
    view! {
        <PageMeta title="Create an account".into() description="Create your Bazaar account.".into()/>
        <div class="mx-auto max-w-md">
            <h1 class="text-3xl font-bold tracking-tight">"Create an account"</h1>
            <ActionForm action attr:class="mt-6 grid gap-4" attr:data-testid="sign-up-form">
                <FormError error/>
                <Credentials new_password=true/>
                <button type="submit" class=BUTTON>"Create account"</button>
            </ActionForm>
            <p class="mt-6 text-sm">"Already have one? "<a href="/account/sign-in" class="underline">"Sign in"</a></p>
        </div>
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    SignedInPage {
        title: "Your account",
        description: "Your Bazaar account and orders.",
        sign_in: " first.",
    }
    .view(get_account, |account| view! { <AccountDetail account/> })
}

/// The account pages' links to one another.
#[component]
pub(super) fn AccountNav() -> impl IntoView {
    view! {
        <nav class="mt-4 flex flex-wrap gap-4 text-sm" aria-label="Account">
            <a href="/account" class="underline">"Orders"</a>
            <a href="/account/addresses" class="underline">"Addresses"</a>
            <a href="/account/settings" class="underline">"Email and password"</a>
        </nav>
    }
}

#[component]
fn AccountDetail(account: AccountView) -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    let everywhere = ServerAction::<SignOut>::new();
    let orders = account.orders;
    view! {
        <h1 class="text-3xl font-bold tracking-tight">"Your account"</h1>
        <p class="mt-2 text-stone-600" data-testid="account-email">{account.email}</p>
        <AccountNav/>
        <h2 class="mt-8 text-xl font-semibold">"Orders"</h2>
        {if orders.is_empty() {
            view! { <p class="mt-2 text-stone-600">"No orders yet."</p> }.into_any()
        } else {
            view! {
                <table class="mt-4 w-full text-left text-sm" data-testid="order-history">
                    <thead><tr><th class="py-2">"Order"</th><th>"Placed"</th><th>"Status"</th><th class="text-right">"Total"</th></tr></thead>
                    <tbody>
                        {orders.into_iter().map(|o| view! {
                            <tr class="border-t border-stone-200">
                                <td class="py-2"><a href=o.link class="underline">{o.number}</a></td>
                                <td>{o.placed_at.get(..10).unwrap_or_default().to_string()}</td>
                                <td>{o.status.label()}</td>
                                <td class="text-right">{o.total.to_string()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        <div class="mt-10 flex flex-wrap gap-4">
            <ActionForm action=sign_out>
                <button type="submit" class=BUTTON>"Sign out"</button>
            </ActionForm>
            <ActionForm action=everywhere>
                <input type="hidden" name="everywhere" value="true"/>
                <button type="submit" class="rounded-md border border-stone-300 px-6 py-3 font-medium hover:bg-stone-100">
                    "Sign out on every device"
                </button>
            </ActionForm>
        </div>
    }
}
