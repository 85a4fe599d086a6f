//! `/admin/products/:id` (and `/admin/products/new`): the product form. One plain HTML form for the product, its
//! option names, its collections and its variants (a row each, plus empty rows to add more), saved in one
//! transaction. The form carries the version it was opened at: if someone saved the product in between, the
//! save is refused with a message to reload, never silently overwritten.

use super::{loaded, BUTTON, INPUT};
use crate::api::admin::catalog::{get_product_editor, SaveProduct};
use crate::api::admin::images::{ADD_IMAGE_PATH, REMOVE_IMAGE_PATH};
use crate::components::error_view::FormError;
use crate::components::page_meta::PageMeta;
use crate::domain::admin::catalog::{
    AdminImage, ProductEditor, ProductStatus, VariantDetails, MAX_ALT, MAX_IMAGES,
};
use crate::error::AppError;
use crate::pages::checkout::form_error;
use leptos::prelude::*;
use leptos::server_fn::error::ServerFnUrlError;
use leptos_router::hooks::{use_params_map, use_query_map};

/// What the browser checks before the form is sent (the server checks again).
const SKU_PATTERN: &str = "[A-Za-z0-9][A-Za-z0-9\\-]{0,63}";
const PRICE_PATTERN: &str = "[0-9]{1,12}([.,][0-9]{1,3})?";

#[component]
pub fn ProductEditPage() -> impl IntoView {
    let params = use_params_map();
    let editor = Resource::new(
        move || {
            let id = params.read().get("id").unwrap_or_default();
            if id == "new" {
                String::new()
            } else {
                id
            }
        },
        get_product_editor,
    );
    let saved = use_query_map()
        .read_untracked()
        .get("saved")
        .is_some_and(|s| !s.is_empty());
    view! {
        <PageMeta title="Product".into() description="Edit a product.".into()/>
        <p class="text-sm"><a href="/admin/products" class="underline">"← Products"</a></p>
        {saved.then(|| view! {
            <p class="mt-2 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-900" role="status" data-testid="product-saved">"Saved."</p>
        })}
        {loaded(editor, |editor| view! { <ProductForm editor/> })}
    }
}

