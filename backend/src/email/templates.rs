//! The messages Bazaar sends, each as plain text and HTML built from the same data. Everything taken from an
//! order or the catalog is HTML-escaped in the HTML part.

use super::Email;
use crate::domain::checkout::OrderView;

/// What an order message is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderMessage {
    Placed,
    Paid,
    Shipped,
}

impl OrderMessage {
    fn subject(self, shop: &str, number: &str) -> String {
        match self {
            OrderMessage::Placed => format!("{shop}: order {number} received"),
            OrderMessage::Paid => format!("{shop}: payment received for order {number}"),
            OrderMessage::Shipped => format!("{shop}: order {number} is on its way"),
        }
    }

    fn lead(self, order: &OrderView) -> String {
        match self {
            OrderMessage::Placed => match order.payment_method {
                crate::domain::checkout::PaymentMethod::Manual => format!(
                    "Thank you for your order. Please pay {} by bank transfer, quoting {}; we ship once it arrives.{}",
                    order.totals.total,
                    order.number,
                    order
                        .pay_by
                        .as_deref()
                        .and_then(|t| t.get(..10))
                        .map(|day| format!(" We hold your items until {day}; unpaid by then, the order is cancelled."))
                        .unwrap_or_default()
                ),
                crate::domain::checkout::PaymentMethod::Card => {
                    "Thank you for your order. We will let you know as soon as your payment is confirmed.".into()
                }
            },
            OrderMessage::Paid => format!(
                "We have received your payment of {}. Your order is being prepared.",
                order.totals.total
            ),
            OrderMessage::Shipped => "Your order has left our warehouse and is on its way to you.".into(),
        }
    }
}

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// An order's totals as (label, amount) rows, as the order page shows them.
fn total_rows(order: &OrderView) -> Vec<(String, String)> {
    let t = &order.totals;
    let mut totals = vec![("Subtotal".to_string(), t.subtotal.to_string())];
    if t.discount.minor != 0 {
        let label = match &order.discount_code {
            Some(code) => format!("Discount ({code})"),
            None => "Discount".into(),
        };
        totals.push((label, format!("-{}", t.discount)));
    }
    totals.push(("Shipping".into(), t.shipping.to_string()));
    let tax = if t.prices_include_tax {
        "Tax included"
    } else {
        "Tax"
    };
    totals.push((tax.into(), t.tax.to_string()));
    totals.push(("Total".into(), t.total.to_string()));
    totals
}

