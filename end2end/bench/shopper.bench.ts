import { test, expect, Page } from "@playwright/test";
import { appendFileSync } from "node:fs";
import { cartCount, hydrated, miniCart, openInStockProduct } from "../tests/helpers";

// Each figure is appended to $BENCH_OUT as key=value; scripts/bench-shopper prints them.
function report(key: string, value: number) {
  const line = `${key}=${value.toFixed(1)}`;
  console.log(line);
  if (process.env.BENCH_OUT) appendFileSync(process.env.BENCH_OUT, line + "\n");
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function measures(page: Page, name: string) {
  return page.evaluate(
    (name) =>
      performance.getEntriesByName(name).map((e) => ({
        duration: e.duration,
        detail: (e as PerformanceMeasure).detail,
      })),
    name,
  );
}

test("category to product by client-side navigation: click to painted", async ({ page }) => {
  const rounds = 20;
  await page.goto("/c/knitwear");
  await hydrated(page);
  const cards = await page.getByTestId("product-card").count();
  for (let i = 0; i < rounds; i++) {
    await page.getByTestId("product-card").nth(i % cards).click();
    await expect(page).toHaveURL(/\/p\//);
    await expect.poll(async () => (await measures(page, "bazaar:navigation")).length).toBe(2 * i + 1);
    await page.goBack();
    await expect(page).toHaveURL(/\/c\/knitwear$/);
    await expect.poll(async () => (await measures(page, "bazaar:navigation")).length).toBe(2 * i + 2);
  }
  const all = await measures(page, "bazaar:navigation");
  const clicks = all.filter((m) => m.detail?.push).map((m) => m.duration);
  const backs = all.filter((m) => !m.detail?.push).map((m) => m.duration);
  expect(clicks.length).toBe(rounds);
  report("nav_click_to_paint_p50_ms", median(clicks));
  report("nav_click_to_paint_max_ms", Math.max(...clicks));
  report("nav_back_to_paint_p50_ms", median(backs));
});

test("add to cart in place: click to the header's count painted", async ({ page }) => {
  const rounds = 20;
  await openInStockProduct(page);
  await hydrated(page);
  await cartCount(page);
  // From the click's timestamp to the frame after the count's text changed (the optimistic update, before the
  // server answers). Each round adds one and removes it again in the mini-cart, so stock never runs out.
  await page.evaluate(() => {
    const w = window as unknown as { cartTimes: number[] };
    w.cartTimes = [];
    let start = 0;
    addEventListener(
      "click",
      (ev) => {
        if ((ev.target as Element).closest?.('form[action="/api/cart/add"] button')) start = ev.timeStamp;
      },
      true,
    );
    new MutationObserver(() => {
      if (!start) return;
      const from = start;
      start = 0;
      requestAnimationFrame(() => requestAnimationFrame(() => w.cartTimes.push(performance.now() - from)));
    }).observe(document.querySelector('[data-testid="cart-link"]')!, { subtree: true, childList: true, characterData: true });
  });
  const times = () => page.evaluate(() => (window as unknown as { cartTimes: number[] }).cartTimes);
  for (let i = 0; i < rounds; i++) {
    await page.getByRole("button", { name: "Add to cart" }).click();
    await expect(miniCart(page).getByTestId("mini-cart-status")).toContainText(/^Added /);
    await expect.poll(async () => (await times()).length).toBe(i + 1);
    await miniCart(page).getByRole("button", { name: /Remove/ }).click();
    await expect(miniCart(page).getByTestId("empty-cart")).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(miniCart(page)).toBeHidden();
  }
  const all = await times();
  report("cart_click_to_count_p50_ms", median(all));
  report("cart_click_to_count_max_ms", Math.max(...all));
});