#[component]
fn ProductForm(editor: ProductEditor) -> impl IntoView {
    let save = ServerAction::<SaveProduct>::new();
    let error = form_error(save.value());
    let ProductEditor {
        product,
        categories,
        collections,
        currency,
    } = editor;
    let title = product
        .as_ref()
        .map_or_else(|| "New product".to_string(), |p| p.name.clone());
    let p = product.clone();
    let get = move |f: fn(&crate::domain::admin::catalog::ProductDetails) -> String| {
        p.as_ref().map(f).unwrap_or_default()
    };
    let category = product.as_ref().map(|p| p.category_id);
    let status = product.as_ref().map_or(ProductStatus::Draft, |p| p.status);
    let in_collection = product
        .as_ref()
        .map(|p| p.collection_ids.clone())
        .unwrap_or_default();
    let options = product
        .as_ref()
        .map(|p| p.options.clone())
        .unwrap_or_default();
    let variants = product
        .as_ref()
        .map(|p| p.variants.clone())
        .unwrap_or_default();
    let blank_rows = if product.is_some() { 2 } else { 3 };
    let first_blank = variants.len();
    let shop_link = product
        .as_ref()
        .filter(|p| p.status == ProductStatus::Active)
        .map(|p| format!("/p/{}", p.slug));
    let option_hint = if options.is_empty() {
        "Values for each option, comma-separated".to_string()
    } else {
        options.join(", ")
    };
    view! {
        <div class="mt-2 flex items-baseline justify-between">
            <h1 class="text-3xl font-bold tracking-tight" data-testid="product-title">{title}</h1>
            {shop_link.map(|href| view! { <a class="text-sm underline" href=href>"View in the shop"</a> })}
        </div>
        <ActionForm action=save attr:class="mt-6 grid gap-6" attr:data-testid="product-form">
            <FormError error/>
            <input type="hidden" name="product_id" value=get(|p| p.product_id.to_string())/>
            <input type="hidden" name="version" value=get(|p| p.version.to_string())/>
            <div class="grid gap-4 md:grid-cols-2">
                <div>
                    <label for="name" class="block text-sm font-medium">"Name"</label>
                    <input id="name" name="name" required maxlength="200" value=get(|p| p.name.clone()) class=INPUT/>
                </div>
                <div>
                    <label for="slug" class="block text-sm font-medium">"Web address"</label>
                    <input id="slug" name="slug" maxlength="120" pattern="[a-z0-9]+(-[a-z0-9]+)*" placeholder="made from the name when blank" value=get(|p| p.slug.clone()) class=INPUT/>
                </div>
                <div class="md:col-span-2">
                    <label for="description" class="block text-sm font-medium">"Description"</label>
                    <textarea id="description" name="description" rows="5" maxlength="10000" class=INPUT>{get(|p| p.description.clone())}</textarea>
                </div>
                <div>
                    <label for="category" class="block text-sm font-medium">"Category"</label>
                    <select id="category" name="category" required class=INPUT>
                        {categories.into_iter().map(|c| view! {
                            <option value=c.id.to_string() selected=category == Some(c.id)>{c.name}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div>
                    <label for="status" class="block text-sm font-medium">"Status"</label>
                    <select id="status" name="status" class=INPUT>
                        {ProductStatus::ALL.into_iter().map(|s| view! {
                            <option value=s.as_db() selected=status == s>{s.label()}</option>
                        }).collect_view()}
                    </select>
                    <p class="mt-1 text-xs text-stone-600">"Shoppers and search engines see active products only."</p>
                </div>
                <fieldset class="md:col-span-2">
                    <legend class="text-sm font-medium">"Collections"</legend>
                    <div class="mt-1 flex flex-wrap gap-4 text-sm">
                        {collections.into_iter().map(|c| view! {
                            <label class="flex items-center gap-2">
                                <input type="checkbox" name=format!("collections[c{}]", c.id) value="on" checked=in_collection.contains(&c.id)/>
                                {c.name}
                            </label>
                        }).collect_view()}
                    </div>
                </fieldset>
                <div class="md:col-span-2">
                    <label for="options" class="block text-sm font-medium">"Option names"</label>
                    <input id="options" name="options" maxlength="200" placeholder="Size, Colour" value=options.join(", ") class=INPUT/>
                    <p class="mt-1 text-xs text-stone-600">"Up to three, comma-separated. Each variant gives one value for each, in this order."</p>
                </div>
            </div>
            <fieldset>
                <legend class="text-xl font-semibold">"Variants"</legend>
                <p class="mt-1 text-xs text-stone-600">{format!("Prices in {}. Fill an empty row to add a variant; its stock is booked as received.", currency.code())}</p>
                <table class="mt-2 w-full text-left text-sm" data-testid="variant-rows">
                    <thead class="text-stone-600">
                        <tr>
                            <th scope="col">"SKU"</th>
                            <th scope="col">"Option values"</th>
                            <th scope="col">"Price"</th>
                            <th scope="col">"Compare at"</th>
                            <th scope="col">"Low-stock alert"</th>
                            <th scope="col">"Stock"</th>
                            <th scope="col">"Delete"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {variants.into_iter().enumerate().map(|(i, v)| view! { <VariantRow i v hint=option_hint.clone()/> }).collect_view()}
                        {(first_blank..first_blank + blank_rows).map(|i| view! { <BlankRow i hint=option_hint.clone()/> }).collect_view()}
                    </tbody>
                </table>
            </fieldset>
            <div><button type="submit" class=BUTTON data-testid="save-product">"Save product"</button></div>
        </ActionForm>
        {product.map(|p| view! { <Images product_id=p.product_id images=p.images/> })}
    }
}

/// The product's pictures, each with its removal, and the upload of another: plain forms (a file upload and a
/// removal need no script), separate from the product form so a half-typed product is never posted with them.
#[component]
fn Images(product_id: i64, images: Vec<AdminImage>) -> impl IntoView {
    // A plain form post that failed comes back here with its error in the query (`__path`, `__err`).
    let error: Option<AppError> = use_query_map().with_untracked(|q| {
        matches!(
            q.get("__path").as_deref(),
            Some(ADD_IMAGE_PATH | REMOVE_IMAGE_PATH)
        )
        .then(|| q.get("__err"))
        .flatten()
        .map(|e| ServerFnUrlError::<AppError>::decode_err(&e))
    });
    let product_id = product_id.to_string();
    let full = images.len() >= MAX_IMAGES;
    view! {
        <section id="images" class="mt-10" data-testid="product-images">
            <h2 class="text-xl font-semibold">"Images"</h2>
            <p class="mt-1 text-sm text-stone-600">"The first image is the product's picture in listings. Each upload is stored 320, 640 and 1280 pixels wide; phones get the small one."</p>
            <div class="mt-2"><FormError error=Signal::stored(error)/></div>
            <ul class="mt-4 flex flex-wrap gap-4" role="list">
                {images.into_iter().map(|img| view! {
                    <li class="w-40" data-testid="product-image">
                        <img src=img.url.clone() srcset=img.srcset.clone() sizes=img.srcset.map(|_| "160px") alt=img.alt.clone()
                            width=img.width height=img.height loading="lazy" class="aspect-square w-40 rounded-md bg-stone-100 object-cover"/>
                        <p class="mt-1 truncate text-xs text-stone-600" title=img.alt.clone()>{img.alt.clone()}</p>
                        <form method="post" action=REMOVE_IMAGE_PATH class="mt-1">
                            <input type="hidden" name="product_id" value=product_id.clone()/>
                            <input type="hidden" name="image_id" value=img.image_id.to_string()/>
                            <button type="submit" class="text-xs text-red-700 underline" aria-label=format!("Remove image: {}", img.alt)>"Remove"</button>
                        </form>
                    </li>
                }).collect_view()}
            </ul>
            {(!full).then(|| view! {
                <form method="post" action=ADD_IMAGE_PATH enctype="multipart/form-data" class="mt-4 flex flex-wrap items-end gap-3">
                    <input type="hidden" name="product_id" value=product_id.clone()/>
                    <div>
                        <label for="image-file" class="block text-sm font-medium">"Image file"</label>
                        <input id="image-file" name="file" type="file" accept="image/jpeg,image/png,image/webp" required class="mt-1 text-sm"/>
                        <p class="mt-1 text-xs text-stone-500">"JPEG, PNG or WebP, at least 320 pixels wide, at most 10 MB."</p>
                    </div>
                    <div class="min-w-64 flex-1">
                        <label for="image-alt" class="block text-sm font-medium">"Alt text"</label>
                        <input id="image-alt" name="alt" type="text" required maxlength=MAX_ALT class=INPUT
                            placeholder="What the picture shows, for shoppers who cannot see it"/>
                    </div>
                    <button type="submit" class=BUTTON>"Add image"</button>
                </form>
            })}
            {full.then(|| view! { <p class="mt-4 text-sm text-stone-600">{format!("A product has at most {MAX_IMAGES} images; remove one to add another.")}</p> })}
        </section>
    }
}

/// `variants[i][field]`: the name serde_qs reads back into the i-th row.
fn field(i: usize, name: &str) -> String {
    format!("variants[{i}][{name}]")
}

#[component]
fn VariantRow(i: usize, v: VariantDetails, hint: String) -> impl IntoView {
    let cell = "w-full rounded-md border border-stone-300 px-2 py-1";
    view! {
        <tr data-testid="variant-row" data-sku=v.sku.clone()>
            <td>
                <input type="hidden" name=field(i, "id") value=v.variant_id.to_string()/>
                <input name=field(i, "sku") aria-label="SKU" required pattern=SKU_PATTERN value=v.sku.clone() class=format!("{cell} font-mono")/>
            </td>
            <td><input name=field(i, "values") aria-label="Option values" placeholder=hint value=v.values.join(", ") class=cell/></td>
            <td><input name=field(i, "price") aria-label="Price" required inputmode="decimal" pattern=PRICE_PATTERN value=v.price.decimal() class=cell/></td>
            <td><input name=field(i, "compare_at") aria-label="Compare-at price" inputmode="decimal" pattern=PRICE_PATTERN value=v.compare_at.map(|m| m.decimal()).unwrap_or_default() class=cell/></td>
            <td><input name=field(i, "low_stock") aria-label="Low-stock alert" inputmode="numeric" pattern="[0-9]{1,6}" value=v.low_stock_threshold.to_string() class=cell/></td>
            <td><a class="underline" href=format!("/admin/stock?sku={}", v.sku)>{v.on_hand}</a></td>
            <td>
                {if v.ordered {
                    view! { <span class="text-xs text-stone-500" title="Ordered before: archive the product instead">"ordered"</span> }.into_any()
                } else {
                    view! { <input type="checkbox" name=field(i, "remove") value="on" aria-label="Delete this variant"/> }.into_any()
                }}
            </td>
        </tr>
    }
}

#[component]
fn BlankRow(i: usize, hint: String) -> impl IntoView {
    let cell = "w-full rounded-md border border-stone-300 px-2 py-1";
    view! {
        <tr data-testid="new-variant-row">
            <td><input name=field(i, "sku") aria-label="New variant SKU" pattern=SKU_PATTERN class=format!("{cell} font-mono")/></td>
            <td><input name=field(i, "values") aria-label="New variant option values" placeholder=hint class=cell/></td>
            <td><input name=field(i, "price") aria-label="New variant price" inputmode="decimal" pattern=PRICE_PATTERN class=cell/></td>
            <td><input name=field(i, "compare_at") aria-label="New variant compare-at price" inputmode="decimal" pattern=PRICE_PATTERN class=cell/></td>
            <td><input name=field(i, "low_stock") aria-label="New variant low-stock alert" inputmode="numeric" pattern="[0-9]{1,6}" placeholder="5" class=cell/></td>
            <td><input name=field(i, "stock") aria-label="New variant stock" inputmode="numeric" pattern="[0-9]{1,6}" placeholder="0" class=cell/></td>
            <td></td>
        </tr>
    }
}
