import { test, expect } from "@playwright/test";
import { addToCart, hydrated, cartCount } from "./helpers";

async function addFirstInStock(page: import("@playwright/test").Page, category: string) {
  await page.goto(`/c/${category}?sort=price`);
  await hydrated(page);
  // Counted once: on a product page there are no cards, and the loop must still try every one of them.
  const count = await page.getByTestId("product-card").count();
  for (let i = 0; i < count; i++) {
    await page.goto(`/c/${category}?sort=price`);
    await page.getByTestId("product-card").nth(i).click();
    await hydrated(page);
    if (await page.getByRole("button", { name: "Add to cart" }).isVisible()) {
      await addToCart(page);
      return;
    }
  }
  throw new Error(`nothing in stock in ${category}`);
}

test("the cart count survives a reload and follows another tab", async ({ page, context }) => {
  await addFirstInStock(page, "stationery");
  await expect(page.getByTestId("cart-count")).toHaveText("1");
  const snapshot = await page.evaluate(() => localStorage.getItem("bazaar.cart"));
  expect(JSON.parse(snapshot ?? "{}")).toEqual({ item_count: 1 });

  await page.reload();
  await hydrated(page);
  expect(await cartCount(page)).toBe(1);

  // A second tab shares cookies and storage; adding there updates the first tab without a reload.
  const other = await context.newPage();
  await addFirstInStock(other, "beauty");
  await expect(other.getByTestId("cart-count")).toHaveText("2");
  await expect(page.getByTestId("cart-count")).toHaveText("2");
});

test("recently viewed products are remembered in this browser", async ({ page }) => {
  await page.goto("/c/decor");
  await hydrated(page);
  const first = page.getByTestId("product-card").nth(0);
  const firstName = (await first.locator("h3").innerText()).trim();
  await first.click();
  await hydrated(page);
  await page.goto("/c/decor");
  await page.getByTestId("product-card").nth(1).click();
  await hydrated(page);
  const recent = page.getByTestId("recently-viewed");
  await expect(recent).toBeVisible();
  await expect(recent.getByText(firstName)).toBeVisible();
});
