import { test, expect, Page } from "@playwright/test";
import { hydrated } from "./helpers";

// Client-side navigation between catalog pages (app/js/navigation.js). A value set on `window` survives a swap and
// is lost by a full page load, which tells the two apart.
async function markDocument(page: Page) {
  await page.evaluate(() => ((window as any).__sameDocument = true));
}
async function sameDocument(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as any).__sameDocument === true);
}

test("a link from a category to a product swaps the page, keeps the header, and focuses the heading", async ({ page }) => {
  await page.goto("/c/knitwear");
  await hydrated(page);
  await markDocument(page);
  const card = page.getByTestId("product-card").first();
  const name = (await card.locator("h3").innerText()).trim();
  await card.click();

  await expect(page).toHaveURL(/\/p\/[a-z0-9-]+$/);
  const heading = page.getByRole("heading", { level: 1 });
  await expect(heading).toHaveText(name);
  await expect(heading).toBeFocused();
  await expect(page).toHaveTitle(`${name} · Bazaar`);
  await expect(page.locator('link[rel="canonical"]')).toHaveAttribute("href", new RegExp(`${new URL(page.url()).pathname}$`));
  expect(await page.locator('meta[name="description"]').count()).toBe(1);
  expect(await sameDocument(page)).toBe(true);
  // The islands of the new page are awake: the product is remembered as recently viewed.
  await expect
    .poll(() => page.evaluate(() => localStorage.getItem("bazaar.recent") ?? ""))
    .toContain(new URL(page.url()).pathname.split("/").pop());
});

test("back and forward restore the page and where it was scrolled to", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 600 });
  await page.goto("/c/knitwear");
  await hydrated(page);
  await markDocument(page);
  const card = page.getByTestId("product-card").last();
  await card.scrollIntoViewIfNeeded();
  const scrolled = await page.evaluate(() => scrollY);
  expect(scrolled).toBeGreaterThan(100);
  await card.click();
  await expect(page).toHaveURL(/\/p\//);
  await expect.poll(() => page.evaluate(() => scrollY)).toBe(0);
  const product = page.url();

  await page.goBack();
  await expect(page).toHaveURL(/\/c\/knitwear$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Knitwear");
  await expect.poll(() => page.evaluate(() => scrollY)).toBe(scrolled);

  await page.goForward();
  await expect(page).toHaveURL(product);
  // The product's button: "Add to cart", or "Sold out" when it is.
  await expect(page.getByRole("button", { name: /^(Add to cart|Sold out)$/ })).toBeVisible();
  expect(await sameDocument(page)).toBe(true);
});

test("the sort form swaps the listing and keeps focus on the select", async ({ page }) => {
  await page.goto("/");
  await hydrated(page);
  await markDocument(page);
  // Reach the category by a swap first: the sort select there is an island woken after the swap.
  const category = page.locator('main a[href^="/c/"]').first();
  const path = (await category.getAttribute("href"))!;
  await category.click();
  await expect(page).toHaveURL(new RegExp(`${path}$`));
  // As a shopper would: the select has focus (tabbed to or clicked) when it changes.
  await page.getByLabel("Sort by").focus();
  await page.getByLabel("Sort by").selectOption("price");
  await expect(page).toHaveURL(new RegExp(`${path}\\?sort=price$`));
  await expect(page.getByLabel("Sort by")).toBeFocused();
  await expect(page.getByLabel("Sort by")).toHaveValue("price");
  expect(await sameDocument(page)).toBe(true);
});

test("links are fetched on hover, and a bar shows while a slow page loads", async ({ page }) => {
  await page.goto("/c/knitwear");
  await hydrated(page);
  const card = page.getByTestId("product-card").first();
  const path = await card.getAttribute("href");
  const prefetched = page.waitForRequest((r) => new URL(r.url()).pathname === path);
  await card.hover();
  await prefetched;

  // A page nobody has fetched yet, answered slowly.
  const other = page.getByTestId("product-card").nth(1);
  const slowPath = await other.getAttribute("href");
  await page.route(`**${slowPath}`, async (route) => {
    await new Promise((r) => setTimeout(r, 1500));
    await route.continue();
  });
  await other.click();
  await expect(page.locator("#nav-progress")).toHaveClass("loading");
  await expect(page.locator("#nav-progress")).toHaveCSS("opacity", "1");
  await expect(page.locator("main")).toHaveAttribute("aria-busy", "true");
  await expect(page).toHaveURL(new RegExp(`${slowPath}$`));
  await expect(page.locator("#nav-progress")).not.toHaveClass("loading");
});

test("pages outside the catalog, and new-tab clicks, are ordinary page loads", async ({ page }) => {
  await page.goto("/c/knitwear");
  await hydrated(page);
  await markDocument(page);
  await page.getByTestId("cart-link").click();
  await expect(page).toHaveURL(/\/cart$/);
  await hydrated(page);
  expect(await sameDocument(page)).toBe(false);

  // From the cart page, a catalog link swaps again; going back to the cart loads it afresh.
  await markDocument(page);
  await page.locator("header").getByRole("link", { name: "Bazaar" }).click();
  await expect(page).toHaveURL(/\/$/);
  expect(await sameDocument(page)).toBe(true);
  await page.goBack();
  await expect(page).toHaveURL(/\/cart$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(/cart/i);
});

test("the header search submits to the results page without a full load", async ({ page }) => {
  await page.goto("/");
  await hydrated(page);
  await markDocument(page);
  const search = page.getByTestId("search-input");
  await search.fill("wool");
  await search.press("Enter");
  await expect(page).toHaveURL(/\/search\?q=wool$/);
  await expect(page.getByTestId("search-heading")).toBeVisible();
  expect(await sameDocument(page)).toBe(true);
});
