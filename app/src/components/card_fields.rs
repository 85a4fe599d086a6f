//! Card entry through the payment provider's own fields. The provider's script, loaded from its URL once the
//! page has hydrated (as Stripe's own `loadStripe` does), draws the fields and turns them into a one-time token;
//! the form posts only that token, so card numbers never reach Bazaar. Without JavaScript there are no card
//! fields: the page says so and the other methods still work.
//!
//! Loading the script after hydration also matters for correctness: a provider script may define globals (the
//! localstripe stand-in declares a global `class Element`, shadowing the DOM's) that would break hydration if
//! it ran first.

use crate::domain::checkout::CardSetup;
use leptos::prelude::*;

/// The card fields inside the form `form_id`. When the form is submitted with card chosen (or has no choice of
/// method), the card is tokenised first and the token is put into the form's `card_token` field.
#[island]
pub fn CardFields(form_id: String, setup: CardSetup) -> impl IntoView {
    let ready = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let (form_id, setup) = (form_id.clone(), setup.clone());
        leptos::task::spawn_local(async move {
            match browser::attach(&form_id, &setup, busy, error).await {
                Ok(()) => ready.set(true),
                Err(message) => error.set(Some(message)),
            }
        });
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (form_id, setup, busy);
    view! {
        <div class="mt-2 rounded-md border border-stone-300 bg-white px-3 py-3" data-testid="card-fields">
            <div id="card-element" class="text-sm"></div>
            <p class="text-sm text-stone-500" class:hidden=move || ready.get() data-testid="card-needs-js">
                "Card payment needs JavaScript in your browser. Without it, please choose bank transfer."
            </p>
            <input type="hidden" name="card_token" value=""/>
            // Set as a property: an optional text child did not update after hydration inside an island.
            <p role="alert" class="mt-2 text-sm text-red-700" data-testid="card-error"
                prop:textContent=move || error.get().unwrap_or_default()></p>
        </div>
    }
}

