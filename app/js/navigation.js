// Client-side navigation between the shop's catalog pages (home, category, product, search, collections).
//
// The server renders every page in full, the same for every shopper, so the page cache (and a CDN) serves it.
// With this script, a link or GET form leading to one of those pages fetches that page and swaps its <main>,
// title and meta tags into the current document, then wakes the islands in the new <main> (islands mode stays:
// the browser never renders a page itself). The header, and its islands' state (cart count, search box), stay.
// Links are fetched ahead on hover or touch; a bar shows while a page loads; focus moves to the new page's
// heading; back and forward restore the page and its scroll position. Anything else (cart, checkout, account,
// admin, other sites, downloads, modified clicks) is a normal page load, as it is without JavaScript.
// Cart forms (add, quantity, remove) are handed to cart.js, imported when a cart form is first about to be used.
//
// Served from `/static/navigation.<content hash>.js` (see app/src/request/assets.rs), loaded by the page shell.

const SWAPPABLE = /^\/(?:c\/|p\/|collections\/|search$|$)/;
const PREFETCH_FRESH_MS = 30_000;
const KEPT_PAGES = 24;
const CART_FORM = 'form[action^="/api/cart/"]';

let cart;
const cartScript = () =>
  (cart ||= import("__CART_SCRIPT__").catch((e) => {
    cart = null;
    throw e;
  }));

/** url -> { at, page: Promise<{ url, html }> } */
const pages = new Map();
let latest = 0;
let shown = location.href.split("#")[0]; // the page in the document now, without its fragment

const swappable = (url) => url.origin === location.origin && SWAPPABLE.test(url.pathname);
const samePage = (url) => url.pathname === location.pathname && url.search === location.search;

function load(href, { fresh = PREFETCH_FRESH_MS } = {}) {
  const kept = pages.get(href);
  if (kept && Date.now() - kept.at < fresh) return kept.page;
  const page = fetch(href, { headers: { Accept: "text/html" }, credentials: "same-origin" }).then(async (r) => {
    const type = r.headers.get("content-type") || "";
    // A shed request (503), a server error or anything not HTML is left to a normal page load.
    if ((!r.ok && r.status !== 404) || !type.startsWith("text/html")) throw new Error(`status ${r.status}`);
    return { url: r.url, html: await r.text() };
  });
  page.catch(() => pages.delete(href));
  pages.delete(href);
  pages.set(href, { at: Date.now(), page });
  while (pages.size > KEPT_PAGES) pages.delete(pages.keys().next().value);
  return page;
}

// The bar: shown (after a short delay, in CSS, so a fast swap never flashes) while a page loads.
const bar = document.createElement("div");
bar.id = "nav-progress";
bar.setAttribute("aria-hidden", "true");
document.body.append(bar);

function syncHead(doc) {
  document.title = doc.title;
  const managed = 'meta[name="description"],meta[name="robots"],meta[property^="og:"],link[rel="canonical"]';
  document.head.querySelectorAll(managed).forEach((el) => el.remove());
  doc.head.querySelectorAll(managed).forEach((el) => document.head.append(document.adoptNode(el)));
}

function wakeIslands(root) {
  if (!window.__hydrateIsland) return; // the wasm is still loading: it wakes every island in the page itself
  for (const island of root.querySelectorAll("leptos-island")) {
    if (!island.parentElement.closest("leptos-island")) window.__hydrateIsland(island, island.dataset.component);
  }
}

/**
 * Shows the page at `href`. `push`: a new history entry (a click), else the entry is already current (back,
 * forward). `scroll`: where to scroll once it is shown. `keepFocusOn`: an element id to focus again if the new
 * page has it (a sort select that submitted its form), else the page's heading takes focus.
 */
async function navigate(href, { push, scroll = 0, start = performance.now(), keepFocusOn, fresh } = {}) {
  const n = ++latest;
  const [key, hash] = href.split("#");
  const main = document.getElementById("main");
  bar.className = "loading";
  main?.setAttribute("aria-busy", "true");
  let page;
  try {
    page = await load(key, { fresh });
  } catch {
    if (n === latest) location.assign(href);
    return;
  }
  if (n !== latest) return; // overtaken by a later click
  const doc = new DOMParser().parseFromString(page.html, "text/html");
  const next = doc.getElementById("main");
  const url = new URL(page.url);
  if (!main || !next || !swappable(url)) {
    location.assign(page.url);
    return;
  }
  if (push) {
    history.replaceState({ ...history.state, scroll: scrollY }, "");
    history.pushState({ bazaar: true, scroll: 0 }, "", hash === undefined ? url.href : `${url.href}#${hash}`);
  }
  shown = url.href;
  syncHead(doc);
  main.replaceWith(document.adoptNode(next));
  bar.className = "";
  wakeIslands(next);
  followStock();

  const target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
  if (push && target) target.scrollIntoView();
  else scrollTo(0, scroll);
  const focus = (keepFocusOn && document.getElementById(keepFocusOn)) || next.querySelector("h1");
  if (focus) {
    if (focus.tagName === "H1") focus.tabIndex = -1;
    focus.focus({ preventScroll: true });
  }
  // The swap is painted in the frame after the next one starts.
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      performance.measure("bazaar:navigation", { start, end: performance.now(), detail: { push: !!push } });
      dispatchEvent(new CustomEvent("bazaar:navigated", { detail: { url: location.href } }));
    }),
  );
}

