// The cart in place: add to cart, change a quantity and remove a line without leaving the page.
//
// navigation.js imports this module the first time a cart form is about to be used, so its bytes are not part of
// a shopper's first load, and hands it every cart form's submit. The count changes at once (optimistically): the
// localStorage snapshot that the header's cart-count island follows is written, and the island is told by a
// `storage` event, as it is when another tab changes the cart. Then the form posts to its server function asking
// for JSON. The answer's cart sets the real count; a refusal (sold out, over the limit) puts the count back and
// shows the server's own words (its `Bazaar-Message` header) where the form shows errors.
//
// After an add, a mini-cart opens: a modal <dialog> (focus stays inside, Escape closes it, focus returns to the
// button) holding the cart page's own contents, whose quantity and remove forms work the same way. On the cart
// page those contents are refreshed in place. A polite live region says what happened. Without JavaScript the
// forms post and redirect as they always did.

const KEY = "bazaar.cart";
const CONTENTS = "[data-cart-contents]";
let latest = 0;
let dialog;

function count() {
  try {
    const n = JSON.parse(localStorage.getItem(KEY))?.item_count;
    return Number.isInteger(n) ? n : null;
  } catch {
    return null;
  }
}

function setCount(n) {
  try {
    localStorage.setItem(KEY, JSON.stringify({ item_count: Math.max(0, n) }));
  } catch {
    return; // storage refused (private browsing): the island keeps the count it asked the server for
  }
  dispatchEvent(new StorageEvent("storage", { key: KEY }));
}

const quantityOf = (el) => Number(el?.querySelector("[name=quantity]")?.defaultValue) || 0;

/** The change in item count this form makes if the shop accepts it. */
function delta(kind, form, data) {
  const asked = Number(data.get("quantity")) || 0;
  const line = quantityOf(form.closest("[data-testid=cart-line]"));
  return kind === "add" ? asked : kind === "update" ? asked - line : -line;
}

/** The cart page's contents, as the server renders them now. */
async function freshContents() {
  const r = await fetch("/cart", { headers: { Accept: "text/html" } });
  if (!r.ok) throw new Error(`status ${r.status}`);
  const doc = new DOMParser().parseFromString(await r.text(), "text/html");
  const contents = doc.querySelector(CONTENTS);
  if (!contents) throw new Error("no cart contents");
  return document.adoptNode(contents);
}

function miniCart() {
  if (dialog) return dialog;
  dialog = document.createElement("dialog");
  dialog.id = "mini-cart";
  dialog.setAttribute("aria-labelledby", "mini-cart-title");
  dialog.className =
    "m-0 ml-auto h-dvh max-h-dvh w-full max-w-md bg-white p-0 shadow-xl backdrop:bg-stone-900/40";
  // One string per line: the server strips indentation from this file, so no literal spans lines.
  dialog.innerHTML =
    '<div class="flex min-h-full flex-col p-5">' +
    '<div class="flex items-center justify-between gap-4">' +
    '<h2 id="mini-cart-title" tabindex="-1" class="text-xl font-bold text-stone-900">Your cart</h2>' +
    '<button type="button" data-close class="rounded-md px-3 py-1.5 text-sm font-medium hover:bg-stone-100">Close</button>' +
    "</div>" +
    '<p role="status" aria-live="polite" class="mt-2 min-h-5 text-sm text-emerald-700" data-testid="mini-cart-status"></p>' +
    "<div data-cart-contents></div>" +
    '<a href="/cart" class="mt-4 self-start text-sm underline">View cart</a>' +
    "</div>";
  // A click on the backdrop lands on the dialog itself (its content fills it): it closes, like Escape.
  dialog.addEventListener("click", (ev) => {
    if (ev.target === dialog || ev.target.closest("[data-close]")) dialog.close();
  });
  document.body.append(dialog);
  return dialog;
}

// The page's live region, there before anything is said in it (a region added with its text is often not read).
const pageStatus = document.createElement("p");
pageStatus.className = "sr-only";
pageStatus.setAttribute("role", "status");
document.body.append(pageStatus);

/** Where the shopper hears what happened: the mini-cart's line while it is open (the page behind it is inert). */
function announce(text) {
  const region = (dialog?.open && dialog.querySelector("[role=status]")) || pageStatus;
  region.textContent = text;
}

function showError(form, text) {
  const alert = (form.closest(CONTENTS) || form).querySelector("[role=alert]");
  if (alert) alert.textContent = text;
  else announce(text);
}

const CONTROLS = "a[href],button,input";

/** Puts the cart's fresh contents in place of `old`. Focus goes back to the same control of the same line (by its
 * SKU and place in the line) when that line is still there, else to the heading. */
async function replaceContents(old) {
  const active = document.activeElement;
  const line = active?.closest?.("[data-sku]");
  const place = line ? [...line.querySelectorAll(CONTROLS)].indexOf(active) : -1;
  // Only focus that was in the contents (or was lost with a removed line) is moved.
  const moveFocus = old.contains(active) || active === document.body;
  const fresh = await freshContents();
  // A quicker change may have replaced them already: replace what is shown now.
  if (!old.isConnected) old = (dialog?.open ? dialog : document).querySelector(CONTENTS);
  old?.replaceWith(fresh);
  const same = line && [...fresh.querySelectorAll("[data-sku]")].find((l) => l.dataset.sku === line.dataset.sku);
  let target = same?.querySelectorAll(CONTROLS)[place];
  if (!target) {
    target = fresh.closest("dialog, #main")?.querySelector("h1, h2");
    if (target) target.tabIndex = -1;
  }
  if (moveFocus) target?.focus();
}

const nameOf = (form) =>
  form.closest("[data-testid=cart-line]")?.querySelector("a:not([aria-hidden])")?.textContent ||
  document.querySelector("#main h1")?.textContent ||
  "the item";

export async function submit(form, submitter) {
  const kind = new URL(form.action).pathname.split("/").pop();
  const data = new FormData(form, submitter);
  const n = ++latest;
  const before = count();
  if (before !== null) setCount(before + delta(kind, form, data));
  const name = nameOf(form);
  showError(form, "");
  let r;
  try {
    r = await fetch(form.action, {
      method: "POST",
      headers: { Accept: "application/json" },
      body: new URLSearchParams(data),
    });
  } catch {
    r = null;
  }
  if (!r?.ok) {
    if (n === latest && before !== null) setCount(before);
    const said = r?.headers.get("bazaar-message");
    showError(form, said ? decodeURIComponent(said) : "We couldn't reach the shop. Check your connection and try again.");
    return;
  }
  const cart = await r.json();
  if (n === latest) setCount(cart.item_count);
  const contents = form.closest(CONTENTS);
  try {
    if (contents) {
      await replaceContents(contents);
    } else if (kind === "add") {
      const d = miniCart();
      d.querySelector(CONTENTS).replaceWith(await freshContents());
      if (!d.open) d.showModal();
      d.querySelector("h2").focus();
    }
  } catch {
    // The change was made; only the lines could not be shown. The cart page shows them.
  }
  announce(
    kind === "add" ? `Added ${name} to your cart.` : kind === "remove" ? `Removed ${name}.` : `Updated ${name}.`,
  );
}
