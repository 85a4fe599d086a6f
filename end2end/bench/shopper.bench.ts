import { test, expect, Page } from "@playwright/test";
import { appendFileSync } from "node:fs";
import { hydrated } from "../tests/helpers";

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
