//! Structured data for search engines: schema.org `Product` with one `Offer` per variant, and the
//! `BreadcrumbList` of the product page, as JSON-LD. Written without a JSON library (this module is compiled for
//! the browser too); every string goes through [`json_string`], which also escapes `<` so the text can never
//! close the `<script>` element it sits in.

use super::catalog::ProductDetail;

/// A JSON string literal, quotes included.
pub fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn absolute(origin: &str, url: &str) -> String {
    if url.starts_with('/') {
        format!("{origin}{url}")
    } else {
        url.to_string()
    }
}

/// The JSON-LD of a product page. `origin` is the shop's public origin ("https://shop.example").
pub fn product_json_ld(p: &ProductDetail, origin: &str) -> String {
    let url = format!("{origin}/p/{}", p.slug);
    let images: Vec<String> = p
        .images
        .iter()
        .map(|i| json_string(&absolute(origin, &i.url)))
        .collect();
    let offers: Vec<String> = p
        .variants
        .iter()
        .map(|v| {
            let availability = if v.available > 0 {
                "https://schema.org/InStock"
            } else {
                "https://schema.org/OutOfStock"
            };
            format!(
                r#"{{"@type":"Offer","sku":{},"price":{},"priceCurrency":{},"availability":{},"url":{},"itemCondition":"https://schema.org/NewCondition"}}"#,
                json_string(&v.sku),
                json_string(&v.price.decimal()),
                json_string(v.price.currency.code()),
                json_string(availability),
                json_string(&url)
            )
        })
        .collect();
    let sku = p
        .variants
        .first()
        .map(|v| format!(r#","sku":{}"#, json_string(&v.sku)))
        .unwrap_or_default();
    let product = format!(
        r#"{{"@type":"Product","name":{},"description":{},"url":{},"category":{},"image":[{}],"offers":[{}]{}}}"#,
        json_string(&p.name),
        json_string(&p.description),
        json_string(&url),
        json_string(&p.category.name),
        images.join(","),
        offers.join(","),
        sku
    );
    let crumbs = [
        ("Home".to_string(), format!("{origin}/")),
        (
            p.category.name.clone(),
            format!("{origin}/c/{}", p.category.slug),
        ),
        (p.name.clone(), url.clone()),
    ];
    let items: Vec<String> = crumbs
        .iter()
        .enumerate()
        .map(|(i, (name, item))| {
            format!(
                r#"{{"@type":"ListItem","position":{},"name":{},"item":{}}}"#,
                i + 1,
                json_string(name),
                json_string(item)
            )
        })
        .collect();
    let breadcrumbs = format!(
        r#"{{"@type":"BreadcrumbList","itemListElement":[{}]}}"#,
        items.join(",")
    );
    format!(r#"{{"@context":"https://schema.org","@graph":[{product},{breadcrumbs}]}}"#)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::catalog::{CategoryLink, Image, VariantView};
    use crate::domain::money::{Currency, Money};
    use proptest::prelude::*;

    fn product(name: &str, description: &str) -> ProductDetail {
        ProductDetail {
            slug: "rain-jacket".into(),
            name: name.into(),
            description: description.into(),
            category: CategoryLink {
                slug: "jackets".into(),
                name: "Jackets".into(),
            },
            option_names: vec!["Size".into()],
            variants: vec![
                VariantView {
                    sku: "RJ-M".into(),
                    options: vec![("Size".into(), "M".into())],
                    price: Money::new(9900, Currency::EUR),
                    compare_at: None,
                    available: 3,
                },
                VariantView {
                    sku: "RJ-L".into(),
                    options: vec![("Size".into(), "L".into())],
                    price: Money::new(10900, Currency::EUR),
                    compare_at: None,
                    available: 0,
                },
            ],
            images: vec![Image {
                url: "/media/rj.jpg".into(),
                alt: "A rain jacket".into(),
                width: 640,
                height: 640,
                srcset: None,
            }],
        }
    }

    #[test]
    fn product_and_breadcrumbs_are_valid_json_ld() {
        let json = product_json_ld(
            &product("Rain Jacket", "Keeps you dry."),
            "https://shop.example",
        );
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["@context"], "https://schema.org");
        let p = &v["@graph"][0];
        assert_eq!(p["@type"], "Product");
        assert_eq!(p["name"], "Rain Jacket");
        assert_eq!(p["image"][0], "https://shop.example/media/rj.jpg");
        assert_eq!(p["offers"][0]["price"], "99.00");
        assert_eq!(p["offers"][0]["priceCurrency"], "EUR");
        assert_eq!(p["offers"][0]["availability"], "https://schema.org/InStock");
        assert_eq!(
            p["offers"][1]["availability"],
            "https://schema.org/OutOfStock"
        );
        let b = &v["@graph"][1];
        assert_eq!(b["@type"], "BreadcrumbList");
        assert_eq!(
            b["itemListElement"][1]["item"],
            "https://shop.example/c/jackets"
        );
        assert_eq!(b["itemListElement"][2]["position"], 3);
    }

    proptest! {
        /// Whatever staff type into a name or description, the JSON parses back to it and cannot close the script.
        #[test]
        fn any_text_stays_inside_its_string(name in "\\PC{0,40}", description in ".{0,80}") {
            let json = product_json_ld(&product(&name, &description), "https://shop.example");
            prop_assert!(!json.contains("</"));
            let v: serde_json::Value = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(v["@graph"][0]["name"].as_str().unwrap(), name.as_str());
            prop_assert_eq!(v["@graph"][0]["description"].as_str().unwrap(), description.as_str());
        }
    }
}
