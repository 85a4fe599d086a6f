//! The messages of a return's steps, each as plain text and HTML built from the same data.

use super::templates::escape;
use super::Email;
use crate::domain::checkout::OrderView;
use crate::domain::returns::ReturnView;

/// What the shopper is told at a return's step (`requested`, `approved`, `refused`, `received`, `refunded`).
/// `None` for a step that has no message.
pub fn step(
    step: &str,
    shop: &str,
    order: &OrderView,
    ret: &ReturnView,
    link: &str,
) -> Option<Email> {
    let number = &order.number;
    let note = ret.staff_note.as_deref().unwrap_or_default();
    let (subject, lead) = match step {
        "requested" => (
            format!("{shop}: return request {} for order {number}", ret.id),
            "We have your request to return the items below and will answer it shortly. Please do not send \
             anything back until we approve it."
                .to_string(),
        ),
        "approved" => (
            format!("{shop}: return {} for order {number} approved", ret.id),
            format!(
                "Your return is approved. Please send the items below back to us with your order number \
                 {number} in the parcel.{}",
                if note.is_empty() {
                    String::new()
                } else {
                    format!(" {note}")
                }
            ),
        ),
        "refused" => (
            format!("{shop}: return {} for order {number} not accepted", ret.id),
            format!("We are sorry: we cannot accept this return. {note}"),
        ),
        "received" => (
            format!("{shop}: we received your return {}", ret.id),
            "The items below have arrived. We will refund them to the way you paid shortly.".to_string(),
        ),
        "refunded" => (
            format!("{shop}: return {} for order {number} refunded", ret.id),
            "We have refunded the items below to the way you paid. Banks can take a few days to show it."
                .to_string(),
        ),
        _ => return None,
    };
    let items: Vec<String> = ret
        .lines
        .iter()
        .map(|l| format!("{} x {} ({})", l.quantity, l.name, l.sku))
        .collect();
    let text = format!(
        "Order {number}, return {}\n\n{lead}\n\n{}\n\nYour reason: {}\n\nSee your order: {link}\n\n{shop}\n",
        ret.id,
        items.join("\n"),
        ret.reason
    );
    let html = format!(
        "<!doctype html><html><body style=\"font-family:sans-serif\"><h1>Order {number}, return {id}</h1>\
         <p>{lead}</p><ul>{items}</ul><p>Your reason: {reason}</p><p><a href=\"{link}\">See your order</a></p>\
         <p>{shop}</p></body></html>",
        number = escape(number),
        id = ret.id,
        lead = escape(&lead),
        items = items
            .iter()
            .map(|i| format!("<li>{}</li>", escape(i)))
            .collect::<String>(),
        reason = escape(&ret.reason),
        link = escape(link),
        shop = escape(shop),
    );
    Some(Email {
        to: order.email.clone(),
        subject,
        text,
        html,
    })
}
