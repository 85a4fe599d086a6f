import { test, expect, Page } from "@playwright/test";
import { hydrated } from "./helpers";

// A phone: 390 px wide. The header must fit, and a menu must reach every category and the search box.
test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

async function topCategories(page: Page): Promise<string[]> {
  // The wide-screen bar is hidden here but still in the page: it names the same categories as the menu.
  return page.locator("nav[aria-label=Categories]").last().locator("a").allTextContents();
}

test("the header fits a phone and its menu reaches every category and the search box", async ({ page }) => {
  await page.goto("/");
  await hydrated(page);
  // Nothing wider than the screen: no category cut off mid-word, no sideways scrolling.
  const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  expect(widths[0]).toBeLessThanOrEqual(widths[1]);

  const names = await topCategories(page);
  expect(names.length).toBeGreaterThan(2);
  const menu = page.getByTestId("menu");
  const nav = page.getByRole("navigation", { name: "Categories" });
  await expect(nav).toBeHidden();

  // By keyboard: focus the menu's button, open it, and every category is a link inside the screen.
  await menu.locator("summary").focus();
  await page.keyboard.press("Enter");
  await expect(nav).toBeVisible();
  for (const name of names) {
    const link = nav.getByRole("link", { name, exact: true });
    await expect(link).toBeVisible();
    const box = (await link.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
  }
  await page.keyboard.press("Tab");
  await expect(nav.getByRole("link").first()).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: names[0] })).toBeVisible();

  // The search box is on the phone's header too, full width.
  const search = page.getByTestId("search-input");
  await expect(search).toBeVisible();
  const box = (await search.boundingBox())!;
  expect(box.width).toBeGreaterThan(300);
  await search.fill("wool");
  await search.press("Enter");
  await expect(page).toHaveURL(/\/search\?q=wool/);
});
