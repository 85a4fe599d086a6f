import { test, expect } from "@playwright/test";
import { hydrated } from "./helpers";

test("search from the header, apply two filters, page and clear them", async ({ page }) => {
  await page.goto("/");
  await hydrated(page);
  await page.getByTestId("search-input").fill("clothing");
  await page.getByTestId("search-input").press("Enter");
  await expect(page).toHaveURL(/\/search\?q=clothing/);
  await expect(page.getByTestId("search-heading")).toHaveText("Results for “clothing”");
  const total = await page.getByTestId("result-count").innerText();
  expect(Number.parseInt(total)).toBeGreaterThan(24);

  // Two filters from the facets: a size, then in stock.
  await page.getByRole("region", { name: "Size" }).getByRole("link", { name: /^M/ }).click();
  await expect(page).toHaveURL(/o=Size%3AM/);
  await page.getByRole("region", { name: "Availability" }).getByRole("link", { name: /In stock/ }).click();
  await expect(page).toHaveURL(/in_stock=1/);
  await expect(page.getByTestId("active-filter")).toHaveCount(2);
  const filtered = Number.parseInt(await page.getByTestId("result-count").innerText());
  expect(filtered).toBeLessThanOrEqual(Number.parseInt(total));

  // Paging keeps the filters.
  if (filtered > 24) {
    await page.getByTestId("next-page").click();
    await expect(page).toHaveURL(/after=/);
    await expect(page).toHaveURL(/in_stock=1/);
    await expect(page.getByTestId("active-filter")).toHaveCount(2);
  }

  await page.getByTestId("clear-filters").click();
  await expect(page.getByTestId("active-filter")).toHaveCount(0);
  await expect(page.getByTestId("result-count")).toHaveText(total);
});

test("a typo still finds the product and says what it searched for", async ({ page }) => {
  await page.goto("/search?q=merino+jumpr");
  await expect(page.getByTestId("did-you-mean")).toContainText("merino jumper");
  await expect(page.getByTestId("product-card").first()).toContainText("Merino Jumper");
  await expect(page.getByTestId("product-card").first().locator("mark").first()).toBeVisible();
});

test("suggestions as you type, chosen with the keyboard", async ({ page }) => {
  await page.goto("/");
  await hydrated(page);
  const input = page.getByTestId("search-input");
  await input.click();
  await input.pressSequentially("cardig", { delay: 40 });
  const list = page.getByRole("listbox", { name: "Suggestions" });
  await expect(list).toBeVisible();
  await expect(input).toHaveAttribute("aria-expanded", "true");
  const options = list.getByRole("option");
  expect(await options.count()).toBeGreaterThan(0);

  await input.press("ArrowDown");
  await expect(options.first()).toHaveAttribute("aria-selected", "true");
  await expect(input).toHaveAttribute("aria-activedescendant", "suggestion-0");
  await input.press("ArrowDown");
  await input.press("ArrowUp");
  await expect(options.first()).toHaveAttribute("aria-selected", "true");
  const name = (await options.first().locator("span").first().innerText()).trim();

  // Escape closes the list (Chromium also empties a search field on Escape); typing again brings it back.
  await input.press("Escape");
  await expect(list).toBeHidden();
  await input.fill("");
  await input.pressSequentially("cardig", { delay: 40 });
  await expect(list).toBeVisible();
  await input.press("ArrowDown");
  await expect(options.first()).toHaveAttribute("aria-selected", "true");
  await input.press("Enter");
  await expect(page).toHaveURL(/\/p\//);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);
});
