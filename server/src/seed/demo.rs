//! The demo catalog: 78 products in 11 categories (a two-level tree), with sizes and colours, stock levels from
//! plenty to sold out, reduced prices, images and four collections. Deterministic: every load is identical, so
//! tests and screenshots can rely on it.

use super::images;
use crate::BoxError;
use chrono::{DateTime, Duration, TimeZone, Utc};
use sqlx::PgPool;
use std::path::Path;

/// (slug, name, parent slug, description)
pub const DEMO_CATEGORIES: &[(&str, &str, Option<&str>, &str)] = &[
    (
        "clothing",
        "Clothing",
        None,
        "Everyday clothes in natural fibres, cut to last.",
    ),
    (
        "t-shirts",
        "T-shirts",
        Some("clothing"),
        "Organic cotton tees in easy colours.",
    ),
    (
        "knitwear",
        "Knitwear",
        Some("clothing"),
        "Jumpers and cardigans in wool and cotton.",
    ),
    (
        "trousers",
        "Trousers",
        Some("clothing"),
        "Chinos, cords and linen trousers.",
    ),
    ("shoes", "Shoes", None, "Trainers, boots and slippers."),
    (
        "home",
        "Home",
        None,
        "Things for the kitchen and the living room.",
    ),
    (
        "kitchen",
        "Kitchen",
        Some("home"),
        "Cookware, tableware and tools.",
    ),
    (
        "decor",
        "Decor",
        Some("home"),
        "Cushions, throws, vases and lamps.",
    ),
    (
        "stationery",
        "Stationery",
        None,
        "Notebooks, pens and paper goods.",
    ),
    (
        "outdoor",
        "Outdoor",
        None,
        "Bags, bottles and kit for days outside.",
    ),
    ("beauty", "Beauty", None, "Soaps, balms and body care."),
];

#[derive(Clone, Copy)]
enum Kind {
    /// Size × colour.
    Apparel,
    /// Shoe sizes.
    Shoes,
    /// Colours only.
    Coloured,
    /// One variant, no options.
    Single,
}

/// A product line: a category's products are every adjective with every noun.
struct Line {
    category: &'static str,
    kind: Kind,
    /// Base price range in cents.
    price: (i64, i64),
    adjectives: &'static [&'static str],
    nouns: &'static [&'static str],
}

const LINES: &[Line] = &[
    Line {
        category: "t-shirts",
        kind: Kind::Apparel,
        price: (1500, 3500),
        adjectives: &["Classic", "Heavyweight", "Pocket", "Striped", "Raglan"],
        nouns: &["Tee", "Crew T-shirt"],
    },
    Line {
        category: "knitwear",
        kind: Kind::Apparel,
        price: (4900, 12900),
        adjectives: &["Merino", "Cable", "Lambswool", "Cotton", "Fisherman"],
        nouns: &["Jumper", "Cardigan"],
    },
    Line {
        category: "trousers",
        kind: Kind::Apparel,
        price: (4500, 9900),
        adjectives: &["Slim", "Relaxed", "Pleated", "Straight", "Carpenter"],
        nouns: &["Chinos", "Cords"],
    },
    Line {
        category: "shoes",
        kind: Kind::Shoes,
        price: (5900, 17900),
        adjectives: &["Canvas", "Leather", "Suede", "Trail"],
        nouns: &["Trainers", "Boots"],
    },
    Line {
        category: "kitchen",
        kind: Kind::Coloured,
        price: (900, 6900),
        adjectives: &["Enamel", "Stoneware", "Cast-iron", "Glass"],
        nouns: &["Mug", "Pan"],
    },
    Line {
        category: "decor",
        kind: Kind::Coloured,
        price: (1900, 8900),
        adjectives: &["Linen", "Woven", "Ceramic", "Wool"],
        nouns: &["Cushion", "Vase"],
    },
    Line {
        category: "stationery",
        kind: Kind::Single,
        price: (300, 2900),
        adjectives: &["Dot-grid", "Recycled", "Pocket", "A5"],
        nouns: &["Notebook", "Pen Set"],
    },
    Line {
        category: "outdoor",
        kind: Kind::Coloured,
        price: (1500, 12900),
        adjectives: &["Waxed", "Insulated", "Packable", "Rolltop"],
        nouns: &["Backpack", "Bottle"],
    },
    Line {
        category: "beauty",
        kind: Kind::Single,
        price: (600, 3900),
        adjectives: &["Oat", "Rosemary", "Cedar", "Citrus"],
        nouns: &["Soap Bar", "Hand Balm"],
    },
];

