//! Checks the address form while the shopper types, with the same domain types the server parses it with
//! (`Email::parse`, `AddressInput::problems`), so the browser and the server never disagree about what is valid.
//! A field is checked once the shopper has left it, then on every keystroke until it is right; submitting checks
//! everything and stops at the first problem. Without JavaScript the server's answer does the same job.

use leptos::prelude::*;

/// The fields the address form has, each with a `<p id="{field}-error">` for its message.
pub const ADDRESS_FIELDS: [&str; 8] = [
    "email",
    "name",
    "line1",
    "line2",
    "postal_code",
    "city",
    "country",
    "phone",
];

/// The message slot under a field; filled by [`AddressValidation`] once hydrated.
#[component]
pub fn FieldError(field: &'static str) -> impl IntoView {
    view! { <p id=format!("{field}-error") class="mt-1 min-h-4 text-sm text-rose-700" role="alert" data-field-error=field></p> }
}

#[island]
pub fn AddressValidation(form_id: String) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| browser::attach(&form_id));
    #[cfg(not(feature = "hydrate"))]
    let _ = form_id;
}

/// The message for each field that has a problem, given a way to read a field's current value (`None` when the
/// form has no such field: the address book has no email).
pub fn problems(read: impl Fn(&str) -> Option<String>) -> Vec<(&'static str, String)> {
    use crate::domain::address::AddressInput;
    use crate::domain::email::Email;
    let field = |name: &str| read(name).unwrap_or_default();
    let input = AddressInput {
        name: field("name"),
        line1: field("line1"),
        line2: field("line2"),
        city: field("city"),
        postal_code: field("postal_code"),
        country: field("country"),
        phone: field("phone"),
    };
    read("email")
        .and_then(|email| Email::parse(&email).err())
        .into_iter()
        .chain(input.problems())
        .map(|e| (e.field(), e.to_string()))
        .collect()
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::{problems, ADDRESS_FIELDS};
    use js_sys::Reflect;
    use leptos::prelude::document;
    use std::cell::RefCell;
    use std::collections::HashSet;
    use std::rc::Rc;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    fn value(id: &str) -> Option<String> {
        let element = document().get_element_by_id(id)?;
        Some(
            Reflect::get(&element, &"value".into())
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default(),
        )
    }

    fn show(field: &str, message: Option<&str>) {
        let document = document();
        if let Some(slot) = document.get_element_by_id(&format!("{field}-error")) {
            slot.set_text_content(message);
        }
        if let Some(input) = document.get_element_by_id(field) {
            let _ = match message {
                Some(_) => input.set_attribute("aria-invalid", "true"),
                None => input.remove_attribute("aria-invalid"),
            };
            let _ = input.set_attribute("aria-describedby", &format!("{field}-error"));
        }
    }

    /// Shows the problems of the touched fields; returns the first field with a problem, touched or not.
    fn render(touched: &HashSet<String>) -> Option<&'static str> {
        let found = problems(value);
        for field in ADDRESS_FIELDS {
            let message = found
                .iter()
                .find(|(f, _)| *f == field)
                .map(|(_, m)| m.as_str())
                .filter(|_| touched.contains(field));
            show(field, message);
        }
        found.first().map(|(f, _)| *f)
    }

    fn target_id(event: &web_sys::Event) -> Option<String> {
        let target: JsValue = event.target()?.into();
        Reflect::get(&target, &"id".into()).ok()?.as_string()
    }

    fn listen(
        form: &web_sys::HtmlFormElement,
        kind: &str,
        handler: impl FnMut(web_sys::Event) + 'static,
    ) {
        let closure = Closure::<dyn FnMut(web_sys::Event)>::new(handler);
        let _ = form.add_event_listener_with_callback(kind, closure.as_ref().unchecked_ref());
        // The listeners live as long as the page.
        closure.forget();
    }

    pub fn attach(form_id: &str) {
        let Some(form) = document()
            .get_element_by_id(form_id)
            .and_then(|f| f.dyn_into::<web_sys::HtmlFormElement>().ok())
        else {
            return;
        };
        // The browser's own bubbles give way to the messages beside the fields.
        let _ = form.set_attribute("novalidate", "");
        let touched = Rc::new(RefCell::new(HashSet::<String>::new()));
        {
            let touched = touched.clone();
            listen(&form, "focusout", move |event| {
                if let Some(id) =
                    target_id(&event).filter(|id| ADDRESS_FIELDS.contains(&id.as_str()))
                {
                    touched.borrow_mut().insert(id);
                    render(&touched.borrow());
                }
            });
        }
        for kind in ["input", "change"] {
            let touched = touched.clone();
            listen(&form, kind, move |event| {
                if target_id(&event)
                    .is_some_and(|id| touched.borrow().contains(&id) || id == "country")
                {
                    render(&touched.borrow());
                }
            });
        }
        listen(&form, "submit", move |event| {
            let mut all = touched.borrow_mut();
            all.extend(ADDRESS_FIELDS.iter().map(|f| f.to_string()));
            if let Some(first) = render(&all) {
                event.prevent_default();
                if let Some(input) = document().get_element_by_id(first) {
                    if let Ok(focus) = Reflect::get(&input, &"focus".into()) {
                        let _ = focus.unchecked_into::<js_sys::Function>().call0(&input);
                    }
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_with_a_problem_gets_its_message() {
        let form = |field: &str| {
            match field {
                "email" => "ana@",
                "name" => "Ana",
                "line1" => "1 Main St",
                "city" => "",
                "postal_code" => "ABC",
                "country" => "DE",
                _ => "",
            }
            .to_string()
        };
        let found = problems(|f| Some(form(f)));
        let fields: Vec<&str> = found.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["email", "city", "postal_code"]);
        assert!(found[2].1.contains("postal code"));
        assert!(fields.iter().all(|f| ADDRESS_FIELDS.contains(f)));
        // A form without an email field (the address book) is not asked for one.
        let found = problems(|f| (f != "email").then(|| form(f)));
        let fields: Vec<&str> = found.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["city", "postal_code"]);
    }
}
