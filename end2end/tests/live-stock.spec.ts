import { test, expect } from "@playwright/test";
import { admin, hydrated, openInStockProduct, signedInAdmin } from "./helpers";

// The product page follows its stock while it is open (server-sent events from PostgreSQL notifications): when
// the last units go, "Sold out" appears and the button disables, without a reload; when stock comes back, so
// does the button.

test("the product page shows stock changes as they happen", async ({ page, browser }) => {
  test.skip(!admin.email, "scripts/test sets E2E_ADMIN_EMAIL and E2E_ADMIN_PASSWORD");
  await openInStockProduct(page);
  await hydrated(page);
  await page.evaluate(() => document.documentElement.setAttribute("data-same-document", ""));
  const sku = await page.getByTestId("add-to-cart-form").locator('input[name="sku"]').inputValue();

  // The stock of that variant, from the back office: all of what is available goes (a correction), then comes back.
  const staff = await signedInAdmin(browser);
  await staff.goto(`/admin/stock?sku=${encodeURIComponent(sku)}`);
  const level = await staff.getByTestId("stock-level").innerText();
  const available = Number(/available (\d+)/.exec(level)?.[1]);
  const onHand = Number(await staff.getByTestId("on-hand").innerText());
  expect(available).toBeGreaterThan(0);
  async function adjust(delta: number, expected: number) {
    await staff.getByLabel("SKU").fill(sku);
    await staff.getByLabel("Units (+/−)").fill(String(delta));
    await staff.getByLabel("Reason").selectOption("correction");
    await staff.getByRole("button", { name: "Save" }).click();
    await expect(staff.getByTestId("on-hand")).toHaveText(String(expected));
  }

  // The chosen option says so to screen readers too (its name ends in "(sold out)"), and stops when it is back.
  // (Knitwear comes in options: the chosen one of each group names the chosen variant.)
  const option = page.locator('[data-testid="variant-option"][aria-current="true"]').first();
  await expect(option).toBeVisible();
  await expect(option).not.toHaveAccessibleName(/sold out/);

  await adjust(-available, onHand - available);
  await expect(page.getByTestId("stock")).toHaveText("Sold out");
  await expect(page.getByRole("button", { name: "Sold out" })).toBeDisabled();
  await expect(option).toHaveAccessibleName(/\(sold out\)$/);

  await adjust(available, onHand);
  await expect(page.getByRole("button", { name: "Add to cart" })).toBeEnabled();
  await expect(page.getByTestId("stock")).not.toHaveText("Sold out");
  await expect(option).not.toHaveAccessibleName(/sold out/);
  await expect(page.locator("html")).toHaveAttribute("data-same-document", "");
});