const COLOURS: &[&str] = &[
    "Black", "Navy", "Oat", "Sage", "Rust", "Ochre", "Grey", "White",
];
const SIZES: &[&str] = &["S", "M", "L", "XL"];
const SHOE_SIZES: &[&str] = &["38", "39", "40", "41", "42", "43", "44"];

/// splitmix64: a tiny, stable generator, so the catalog never changes with a library upgrade.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

pub struct DemoVariant {
    pub sku: String,
    pub options: Vec<(String, String)>,
    pub price: i64,
    pub compare_at: Option<i64>,
    pub stock: i32,
}

pub struct DemoProduct {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub category: &'static str,
    pub option_names: Vec<&'static str>,
    pub variants: Vec<DemoVariant>,
    pub created_at: DateTime<Utc>,
    pub hue: u32,
}

pub struct DemoCatalog {
    pub products: Vec<DemoProduct>,
}

impl DemoCatalog {
    pub fn build() -> Self {
        let mut rng = Rng(0x00BA_2AA2);
        let epoch = Utc
            .with_ymd_and_hms(2026, 1, 5, 9, 0, 0)
            .single()
            .unwrap_or_else(Utc::now);
        let mut products = Vec::new();
        for (line_no, line) in LINES.iter().enumerate() {
            let Line {
                category,
                kind,
                price: (low, high),
                adjectives,
                nouns,
            } = line;
            for (i, (adjective, noun)) in adjectives
                .iter()
                .flat_map(|a| nouns.iter().map(move |n| (a, n)))
                .enumerate()
            {
                let n = products.len();
                let name = format!("{adjective} {noun}");
                let slug = app::domain::slug::Slug::from_name(&name)
                    .map(|s| s.to_string())
                    .unwrap_or_default();
                let code: String = format!("{}{}", &category[..2], &noun[..2])
                    .to_uppercase()
                    .replace('-', "");
                let base =
                    (low + rng.below(((high - low) / 100) as u64) as i64 * 100 - 1).max(low - 1);
                let reduced = rng.below(5) == 0;
                let (option_names, combos): (Vec<&'static str>, Vec<Vec<&str>>) = match kind {
                    Kind::Apparel => {
                        let c1 = COLOURS[rng.below(COLOURS.len() as u64) as usize];
                        let c2 = COLOURS[(COLOURS.iter().position(|c| *c == c1).unwrap_or(0) + 3)
                            % COLOURS.len()];
                        let combos = [c1, c2]
                            .iter()
                            .flat_map(|c| SIZES.iter().map(move |s| vec![*s, *c]))
                            .collect();
                        (vec!["Size", "Colour"], combos)
                    }
                    Kind::Shoes => (vec!["Size"], SHOE_SIZES.iter().map(|s| vec![*s]).collect()),
                    Kind::Coloured => {
                        let start = rng.below(COLOURS.len() as u64) as usize;
                        let count = 2 + rng.below(2) as usize;
                        (
                            vec!["Colour"],
                            (0..count)
                                .map(|k| vec![COLOURS[(start + k * 2) % COLOURS.len()]])
                                .collect(),
                        )
                    }
                    Kind::Single => (vec![], vec![vec![]]),
                };
                let variants = combos
                    .into_iter()
                    .enumerate()
                    .map(|(k, values)| {
                        let upcharge = if values.first() == Some(&"XL") {
                            200
                        } else {
                            0
                        };
                        let price = base + upcharge;
                        // About one variant in eight is sold out and one in eight nearly so.
                        let stock = match rng.below(8) {
                            0 => 0,
                            1 => 1 + rng.below(4) as i32,
                            _ => 8 + rng.below(60) as i32,
                        };
                        let suffix: String = values
                            .iter()
                            .map(|v| v.to_uppercase().chars().take(3).collect::<String>())
                            .collect::<Vec<_>>()
                            .join("-");
                        DemoVariant {
                            sku: if suffix.is_empty() {
                                format!("{code}-{n:03}")
                            } else {
                                format!("{code}-{n:03}-{suffix}")
                            },
                            options: option_names
                                .iter()
                                .zip(&values)
                                .map(|(o, v)| (o.to_string(), v.to_string()))
                                .collect(),
                            price,
                            compare_at: reduced.then_some((price * 5 / 4 / 100) * 100 + 99),
                            stock: if k == 0 && n % 11 == 0 { 0 } else { stock },
                        }
                    })
                    .collect();
                products.push(DemoProduct {
                    description: format!(
                        "Our {} {} is made to be used every day and to last for years. {}\n\nDesigned in our studio and made in small runs by workshops we know by name.",
                        adjective.to_lowercase(),
                        noun.to_lowercase(),
                        match kind {
                            Kind::Apparel => "True to size; if you are between sizes, take the larger one.",
                            Kind::Shoes => "Sizes are EU; most people take their usual size.",
                            Kind::Coloured => "Each colour is glazed or dyed by hand, so every piece differs a little.",
                            Kind::Single => "Plastic-free packaging.",
                        }
                    ),
                    slug,
                    name,
                    category,
                    option_names,
                    variants,
                    created_at: epoch + Duration::hours((line_no * 97 + i * 13) as i64 + rng.below(12) as i64),
                    hue: ((line_no * 40 + i * 23) % 360) as u32,
                });
            }
        }
        DemoCatalog { products }
    }
}

