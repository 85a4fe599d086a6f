use crate::api::catalog::get_product;
use crate::components::cart_state::use_cart;
use crate::components::error_view::{ErrorTemplate, FormError};
use crate::components::page_meta::{PageMeta, ProductStructuredData};
use crate::components::price::Price;
use crate::components::recently_viewed::{RecentItem, RecentlyViewed};
use crate::domain::catalog::{Image, ProductDetail, StockState};
use crate::domain::quantity::Quantity;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// Where a product page's live stock comes from: `/events/stock/<slug>`, server-sent events
/// (server/src/http/live_stock.rs).
pub const LIVE_STOCK: &str = "/events/stock/";

#[component]
pub fn ProductPage() -> impl IntoView {
    let params = use_params_map();
    let product = Resource::new(
        move || params.read().get("slug").unwrap_or_default(),
        get_product,
    );
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorTemplate errors/> }>
                {move || Suspend::new(async move { product.await.map(|product| view! { <ProductView product/> }) })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn ProductView(product: ProductDetail) -> impl IntoView {
    let query = use_query_map();
    let product = StoredValue::new(product);
    // The chosen variant lives in the URL (?variant=SKU): links work without JavaScript, and can be shared.
    let selected = Memo::new(move |_| {
        let sku = query.read().get("variant");
        product.with_value(|p| p.selected_variant(sku.as_deref()).cloned())
    });
    let p = product.get_value();
    let first_image = p.images.first().map(|i| i.url.clone());
    let description = if p.description.is_empty() {
        format!("{} at Bazaar.", p.name)
    } else {
        p.description.clone()
    };
    let recent = RecentItem {
        slug: p.slug.clone(),
        name: p.name.clone(),
        price: p
            .variants
            .iter()
            .map(|v| v.price)
            .min_by_key(|m| m.minor)
            .unwrap_or(crate::domain::money::Money::zero(
                crate::domain::money::Currency::EUR,
            )),
        image: p.images.first().cloned(),
    };

    view! {
        <PageMeta title=p.name.clone() description=description image=first_image kind="product"
            canonical=Some(format!("/p/{}", p.slug))/>
        <ProductStructuredData product=p.clone()/>
        <nav aria-label="Breadcrumb" class="text-sm text-stone-600">
            <ol class="flex flex-wrap gap-1">
                <li><a href="/" class="hover:underline">"Home"</a></li>
                <li aria-hidden="true">"/"</li>
                <li><a href=format!("/c/{}", p.category.slug) class="hover:underline">{p.category.name.clone()}</a></li>
            </ol>
        </nav>
        <div class="mt-4 grid gap-8 md:grid-cols-2">
            <Gallery images=p.images.clone()/>
            // `data-live-stock`: the product's stock events, which navigation.js follows to keep the stock line,
            // the button and the sold-out options up to date while the page is open.
            <div id="buy" class="scroll-mt-4" data-live-stock=format!("{}{}", LIVE_STOCK, p.slug)>
                <h1 class="text-3xl font-bold tracking-tight text-stone-900">{p.name.clone()}</h1>
                <p class="mt-3" data-testid="price">
                    {move || selected.get().map(|v| view! { <Price price=v.price compare_at=v.compare_at large=true/> })}
                </p>
                <VariantPicker product selected/>
                <p class="mt-4 text-sm font-medium" data-testid="stock" aria-live="polite">
                    // The colour follows `data-state`, which live updates change.
                    {move || selected.get().map(|v| {
                        let state = StockState::of(v.available);
                        view! {
                            <span data-state=state.key()
                                class="data-[state=in_stock]:text-emerald-700 data-[state=low]:text-amber-700 data-[state=sold_out]:text-stone-500">
                                {state.message()}
                            </span>
                        }
                    })}
                </p>
                <AddToCartForm selected/>
                <div class="prose mt-8 max-w-none text-stone-700">
                    <h2 class="text-base font-semibold text-stone-900">"Description"</h2>
                    <p class="mt-2 whitespace-pre-line">{p.description.clone()}</p>
                </div>
            </div>
        </div>
        <RecentlyViewed current=recent/>
    }
}

/// All images in a scroll-snap strip with thumbnail links to each: it works without JavaScript.
#[component]
fn Gallery(images: Vec<Image>) -> impl IntoView {
    let thumbs = images.clone();
    view! {
        <div>
            // Focusable, so a keyboard can scroll it too.
            <div class="no-scrollbar flex aspect-square snap-x snap-mandatory overflow-x-auto rounded-xl bg-stone-100" data-testid="gallery"
                tabindex="0" role="region" aria-label="Image gallery">
                {images.into_iter().enumerate().map(|(i, img)| view! {
                    <img id=format!("image-{}", i + 1) src=img.url alt=img.alt
                        sizes=img.srcset.as_ref().map(|_| "(min-width: 768px) 50vw, 100vw") srcset=img.srcset width=img.width height=img.height
                        loading=if i == 0 { "eager" } else { "lazy" }
                        fetchpriority=if i == 0 { "high" } else { "auto" }
                        class="h-full w-full flex-none snap-center object-cover"/>
                }).collect_view()}
            </div>
            {(thumbs.len() > 1).then(|| view! {
                <ul class="mt-3 flex gap-2" role="list" aria-label="Product images">
                    {thumbs.into_iter().enumerate().map(|(i, img)| view! {
                        <li>
                            <a href=format!("#image-{}", i + 1) class="block h-16 w-16 overflow-hidden rounded-md border border-stone-200 hover:border-stone-500"
                                aria-label=format!("Show image {}: {}", i + 1, img.alt)>
                                <img src=img.url srcset=img.srcset.clone() sizes=img.srcset.map(|_| "64px") alt="" width="64" height="64" loading="lazy" class="h-full w-full object-cover"/>
                            </a>
                        </li>
                    }).collect_view()}
                </ul>
            })}
        </div>
    }
}

#[component]
fn VariantPicker(
    product: StoredValue<ProductDetail>,
    selected: Memo<Option<crate::domain::catalog::VariantView>>,
) -> impl IntoView {
    move || {
        let Some(current) = selected.get() else {
            return ().into_any();
        };
        let groups = product.with_value(|p| p.option_groups(&current));
        groups
            .into_iter()
            .map(|group| {
                let label_id = format!("option-{}", group.name.to_lowercase().replace(' ', "-"));
                view! {
                    <fieldset class="mt-6">
                        <legend id=label_id.clone() class="text-sm font-medium text-stone-900">{group.name.clone()}</legend>
                        <div class="mt-2 flex flex-wrap gap-2" role="group" aria-labelledby=label_id>
                            {group.choices.into_iter().map(|choice| {
                                // Sold out is `data-sold-out`, which live updates change too; the words for screen
                                // readers follow it (shown to them only while it is there).
                                let class = format!(
                                    "group rounded-md border px-3 py-1.5 text-sm data-sold-out:line-through data-sold-out:opacity-60 {}",
                                    if choice.selected { "border-stone-900 bg-stone-900 text-white" } else { "border-stone-300 text-stone-800 hover:border-stone-500" },
                                );
                                // `#buy` keeps the shopper at the price and the button when the page for the
                                // chosen variant loads.
                                view! {
                                    <a href=format!("?variant={}#buy", choice.sku)
                                        class=class
                                        aria-current=choice.selected.then_some("true")
                                        data-sold-out=(!choice.available).then_some("")
                                        data-testid="variant-option">
                                        {choice.value.clone()}
                                        <span class="sr-only hidden group-data-sold-out:inline">" (sold out)"</span>
                                    </a>
                                }
                            }).collect_view()}
                        </div>
                    </fieldset>
                }
            })
            .collect_view()
            .into_any()
    }
}

#[component]
fn AddToCartForm(selected: Memo<Option<crate::domain::catalog::VariantView>>) -> impl IntoView {
    let cart = use_cart();
    let add = cart.add;
    let result = add.value();
    let error = Signal::derive(move || result.get().and_then(Result::err));
    // After a successful add the server sends the shopper back here with `?added=SKU`.
    let query = use_query_map();
    let added = move || {
        let added = query.read().get("added");
        added.is_some() && added == selected.get().map(|v| v.sku)
    };
    let sold_out = move || selected.get().is_none_or(|v| v.available == 0);
    // The page says how many are left only when few are (`StockState`), and so does the field's limit: the page
    // is cached and evicted when its stock state changes, not on every sale; the server checks the real count.
    let max = move || {
        selected
            .get()
            .map_or(Quantity::MAX, |v| match StockState::of(v.available) {
                StockState::Low(n) => n,
                StockState::InStock | StockState::SoldOut => Quantity::MAX,
            })
    };
    view! {
        <ActionForm action=add attr:class="mt-6" attr:data-testid="add-to-cart-form">
            <input type="hidden" name="sku" value=move || selected.get().map(|v| v.sku).unwrap_or_default()/>
            <div class="flex items-end gap-3">
                <div>
                    <label for="quantity" class="block text-sm font-medium text-stone-900">"Quantity"</label>
                    <input id="quantity" name="quantity" type="number" inputmode="numeric" min="1" max=max value="1" required
                        class="mt-1 w-20 rounded-md border border-stone-300 px-2 py-2"/>
                </div>
                <button type="submit" disabled=sold_out data-add-label="Add to cart"
                    class="flex-1 rounded-md bg-stone-900 px-6 py-2.5 font-medium text-white hover:bg-stone-700 disabled:cursor-not-allowed disabled:bg-stone-400">
                    {move || if sold_out() { "Sold out" } else { "Add to cart" }}
                </button>
            </div>
            <FormError error/>
            <p class="text-sm text-emerald-700" role="status" aria-live="polite">
                {move || added().then_some(view! { "Added to your cart. " <a href="/cart" class="underline">"View cart"</a> })}
            </p>
        </ActionForm>
    }
}
