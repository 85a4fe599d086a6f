//! `/admin/categories`: how products are filed. The category tree, a form per category (rename, change its web
//! address, move it under another parent, reorder it; delete it when nothing is filed in it) and one to add a
//! category; then the collections, likewise, with the box that features one on the home page.

use super::{loaded, BUTTON, INPUT};
use crate::api::admin::categories::{
    get_categories, get_collections, DeleteCategory, DeleteCollection, SaveCategory, SaveCollection,
};
use crate::components::error_view::FormError;
use crate::components::page_meta::PageMeta;
use crate::domain::admin::categories::{CategoryNode, CollectionRow};
use crate::pages::checkout::form_error;
use leptos::prelude::*;

const CELL: &str = "w-full rounded-md border border-stone-300 px-2 py-1";
const SMALL_BUTTON: &str = "rounded-md border border-stone-300 px-3 py-1 hover:bg-stone-100";

#[component]
pub fn CategoriesPage() -> impl IntoView {
    let categories = Resource::new(|| (), |_| get_categories());
    let collections = Resource::new(|| (), |_| get_collections());
    view! {
        <PageMeta title="Categories and collections".into() description="How products are filed.".into()/>
        <h1 class="text-3xl font-bold tracking-tight">"Categories and collections"</h1>
        {loaded(categories, |tree| view! { <Categories tree/> })}
        {loaded(collections, |list| view! { <Collections list/> })}
    }
}