/// The shipping address, one line each.
fn address_lines(order: &OrderView) -> Vec<String> {
    let a = &order.address;
    [
        Some(a.name.clone()),
        Some(a.line1.clone()),
        a.line2.clone(),
        Some(format!("{} {}", a.postal_code, a.city)),
        Some(a.country.name().to_string()),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// An order's message to its shopper, with its lines, totals, address and link.
pub fn order(kind: OrderMessage, shop: &str, order: &OrderView, link: &str) -> Email {
    let lead = kind.lead(order);
    let totals = total_rows(order);
    let address = address_lines(order);
    let mut text = format!("Order {}\n\n{lead}\n\n", order.number);
    for l in &order.lines {
        text.push_str(&format!(
            "{} x {}  {}  {}\n",
            l.quantity,
            l.name(),
            l.sku,
            l.line_total
        ));
    }
    text.push('\n');
    for (label, value) in &totals {
        text.push_str(&format!("{label}: {value}\n"));
    }
    let tracking = order.shipment.as_ref().map(|s| {
        (
            format!(
                "Track your parcel ({} {}): {}\n\n",
                s.carrier, s.tracking_number, s.tracking_url
            ),
            format!(
                "<p>Track your parcel ({} {}): <a href=\"{url}\">{url}</a></p>",
                escape(&s.carrier),
                escape(&s.tracking_number),
                url = escape(&s.tracking_url)
            ),
        )
    });
    let (tracking_text, tracking_html) = tracking.unwrap_or_default();
    text.push_str(&format!(
        "\nShipping to:\n{}\nBy: {}\n\n{tracking_text}See your order: {link}\n\n{shop}\n",
        address.join("\n"),
        order.shipping_method
    ));

    let rows: String = order
        .lines
        .iter()
        .map(|l| {
            format!(
                "<tr><td>{}</td><td>{}</td><td style=\"text-align:right\">{}</td><td style=\"text-align:right\">{}</td></tr>",
                escape(&l.name()),
                escape(&l.sku),
                l.quantity,
                escape(&l.line_total.to_string())
            )
        })
        .collect();
    let total_rows: String = totals
        .iter()
        .map(|(label, value)| {
            format!(
                "<tr><td colspan=\"3\">{}</td><td style=\"text-align:right\">{}</td></tr>",
                escape(label),
                escape(value)
            )
        })
        .collect();
    let html = format!(
        "<!doctype html><html><body style=\"font-family:sans-serif\">\
         <h1>Order {number}</h1><p>{lead}</p>\
         <table cellpadding=\"4\"><thead><tr><th align=\"left\">Item</th><th align=\"left\">SKU</th>\
         <th>Qty</th><th>Total</th></tr></thead><tbody>{rows}</tbody><tfoot>{total_rows}</tfoot></table>\
         <p>Shipping to:<br>{address}<br>By: {method}</p>{tracking_html}\
         <p><a href=\"{link}\">See your order</a></p><p>{shop}</p></body></html>",
        number = escape(&order.number),
        lead = escape(&lead),
        address = address.iter().map(|s| escape(s)).collect::<Vec<_>>().join("<br>"),
        method = escape(&order.shipping_method),
        link = escape(link),
        shop = escape(shop),
    );
    Email {
        to: order.email.clone(),
        subject: kind.subject(shop, &order.number),
        text,
        html,
    }
}

/// Tells staff that a variant's available stock fell below its threshold.
pub fn low_stock(shop: &str, to: &str, sku: &str, available: i64, threshold: i64) -> Email {
    let text = format!(
        "{sku} is running low: {available} available (alert threshold {threshold}).\n\n\
         Restock it or adjust its threshold.\n\n{shop}\n"
    );
    let html = format!(
        "<!doctype html><html><body style=\"font-family:sans-serif\"><p><strong>{sku}</strong> is running low: \
         {available} available (alert threshold {threshold}).</p><p>Restock it or adjust its threshold.</p>\
         <p>{shop}</p></body></html>",
        sku = escape(sku),
        shop = escape(shop)
    );
    Email {
        to: to.to_string(),
        subject: format!("{shop}: low stock for {sku}"),
        text,
        html,
    }
}

/// A password-reset link, and what to do if the shopper did not ask for it.
pub fn password_reset(shop: &str, to: &str, link: &str, minutes: u32) -> Email {
    let text = format!(
        "Someone (we hope you) asked to reset the password of your {shop} account.\n\n\
         Choose a new password here within {minutes} minutes (the link works once):\n{link}\n\n\
         If you did not ask for this, ignore this message: your password stays as it is.\n\n{shop}\n"
    );
    let html = format!(
        "<!doctype html><html><body style=\"font-family:sans-serif\"><p>Someone (we hope you) asked to reset \
         the password of your {shop} account.</p><p><a href=\"{link}\">Choose a new password</a> within \
         {minutes} minutes (the link works once).</p><p>If you did not ask for this, ignore this message: your \
         password stays as it is.</p><p>{shop}</p></body></html>",
        shop = escape(shop),
        link = escape(link)
    );
    Email {
        to: to.to_string(),
        subject: format!("{shop}: reset your password"),
        text,
        html,
    }
}

/// What changed in an account, for [`account_notice`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountChange {
    Password,
    Email { new_email: String },
}

/// Tells the account's owner that its password or email changed, and what to do if it was not them.
pub fn account_notice(shop: &str, to: &str, change: &AccountChange, link: &str) -> Email {
    let (subject, what) = match change {
        AccountChange::Password => (
            format!("{shop}: your password was changed"),
            "The password of your account was just changed, and every other device was signed out."
                .to_string(),
        ),
        AccountChange::Email { new_email } => (
            format!("{shop}: your account's email was changed"),
            format!("Your account's email was just changed to {new_email}. Messages now go there."),
        ),
    };
    let advice = "If this was you, there is nothing to do. If it was not, reset your password at once (the link \
                  below) and reply to this message so we can help.";
    let text = format!("{what}\n\n{advice}\n{link}\n\n{shop}\n");
    let html = format!(
        "<!doctype html><html><body style=\"font-family:sans-serif\"><p>{what}</p><p>{advice}</p>\
         <p><a href=\"{link}\">Reset your password</a></p><p>{shop}</p></body></html>",
        what = escape(&what),
        advice = escape(advice),
        link = escape(link),
        shop = escape(shop)
    );
    Email {
        to: to.to_string(),
        subject,
        text,
        html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<b>\"Tom & Jerry's\"</b>"),
            "&lt;b&gt;&quot;Tom &amp; Jerry&#39;s&quot;&lt;/b&gt;"
        );
    }

    #[test]
    fn account_notices_say_what_changed_and_escape_it() {
        let change = AccountChange::Email {
            new_email: "<b>@x.test".into(),
        };
        let e = account_notice(
            "Bazaar",
            "ana@shop.test",
            &change,
            "https://shop.test/account/forgot",
        );
        assert_eq!(e.to, "ana@shop.test");
        assert!(e.text.contains("<b>@x.test") && e.text.contains("/account/forgot"));
        assert!(e.html.contains("&lt;b&gt;@x.test") && !e.html.contains("<b>@"));
        let p = account_notice("Bazaar", "ana@shop.test", &AccountChange::Password, "l");
        assert!(p.subject.contains("password"));
    }

    #[test]
    fn low_stock_names_the_sku_and_count() {
        let e = low_stock("Bazaar", "staff@shop.test", "TEE-<M>", 3, 5);
        assert!(e.subject.contains("TEE-<M>"));
        assert!(e.text.contains("3 available"));
        assert!(e.html.contains("TEE-&lt;M&gt;") && !e.html.contains("TEE-<M>"));
    }
}