function linkOf(ev) {
  if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.altKey || ev.ctrlKey || ev.shiftKey) return;
  const a = ev.target instanceof Element && ev.target.closest("a[href]");
  if (!a || a.target || a.hasAttribute("download") || /\bexternal\b/.test(a.rel)) return;
  const url = new URL(a.href);
  if (!swappable(url) || (samePage(url) && url.hash)) return; // "#main" and other jumps within the page
  return url;
}

addEventListener("click", (ev) => {
  const url = linkOf(ev);
  if (!url) return;
  ev.preventDefault();
  navigate(url.href, { push: true, start: ev.timeStamp });
});

addEventListener("submit", (ev) => {
  const form = ev.target;
  if (ev.defaultPrevented || form.target) return;
  if (form.method === "post" && form.matches(CART_FORM)) {
    ev.preventDefault();
    // If the script cannot be had, the form posts as it does without JavaScript.
    cartScript().then((m) => m.submit(form, ev.submitter), () => form.submit());
    return;
  }
  if (form.method !== "get") return;
  const url = new URL(form.action);
  if (!swappable(url)) return;
  url.search = new URLSearchParams(new FormData(form, ev.submitter)).toString();
  ev.preventDefault();
  const focused = document.activeElement;
  const keepFocusOn = form.closest("#main") && focused && form.contains(focused) ? focused.id : undefined;
  navigate(url.href, { push: true, start: ev.timeStamp, keepFocusOn, fresh: 0 });
});

// Back and forward between entries this script made: show that page again (kept in memory if it was seen in the
// last few minutes) where it was scrolled to.
addEventListener("popstate", (ev) => {
  const url = new URL(location.href);
  if (location.href.split("#")[0] === shown) return; // a jump within the page: the browser scrolls
  if (!ev.state?.bazaar || !swappable(url)) {
    location.reload();
    return;
  }
  navigate(url.href, { scroll: ev.state.scroll || 0, fresh: 300_000 });
});
history.replaceState({ ...history.state, bazaar: true, scroll: history.state?.scroll ?? scrollY }, "");

function prefetch(ev) {
  if (!(ev.target instanceof Element)) return;
  if (ev.target.closest(CART_FORM)) cartScript().catch(() => {});
  const a = ev.target.closest("a[href]");
  if (!a || a.target) return;
  const url = new URL(a.href);
  if (swappable(url) && !samePage(url)) load(url.href.split("#")[0]).catch(() => {});
}
addEventListener("pointerover", prefetch, { passive: true });
addEventListener("touchstart", prefetch, { passive: true });
addEventListener("focusin", prefetch);

// Live stock: on a product page, the stock line, the button and the sold-out marks of the options follow the
// server's events (server/src/http/live_stock.rs). A refused stream (the server's cap, live stock off) leaves the
// page as it was rendered and is asked for again later, less often each time.
let stock;
let stockWait = 30_000;
function followStock() {
  stock?.close();
  stock = null;
  const buy = document.querySelector("[data-live-stock]");
  if (!buy || !window.EventSource) return;
  const source = (stock = new EventSource(buy.dataset.liveStock));
  source.addEventListener("stock", (ev) => {
    stockWait = 30_000;
    const variants = new Map(JSON.parse(ev.data).map((v) => [v.sku, v]));
    const shown = variants.get(buy.querySelector("input[name=sku]")?.value);
    const line = buy.querySelector("[data-testid=stock] [data-state]");
    const button = buy.querySelector("[data-add-label]");
    if (shown && line) {
      line.dataset.state = shown.state;
      line.textContent = shown.message;
    }
    if (shown && button) {
      button.disabled = shown.state === "sold_out";
      button.textContent = button.disabled ? shown.message : button.dataset.addLabel;
    }
    for (const a of buy.querySelectorAll("[data-testid=variant-option]")) {
      const v = variants.get(new URL(a.href).searchParams.get("variant"));
      if (v) a.toggleAttribute("data-sold-out", v.state === "sold_out");
    }
  });
  source.onerror = () => {
    if (source.readyState !== EventSource.CLOSED || stock !== source) return;
    setTimeout(() => stock === source && followStock(), stockWait * (0.5 + Math.random()));
    stockWait = Math.min(stockWait * 2, 600_000);
  };
}
followStock();
// A page kept in the back/forward cache lets go of its stream, and follows again when it is shown.
addEventListener("pagehide", () => stock?.close());
addEventListener("pageshow", (ev) => ev.persisted && followStock());