#[component]
fn Categories(tree: Vec<CategoryNode>) -> impl IntoView {
    let save = ServerAction::<SaveCategory>::new();
    let delete = ServerAction::<DeleteCategory>::new();
    let save_error = form_error(save.value());
    let delete_error = form_error(delete.value());
    let parents: Vec<(i64, String)> = tree
        .iter()
        .map(|c| {
            (
                c.category_id,
                format!("{}{}", "— ".repeat(c.depth as usize), c.name),
            )
        })
        .collect();
    let rows = tree
        .into_iter()
        .map(|c| {
            let parents = parents.clone();
            let id = c.category_id;
            let deletable = c.products == 0 && c.children == 0;
            let (slug, counts) = (c.slug.clone(), format!("{} products, {} subcategories · ", c.products, c.children));
            let shop = format!("/c/{}", c.slug);
            view! {
                <li id=format!("category-{id}") class="py-2" data-testid="category-row" data-slug=slug>
                    <ActionForm action=save attr:class="grid items-end gap-2 sm:grid-cols-[2fr_2fr_2fr_5rem_auto]">
                        <input type="hidden" name="category_id" value=id.to_string()/>
                        <input type="hidden" name="description" value=c.description.clone()/>
                        <input name="name" aria-label="Name" required maxlength="200" value=c.name.clone()
                            class=CELL style=format!("margin-left: {}rem", c.depth)/>
                        <input name="slug" aria-label="Web address" required maxlength="120" value=c.slug.clone() class=CELL/>
                        <select name="parent" aria-label="Parent" class=CELL>
                            <option value="" selected=c.parent_id.is_none()>"(top level)"</option>
                            {parents.into_iter().filter(|(p, _)| *p != id).map(|(p, name)| view! {
                                <option value=p.to_string() selected=c.parent_id == Some(p)>{name}</option>
                            }).collect_view()}
                        </select>
                        <input name="position" aria-label="Position" inputmode="numeric" pattern="[0-9]{1,5}" value=c.position.to_string() class=CELL/>
                        <button type="submit" class=SMALL_BUTTON>"Save"</button>
                    </ActionForm>
                    <p class="mt-1 text-xs text-stone-600">
                        {counts}
                        <a class="underline" href=shop>"in the shop"</a>
                    </p>
                    {deletable.then(|| view! {
                        <ActionForm action=delete attr:class="mt-1">
                            <input type="hidden" name="category_id" value=id.to_string()/>
                            <button type="submit" class="text-xs text-rose-700 underline">"Delete this empty category"</button>
                        </ActionForm>
                    })}
                </li>
            }
        })
        .collect_view();
    view! {
        <section id="categories" class="mt-6">
            <h2 class="text-xl font-semibold">"Categories"</h2>
            <p class="mt-1 text-sm text-stone-600">"Lower positions come first among their siblings. Moving a category moves everything under it."</p>
            <FormError error=save_error/>
            <FormError error=delete_error/>
            <ul class="divide-y divide-stone-100" data-testid="category-tree">{rows}</ul>
            <h3 class="mt-6 font-semibold">"New category"</h3>
            <ActionForm action=save attr:class="mt-2 grid items-end gap-3 sm:grid-cols-4" attr:data-testid="new-category">
                <div>
                    <label for="new-category-name" class="block text-sm font-medium">"Name"</label>
                    <input id="new-category-name" name="name" required maxlength="200" class=INPUT/>
                </div>
                <div>
                    <label for="new-category-slug" class="block text-sm font-medium">"Web address"</label>
                    <input id="new-category-slug" name="slug" maxlength="120" placeholder="from the name" class=INPUT/>
                </div>
                <div>
                    <label for="new-category-parent" class="block text-sm font-medium">"Parent"</label>
                    <select id="new-category-parent" name="parent" class=INPUT>
                        <option value="">"(top level)"</option>
                        {parents.into_iter().map(|(p, name)| view! { <option value=p.to_string()>{name}</option> }).collect_view()}
                    </select>
                </div>
                <button type="submit" class=BUTTON>"Add category"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn Collections(list: Vec<CollectionRow>) -> impl IntoView {
    let save = ServerAction::<SaveCollection>::new();
    let delete = ServerAction::<DeleteCollection>::new();
    let save_error = form_error(save.value());
    let delete_error = form_error(delete.value());
    let rows = list
        .into_iter()
        .map(|c| {
            let id = c.collection_id;
            let (slug, products) = (c.slug.clone(), format!("{} products", c.products));
            view! {
                <li id=format!("collection-{id}") class="py-2" data-testid="collection-row" data-slug=slug>
                    <ActionForm action=save attr:class="grid items-end gap-2 sm:grid-cols-[2fr_2fr_3fr_5rem_auto_auto]">
                        <input type="hidden" name="collection_id" value=id.to_string()/>
                        <input name="name" aria-label="Name" required maxlength="200" value=c.name.clone() class=CELL/>
                        <input name="slug" aria-label="Web address" required maxlength="120" value=c.slug.clone() class=CELL/>
                        <input name="description" aria-label="Description" maxlength="2000" value=c.description.clone() class=CELL/>
                        <input name="position" aria-label="Position" inputmode="numeric" pattern="[0-9]{1,5}" value=c.position.to_string() class=CELL/>
                        <label class="flex items-center gap-1 text-sm">
                            <input type="checkbox" name="featured" value="on" checked=c.featured/>"Featured"
                        </label>
                        <button type="submit" class=SMALL_BUTTON>"Save"</button>
                    </ActionForm>
                    <div class="mt-1 flex gap-3 text-xs text-stone-600">
                        <span>{products}</span>
                        <ActionForm action=delete>
                            <input type="hidden" name="collection_id" value=id.to_string()/>
                            <button type="submit" class="text-rose-700 underline">"Delete (its products stay)"</button>
                        </ActionForm>
                    </div>
                </li>
            }
        })
        .collect_view();
    view! {
        <section id="collections" class="mt-10">
            <h2 class="text-xl font-semibold">"Collections"</h2>
            <p class="mt-1 text-sm text-stone-600">"Featured collections show on the home page, lowest position first. Products join a collection on their own form."</p>
            <FormError error=save_error/>
            <FormError error=delete_error/>
            <ul class="divide-y divide-stone-100" data-testid="collection-list">{rows}</ul>
            <h3 class="mt-6 font-semibold">"New collection"</h3>
            <ActionForm action=save attr:class="mt-2 grid items-end gap-3 sm:grid-cols-4" attr:data-testid="new-collection">
                <div>
                    <label for="new-collection-name" class="block text-sm font-medium">"Name"</label>
                    <input id="new-collection-name" name="name" required maxlength="200" class=INPUT/>
                </div>
                <div>
                    <label for="new-collection-slug" class="block text-sm font-medium">"Web address"</label>
                    <input id="new-collection-slug" name="slug" maxlength="120" placeholder="from the name" class=INPUT/>
                </div>
                <label class="flex items-center gap-2 text-sm">
                    <input type="checkbox" name="featured" value="on"/>"Feature on the home page"
                </label>
                <button type="submit" class=BUTTON>"Add collection"</button>
            </ActionForm>
        </section>
    }
}
