import { expect, Page } from "@playwright/test";

/** Waits until the WASM app has hydrated (the app sets data-hydrated on <body>). */
export async function hydrated(page: Page) {
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
}

export async function cartCount(page: Page): Promise<number> {
  return Number(await page.getByTestId("cart-count").innerText());
}

/** Opens a product page with an in-stock variant selected, and returns the chosen SKU. */
export async function openInStockProduct(page: Page, path = "/c/knitwear") {
  await page.goto(path);
  await page.getByTestId("product-card").first().click();
  await expect(page.getByTestId("stock")).not.toHaveText(/Sold out/);
}
