import { test, expect } from "@playwright/test";
import { hydrated, cartCount, miniCart } from "./helpers";

// The shopper's journey with JavaScript: home → category → sort → next page → product → variant → add to cart →
// header count → cart page → change quantity → remove.
test("browse, choose a variant, add to cart, change quantity, remove", async ({ page }) => {
  await page.goto("/");
  await hydrated(page);
  await expect(page).toHaveTitle("Bazaar");
  await expect(page.getByRole("heading", { name: "New arrivals" })).toBeVisible();

  await page.getByRole("navigation", { name: "Categories" }).getByRole("link", { name: "Clothing" }).click();
  await expect(page).toHaveURL(/\/c\/clothing$/);
  await expect(page.getByRole("heading", { level: 1, name: "Clothing" })).toBeVisible();
  await expect(page.getByTestId("product-card")).toHaveCount(24);

  // Sort by price: the first card is now the cheapest, and prices do not fall along the page.
  await page.getByLabel("Sort by").selectOption("price");
  await expect(page).toHaveURL(/sort=price/);
  const prices = (await page.getByTestId("product-card").locator("p.mt-1 > span").allInnerTexts()).map((text) =>
    parseFloat(text.replace(/[^0-9.]/g, "")),
  );
  expect(prices).toHaveLength(24);
  expect(prices).toEqual([...prices].sort((a, b) => a - b));
  const firstPage = await page.getByTestId("product-card").allInnerTexts();

  await page.getByTestId("next-page").click();
  await expect(page).toHaveURL(/after=/);
  await expect(page.getByRole("link", { name: "← First page" })).toBeVisible();
  const secondPage = await page.getByTestId("product-card").allInnerTexts();
  expect(secondPage.length).toBeGreaterThan(0);
  expect(secondPage.filter((card) => firstPage.includes(card))).toEqual([]);

  await page.getByTestId("product-card").first().click();
  await expect(page).toHaveURL(/\/p\//);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();

  // Choose another option value: the URL, the selected button and the stock line follow.
  const options = page.getByTestId("variant-option");
  const count = await options.count();
  expect(count).toBeGreaterThan(1);
  const target = options.nth(1);
  const value = await target.innerText();
  await target.click();
  await expect(page).toHaveURL(/variant=/);
  await expect(page.locator('[data-testid="variant-option"][aria-current="true"]').filter({ hasText: value })).toHaveCount(1);

  // Make sure an in-stock variant is chosen before adding.
  if (await page.getByRole("button", { name: "Sold out" }).isVisible()) {
    for (let i = 0; i < count; i++) {
      await options.nth(i).click();
      if (await page.getByRole("button", { name: "Add to cart" }).isVisible()) break;
    }
  }
  const before = await cartCount(page);
  const productUrl = page.url();
  await page.getByLabel("Quantity").fill("2");
  await page.getByRole("button", { name: "Add to cart" }).click();
  // In place: the page stays, the count moves, and the mini-cart shows the line.
  await expect(miniCart(page).getByTestId("mini-cart-status")).toContainText(/^Added .+ to your cart\.$/);
  await expect(page.getByTestId("cart-count")).toHaveText(String(before + 2));
  await expect(miniCart(page).getByTestId("line-quantity")).toHaveValue("2");
  expect(page.url()).toBe(productUrl);
  await page.keyboard.press("Escape");

  await page.getByTestId("cart-link").click();
  await expect(page).toHaveURL(/\/cart$/);
  const line = page.getByTestId("cart-line").first();
  await expect(line.getByTestId("line-quantity")).toHaveValue("2");
  const unit = await line.getByTestId("line-total").innerText();

  await line.getByTestId("line-quantity").fill("1");
  await line.getByRole("button", { name: "Update" }).click();
  await expect(page.getByTestId("cart-count")).toHaveText("1");
  await expect(line.getByTestId("line-total")).not.toHaveText(unit);
  await expect(page.getByTestId("subtotal")).toHaveText(await line.getByTestId("line-total").innerText());

  await line.getByRole("button", { name: /Remove/ }).click();
  await expect(page.getByTestId("empty-cart")).toBeVisible();
  await expect(page.getByTestId("cart-count")).toHaveText("0");
  await expect(page.getByRole("status").filter({ hasText: /^Removed / })).toBeAttached();
});

test("asking for more than is in stock says how many are left", async ({ page }) => {
  await page.goto("/c/clothing?sort=price");
  await hydrated(page);
  await page.getByTestId("product-card").first().click();
  await hydrated(page);
  await expect(page.getByRole("button", { name: "Add to cart" })).toBeVisible();
  await page.getByLabel("Quantity").evaluate((el: HTMLInputElement) => el.removeAttribute("max"));
  const before = await cartCount(page);
  await page.getByLabel("Quantity").fill("99");
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByRole("alert").filter({ hasText: /Only \d+ left|at most 99/ })).toBeVisible();
  // The count went up at once and back down when the shop refused; no mini-cart.
  await expect(page.getByTestId("cart-count")).toHaveText(String(before));
  await expect(miniCart(page)).toBeHidden();
});

test("unknown pages answer 404 with a helpful page", async ({ page }) => {
  const response = await page.goto("/p/no-such-product");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  const other = await page.goto("/nowhere/at/all");
  expect(other?.status()).toBe(404);
  const badSort = await page.goto("/c/clothing?sort=cheapest");
  expect(badSort?.status()).toBe(400);
  await expect(page.getByText(/Unknown sort order/)).toBeVisible();
});

test("pages carry title, description and OpenGraph tags", async ({ page }) => {
  await page.goto("/c/shoes");
  await expect(page).toHaveTitle("Shoes · Bazaar");
  await expect(page.locator('meta[name="description"]')).toHaveAttribute("content", /.+/);
  await expect(page.locator('meta[property="og:title"]')).toHaveAttribute("content", "Shoes");
  await page.getByTestId("product-card").first().click();
  await expect(page.locator('meta[property="og:type"]')).toHaveAttribute("content", "product");
  await expect(page.locator('meta[property="og:image"]')).toHaveAttribute("content", /^http.*\.svg$/);
});