pub struct Summary {
    pub products: usize,
    pub variants: usize,
    pub categories: usize,
}

/// Replaces the catalog with the demo catalog, and writes its images into `media_dir`.
pub async fn load(pool: &PgPool, media_dir: &Path) -> Result<Summary, BoxError> {
    let catalog = DemoCatalog::build();
    let mut tx = pool.begin().await?;
    sqlx::query!("delete from collection")
        .execute(&mut *tx)
        .await?;
    sqlx::query!("delete from product")
        .execute(&mut *tx)
        .await?;
    sqlx::query!("delete from category")
        .execute(&mut *tx)
        .await?;
    super::shipping::load(&mut tx).await?;

    for (position, (slug, name, parent, description)) in DEMO_CATEGORIES.iter().enumerate() {
        sqlx::query!(
            "insert into category (slug, name, description, position, parent_id)
             values ($1, $2, $3, $4, (select category_id from category where slug = $5))",
            slug,
            name,
            description,
            position as i32,
            *parent
        )
        .execute(&mut *tx)
        .await?;
    }

    let mut variants = 0;
    for product in &catalog.products {
        let product_id = sqlx::query_scalar!(
            "insert into product (category_id, slug, name, description, currency, created_at)
             values ((select category_id from category where slug = $1), $2, $3, $4, 'EUR', $5)
             returning product_id",
            product.category,
            product.slug,
            product.name,
            product.description,
            product.created_at
        )
        .fetch_one(&mut *tx)
        .await?;
        for (position, name) in product.option_names.iter().enumerate() {
            sqlx::query!(
                "insert into product_option (product_id, name, position) values ($1, $2, $3)",
                product_id,
                name,
                position as i32
            )
            .execute(&mut *tx)
            .await?;
        }
        for (position, v) in product.variants.iter().enumerate() {
            let options: serde_json::Map<String, serde_json::Value> = v
                .options
                .iter()
                .map(|(k, val)| (k.clone(), serde_json::Value::String(val.clone())))
                .collect();
            sqlx::query!(
                "with added as (
                   insert into variant (product_id, sku, options, price_minor, compare_at_minor, currency, stock_on_hand, position)
                   values ($1, $2, $3, $4, $5, 'EUR', $6, $7)
                   returning variant_id, stock_on_hand)
                 insert into stock_movement (variant_id, delta, reason, note)
                 select variant_id, stock_on_hand, 'received', 'demo catalog' from added where stock_on_hand > 0",
                product_id,
                v.sku,
                serde_json::Value::Object(options),
                v.price,
                v.compare_at,
                v.stock,
                position as i32
            )
            .execute(&mut *tx)
            .await?;
            variants += 1;
        }
        for k in 0..3u32 {
            let relative = format!("products/{}-{}.svg", product.slug, k + 1);
            images::write(
                media_dir,
                &relative,
                &images::svg(&product.name, (product.hue + k * 25) % 360, k),
            )
            .await?;
            sqlx::query!(
                "insert into product_image (product_id, url, alt, width, height, position) values ($1, $2, $3, $4, $4, $5)",
                product_id,
                format!("/media/{relative}"),
                format!("{}, view {}", product.name, k + 1),
                images::SIZE as i32,
                k as i32
            )
            .execute(&mut *tx)
            .await?;
        }
    }

    let collections = [
        (
            "new-arrivals",
            "New arrivals",
            "Just landed in the shop.",
            true,
            "newest",
        ),
        (
            "bestsellers",
            "Bestsellers",
            "What other shoppers keep coming back for.",
            true,
            "picked",
        ),
        (
            "under-25",
            "Under €25",
            "Small treats and easy gifts.",
            true,
            "cheap",
        ),
        (
            "gift-ideas",
            "Gift ideas",
            "Things people are glad to unwrap.",
            false,
            "picked",
        ),
    ];
    for (position, (slug, name, description, featured, rule)) in collections.iter().enumerate() {
        let collection_id = sqlx::query_scalar!(
            "insert into collection (slug, name, description, featured, position) values ($1, $2, $3, $4, $5)
             returning collection_id",
            slug,
            name,
            description,
            featured,
            position as i32
        )
        .fetch_one(&mut *tx)
        .await?;
        let mut slugs: Vec<&DemoProduct> = catalog.products.iter().collect();
        match *rule {
            "newest" => slugs.sort_by_key(|p| std::cmp::Reverse(p.created_at)),
            "cheap" => {
                slugs.retain(|p| p.variants.iter().map(|v| v.price).min().unwrap_or(0) < 2500);
            }
            _ => {
                slugs = slugs
                    .into_iter()
                    .enumerate()
                    .filter(|(i, _)| (i * 7 + position) % 9 == 0)
                    .map(|(_, p)| p)
                    .collect()
            }
        }
        for (rank, product) in slugs.iter().take(8).enumerate() {
            sqlx::query!(
                "insert into collection_product (collection_id, product_id, position)
                 select $1, product_id, $3 from product where slug = $2",
                collection_id,
                product.slug,
                rank as i32
            )
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(Summary {
        products: catalog.products.len(),
        variants,
        categories: DEMO_CATEGORIES.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn demo_catalog_is_big_enough_and_valid() {
        let c = DemoCatalog::build();
        assert!(c.products.len() >= 60);
        let categories: HashSet<_> = c.products.iter().map(|p| p.category).collect();
        assert!(categories.len() >= 6);
        let slugs: HashSet<_> = c.products.iter().map(|p| &p.slug).collect();
        assert_eq!(slugs.len(), c.products.len(), "slugs are unique");
        let skus: Vec<_> = c
            .products
            .iter()
            .flat_map(|p| p.variants.iter().map(|v| &v.sku))
            .collect();
        assert_eq!(
            skus.iter().collect::<HashSet<_>>().len(),
            skus.len(),
            "SKUs are unique"
        );
        for sku in skus {
            assert!(app::domain::sku::Sku::parse(sku).is_ok(), "{sku}");
        }
        for p in &c.products {
            assert!(
                app::domain::slug::Slug::parse(&p.slug).is_ok(),
                "{}",
                p.slug
            );
            assert!(p.variants.iter().all(|v| v.price > 0 && v.stock >= 0));
        }
        assert!(
            c.products
                .iter()
                .any(|p| p.variants.iter().any(|v| v.stock == 0)),
            "some sold out"
        );
        assert!(
            c.products
                .iter()
                .any(|p| p.variants.iter().any(|v| (1..=5).contains(&v.stock))),
            "some low"
        );
        assert!(
            c.products
                .iter()
                .any(|p| p.variants.iter().any(|v| v.compare_at.is_some())),
            "some reduced"
        );
    }

    #[test]
    fn demo_catalog_is_deterministic() {
        let a = DemoCatalog::build();
        let b = DemoCatalog::build();
        let key = |c: &DemoCatalog| {
            c.products
                .iter()
                .map(|p| {
                    (
                        p.slug.clone(),
                        p.variants
                            .iter()
                            .map(|v| (v.sku.clone(), v.price, v.stock))
                            .collect::<Vec<_>>(),
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(key(&a), key(&b));
    }
}
