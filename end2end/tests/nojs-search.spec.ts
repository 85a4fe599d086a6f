import { test, expect } from "@playwright/test";

// JavaScript disabled: the header's search form, the facets and the sort form are plain links and GET forms.
test("search, filter, sort and page without JavaScript", async ({ page }) => {
  await page.goto("/");
  // The header's search field (a combobox once scripts run; here a plain field in a GET form).
  await page.getByLabel("Search products").fill("jumper");
  await page.getByLabel("Search products").press("Enter");
  await expect(page).toHaveURL(/\/search\?q=jumper/);
  await expect(page.getByTestId("product-card").first()).toBeVisible();

  await page.getByRole("region", { name: "Size" }).getByRole("link", { name: /^S/ }).click();
  await expect(page.getByTestId("active-filter")).toHaveCount(1);

  await page.getByLabel("Sort by").selectOption("price");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/sort=price/);
  await expect(page).toHaveURL(/o=Size/);
  await expect(page.getByTestId("active-filter")).toHaveCount(1);
  const prices = await page.getByTestId("product-card").locator("p").first().allInnerTexts();
  expect(prices.length).toBeGreaterThan(0);

  await page.getByTestId("active-filter").click();
  await expect(page.getByTestId("active-filter")).toHaveCount(0);
  await expect(page).toHaveURL(/q=jumper/);
});
