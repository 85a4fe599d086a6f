import { test, expect } from "@playwright/test";
import { cartCount, hydrated, miniCart, openInStockProduct } from "./helpers";

// With JavaScript, the cart changes without leaving the page (app/js/cart.js): the count moves at once, a
// mini-cart shows the lines, and its own quantity and remove forms work in place too.

test("adding opens a mini-cart that keeps focus, closes on Escape and gives focus back", async ({ page }) => {
  await openInStockProduct(page);
  await hydrated(page);
  const before = await cartCount(page);
  // A mark on this document: it is still there after the add, so the page never loaded again.
  await page.evaluate(() => document.documentElement.setAttribute("data-same-document", ""));
  const add = page.getByRole("button", { name: "Add to cart" });
  await add.click();

  const mini = miniCart(page);
  await expect(mini).toBeVisible();
  await expect(mini.getByRole("heading", { name: "Your cart" })).toBeFocused();
  await expect(mini.getByTestId("mini-cart-status")).toHaveText(/^Added .+ to your cart\.$/);
  await expect(mini.getByTestId("cart-line")).toHaveCount(1);
  await expect(page.getByTestId("cart-count")).toHaveText(String(before + 1));
  await expect(page.locator("html")).toHaveAttribute("data-same-document", "");

  // Nothing behind the dialog can take focus while it is open.
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press("Tab");
    const inside = await mini.evaluate((d) => d.contains(document.activeElement) || document.activeElement === document.body);
    expect(inside).toBe(true);
  }
  await page.keyboard.press("Escape");
  await expect(mini).toBeHidden();
  await expect(add).toBeFocused();
});

test("the mini-cart changes a quantity and removes a line in place", async ({ page }) => {
  await openInStockProduct(page);
  await hydrated(page);
  const before = await cartCount(page);
  await page.getByRole("button", { name: "Add to cart" }).click();
  const mini = miniCart(page);
  const line = mini.getByTestId("cart-line");
  await expect(line).toHaveCount(1);
  const total = await line.getByTestId("line-total").innerText();

  await line.getByTestId("line-quantity").fill("2");
  await line.getByRole("button", { name: "Update" }).click();
  await expect(page.getByTestId("cart-count")).toHaveText(String(before + 2));
  await expect(mini.getByTestId("mini-cart-status")).toHaveText(/^Updated /);
  await expect(line.getByTestId("line-total")).not.toHaveText(total);
  await expect(mini.getByTestId("subtotal")).toHaveText(await line.getByTestId("line-total").innerText());

  await line.getByRole("button", { name: /Remove/ }).click();
  await expect(mini.getByTestId("empty-cart")).toBeVisible();
  await expect(mini.getByTestId("mini-cart-status")).toHaveText(/^Removed /);
  await expect(page.getByTestId("cart-count")).toHaveText(String(before));

  // The server agrees.
  await page.keyboard.press("Escape");
  await page.goto("/cart");
  await expect(page.getByTestId("empty-cart")).toBeVisible();
});

test("on the cart page, changes are made in place", async ({ page }) => {
  await openInStockProduct(page);
  await hydrated(page);
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(miniCart(page).getByTestId("cart-line")).toHaveCount(1);
  await page.goto("/cart");
  await hydrated(page);
  await page.evaluate(() => document.documentElement.setAttribute("data-same-document", ""));
  const quantity = page.getByTestId("line-quantity");
  await quantity.fill("3");
  await page.getByRole("button", { name: "Update" }).click();
  await expect(page.getByTestId("cart-count")).toHaveText("3");
  await expect(quantity).toHaveValue("3");
  // Focus stays on the field the shopper was using.
  await quantity.focus();
  await quantity.fill("2");
  await quantity.press("Enter");
  await expect(page.getByTestId("cart-count")).toHaveText("2");
  await expect(page.getByTestId("line-quantity")).toBeFocused();
  await expect(page.locator("html")).toHaveAttribute("data-same-document", "");
});
