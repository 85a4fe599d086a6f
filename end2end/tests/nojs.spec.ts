import { test, expect } from "@playwright/test";

// Runs with JavaScript disabled: server-rendered pages and plain form posts must be enough to browse and buy.
test("browse, sort, page and add to cart without JavaScript", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "New arrivals" })).toBeVisible();
  await page.getByRole("navigation", { name: "Categories" }).getByRole("link", { name: "Home" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Home" })).toBeVisible();

  await page.getByLabel("Sort by").selectOption("name");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/sort=name/);
  const names = await page.getByTestId("product-card").locator("h3").allInnerTexts();
  expect(names).toEqual([...names].sort());

  if (await page.getByTestId("next-page").isVisible()) {
    await page.getByTestId("next-page").click();
    await expect(page).toHaveURL(/after=/);
  }

  await page.getByTestId("product-card").first().click();
  await expect(page).toHaveURL(/\/p\//);
  const options = page.getByTestId("variant-option");
  for (let i = 0; i < (await options.count()); i++) {
    if (await page.getByRole("button", { name: "Add to cart" }).isVisible()) break;
    await options.nth(i).click();
  }
  await page.getByLabel("Quantity").fill("2");
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByRole("status")).toContainText("Added to your cart");
  // The page is the one every shopper gets: without JavaScript the header shows no count.
  await expect(page.getByTestId("cart-count")).toBeHidden();

  await page.getByTestId("cart-link").click();
  await expect(page.getByTestId("cart-line")).toHaveCount(1);
  await expect(page.getByTestId("line-quantity")).toHaveValue("2");
});

test("a refused add shows its message without JavaScript", async ({ page }) => {
  await page.goto("/c/clothing?sort=price");
  await page.getByTestId("product-card").first().click();
  await page.getByLabel("Quantity").evaluate((el: HTMLInputElement) => el.removeAttribute("max"));
  await page.getByLabel("Quantity").fill("500");
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByRole("alert").filter({ hasText: /Quantity must be between 1 and 99/ })).toBeVisible();
});