/// Finishes a card payment that the shopper's bank wants confirmed (3-D Secure), then reloads the order page,
/// which reads the payment back from the provider.
#[island]
pub fn CardAction(client_secret: String, setup: CardSetup) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let (secret, setup) = (client_secret.clone(), setup.clone());
        leptos::task::spawn_local(async move {
            match browser::confirm(&setup, &secret).await {
                Ok(()) => {
                    let _ = window().location().reload();
                }
                Err(message) => error.set(Some(message)),
            }
        });
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (client_secret, setup);
    view! {
        <p class="mt-4 rounded-md bg-amber-50 p-3 text-sm text-amber-900" data-testid="payment-action">
            "Your bank wants you to confirm this payment."
            <span class="block text-red-700" role="alert" prop:textContent=move || error.get().unwrap_or_default()></span>
        </p>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use crate::domain::checkout::CardSetup;
    use js_sys::{Array, Function, Promise, Reflect};
    use leptos::prelude::*;
    use std::rc::Rc;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    const UNAVAILABLE: &str =
        "Card payment is not available right now. Please reload the page or choose bank transfer.";

    #[wasm_bindgen]
    extern "C" {
        /// `Stripe(publishableKey)`, defined by the provider's script.
        #[wasm_bindgen(js_name = Stripe, catch)]
        fn stripe(key: &str) -> Result<JsValue, JsValue>;
    }

    fn call(target: &JsValue, method: &str, args: &[&JsValue]) -> Result<JsValue, JsValue> {
        let function: Function = Reflect::get(target, &method.into())?.dyn_into()?;
        let list = Array::new();
        for arg in args {
            list.push(arg);
        }
        function.apply(target, &list)
    }

    async fn await_call(
        target: &JsValue,
        method: &str,
        args: &[&JsValue],
    ) -> Result<JsValue, JsValue> {
        let promise: Promise = call(target, method, args)?.dyn_into()?;
        wasm_bindgen_futures::JsFuture::from(promise).await
    }

    fn get(target: &JsValue, key: &str) -> Option<JsValue> {
        Reflect::get(target, &key.into())
            .ok()
            .filter(|v| !v.is_undefined() && !v.is_null())
    }

    fn error_message(result: &JsValue) -> Option<String> {
        get(result, "error").map(|e| {
            get(&e, "message")
                .and_then(|m| m.as_string())
                .unwrap_or_else(|| "Please check your card details.".into())
        })
    }

    struct Card {
        stripe: JsValue,
        element: JsValue,
    }

    /// Loads the provider's script once per page and returns `Stripe(publishableKey)`.
    async fn provider(setup: &CardSetup) -> Result<JsValue, String> {
        let window: JsValue = window().into();
        if get(&window, "Stripe").is_none() {
            let script = document()
                .create_element("script")
                .map_err(|_| UNAVAILABLE.to_owned())?;
            script
                .set_attribute("src", &setup.script_url)
                .map_err(|_| UNAVAILABLE.to_owned())?;
            let loaded = Promise::new(&mut |resolve, reject| {
                let _ = Reflect::set(&script, &"onload".into(), &resolve);
                let _ = Reflect::set(&script, &"onerror".into(), &reject);
            });
            document()
                .query_selector("head")
                .ok()
                .flatten()
                .ok_or_else(|| UNAVAILABLE.to_owned())?
                .append_child(&script)
                .map_err(|_| UNAVAILABLE.to_owned())?;
            wasm_bindgen_futures::JsFuture::from(loaded)
                .await
                .map_err(|_| UNAVAILABLE.to_owned())?;
        }
        stripe(&setup.publishable_key).map_err(|_| UNAVAILABLE.to_owned())
    }

    pub async fn attach(
        form_id: &str,
        setup: &CardSetup,
        busy: RwSignal<bool>,
        error: RwSignal<Option<String>>,
    ) -> Result<(), String> {
        let form: web_sys::HtmlFormElement = document()
            .get_element_by_id(form_id)
            .and_then(|f| f.dyn_into().ok())
            .ok_or_else(|| UNAVAILABLE.to_owned())?;
        let stripe = provider(setup).await?;
        let card = (|| -> Result<Card, JsValue> {
            let elements = call(&stripe, "elements", &[])?;
            let element = call(&elements, "create", &[&"card".into()])?;
            call(&element, "mount", &[&"#card-element".into()])?;
            Ok(Card { stripe, element })
        })()
        .map_err(|_| UNAVAILABLE.to_owned())?;
        let card = Rc::new(card);
        let submit_form = form.clone();
        let on_submit = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            let chosen = submit_form
                .query_selector("input[name=payment_method]:checked")
                .ok()
                .flatten()
                .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
                .map(|input| input.value());
            if chosen.is_some_and(|method| method != "card") {
                return;
            }
            event.prevent_default();
            if busy.get_untracked() {
                return;
            }
            busy.set(true);
            error.set(None);
            let (card, form) = (card.clone(), submit_form.clone());
            leptos::task::spawn_local(async move {
                match tokenize(&card).await {
                    Ok(token) => {
                        let field = form
                            .query_selector("input[name=card_token]")
                            .ok()
                            .flatten()
                            .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok());
                        match field {
                            Some(field) => {
                                field.set_value(&token);
                                // A programmatic submit does not fire `submit` again.
                                let _ = form.submit();
                            }
                            None => {
                                error.set(Some(UNAVAILABLE.into()));
                                busy.set(false);
                            }
                        }
                    }
                    Err(message) => {
                        error.set(Some(message));
                        busy.set(false);
                    }
                }
            });
        });
        form.add_event_listener_with_callback("submit", on_submit.as_ref().unchecked_ref())
            .map_err(|_| UNAVAILABLE.to_owned())?;
        // The listener lives as long as the page.
        on_submit.forget();
        Ok(())
    }

    async fn tokenize(card: &Card) -> Result<String, String> {
        let result = await_call(&card.stripe, "createToken", &[&card.element])
            .await
            .map_err(|_| {
                "Please enter your card number, expiry date and security code.".to_owned()
            })?;
        if let Some(message) = error_message(&result) {
            return Err(message);
        }
        get(&result, "token")
            .and_then(|t| get(&t, "id"))
            .and_then(|id| id.as_string())
            .ok_or_else(|| UNAVAILABLE.to_owned())
    }

    pub async fn confirm(setup: &CardSetup, client_secret: &str) -> Result<(), String> {
        let stripe = provider(setup).await?;
        let result = await_call(&stripe, "confirmCardPayment", &[&client_secret.into()])
            .await
            .map_err(|_| UNAVAILABLE.to_owned())?;
        match error_message(&result) {
            Some(message) => Err(message),
            None => Ok(()),
        }
    }
}
