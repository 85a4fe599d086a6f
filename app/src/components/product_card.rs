use super::price::Price;
use crate::domain::catalog::ProductCard;
use leptos::prelude::*;

/// A grid of product cards. The first `eager` images load at once (they are likely above the fold); the rest lazily.
#[component]
pub fn ProductGrid(products: Vec<ProductCard>, #[prop(default = 4)] eager: usize) -> impl IntoView {
    view! {
        <ul class="grid grid-cols-2 gap-4 sm:gap-6 md:grid-cols-3 lg:grid-cols-4" role="list">
            {products
                .into_iter()
                .enumerate()
                .map(|(i, product)| view! { <li><ProductCardView product eager=i < eager/></li> })
                .collect_view()}
        </ul>
    }
}

/// How wide a card's picture is drawn: half the screen on phones, a third on tablets, at most ~280 px in the
/// four-column grid. Browsers pick the smallest stored width that fills it.
pub const CARD_SIZES: &str = "(min-width: 1024px) 280px, (min-width: 768px) 33vw, 50vw";

/// A card's classes (`card`, `card-media`, `card-image`, `card-name`) are components in `style/tailwind.css`: a
/// listing draws two dozen cards, and their utility lists were a third of its HTML.
#[component]
pub fn ProductCardView(
    product: ProductCard,
    #[prop(optional)] eager: bool,
    /// The name with matched words marked (search results); the plain name otherwise.
    #[prop(optional)]
    highlighted: Option<Vec<(String, bool)>>,
) -> impl IntoView {
    let href = format!("/p/{}", product.slug);
    let name = match highlighted {
        Some(segments) => segments
            .into_iter()
            .map(|(text, marked)| {
                if marked {
                    view! { <mark class="bg-amber-100 text-stone-900">{text}</mark> }.into_any()
                } else {
                    text.into_any()
                }
            })
            .collect_view()
            .into_any(),
        None => product.name.clone().into_any(),
    };
    view! {
        <a href=href class="group card" data-testid="product-card">
            <div class="card-media">
                {product.image.map(|img| view! {
                    <img
                        sizes=img.srcset.as_ref().map(|_| CARD_SIZES)
                        srcset=img.srcset
                        src=img.url
                        alt=img.alt
                        width=img.width
                        height=img.height
                        loading=if eager { "eager" } else { "lazy" }
                        decoding="async"
                        class="card-image"
                    />
                })}
            </div>
            <h3 class="card-name">{name}</h3>
            <p class="mt-1">
                <Price price=product.price_from compare_at=product.compare_at from=product.has_price_range/>
            </p>
            {(!product.in_stock).then(|| view! { <p class="text-xs font-medium text-stone-500">"Sold out"</p> })}
        </a>
    }
}
