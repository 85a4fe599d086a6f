import { test, expect, Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { admin, checkOutByBankTransfer, fillContact, hydrated, miniCart, openInStockProduct, signedInAdmin } from "./helpers";

// axe-core on every page type, after hydration (what a shopper with a screen reader meets): no serious or critical
// violation of WCAG 2.1 A/AA or axe's best practices.
async function accessible(page: Page, what: string) {
  await hydrated(page);
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"])
    .analyze();
  const serious = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
  // Soft: one run reports every page's violations, not only the first page's.
  expect.soft(serious, `${what} (${page.url()})`).toEqual([]);
}

/** Opens each [path, what] in turn and checks it. */
async function allAccessible(page: Page, pages: string[][]) {
  for (const [path, what] of pages) {
    await page.goto(path);
    await accessible(page, what);
  }
}

test("shop pages: home, category, search, product, cart, checkout steps and order", async ({ page }) => {
  await allAccessible(page, [
    ["/", "home"],
    ["/c/clothing", "category"],
    ["/search?q=wool", "search results"],
    ["/search?q=zzzzqqq", "search without results"],
    ["/collections/gift-ideas", "collection"],
    ["/cart", "empty cart"],
  ]);

  await openInStockProduct(page);
  await accessible(page, "product");
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(miniCart(page).getByTestId("mini-cart-status")).toContainText("to your cart.");
  await accessible(page, "product, mini-cart open");
  await page.keyboard.press("Escape");
  await page.getByTestId("cart-link").click();
  await expect(page.getByTestId("cart-line")).toHaveCount(1);
  await accessible(page, "cart");

  await page.getByTestId("checkout-link").click();
  await accessible(page, "checkout: contact");
  // A refused step shows its errors: they must be readable too.
  await page.getByRole("button", { name: "Continue to shipping" }).click();
  await accessible(page, "checkout: contact with errors");
  await fillContact(page, `a11y-${Date.now()}@example.com`);
  await page.getByRole("button", { name: "Continue to shipping" }).click();
  await expect(page).toHaveURL(/\/checkout\/shipping$/);
  await accessible(page, "checkout: shipping");
  await page.getByLabel(/Standard/).check();
  await page.getByRole("button", { name: "Continue to review" }).click();
  await expect(page).toHaveURL(/\/checkout\/review$/);
  await accessible(page, "checkout: review");
  await page.getByTestId("pay-manually").check();
  await page.getByRole("button", { name: "Place order" }).click();
  await expect(page).toHaveURL(/\/orders\/BZ-[0-9A-Z]{8}\?key=/);
  await accessible(page, "order");

  await page.goto("/no-such-page");
  await accessible(page, "not found");
});

test("account pages", async ({ page }) => {
  await allAccessible(page, [
    ["/account/sign-in", "sign in"],
    ["/account/sign-up", "sign up"],
    ["/account/forgot", "forgotten password"],
  ]);
  await page.goto("/account/sign-up");
  await page.getByLabel("Email").fill(`a11y-account-${Date.now()}@example.com`);
  await page.getByLabel("Password").fill("correct horse battery staple");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await accessible(page, "account");
  await page.goto("/account/addresses");
  await accessible(page, "addresses");
  await page.goto("/account/settings");
  await accessible(page, "settings");
});

test("admin pages", async ({ browser }) => {
  test.skip(!admin.email, "no staff account was made for this run (scripts/test makes one)");
  // An order of its own, so the order pages have one to show.
  const shopper = await (await browser.newContext()).newPage();
  await openInStockProduct(shopper);
  await checkOutByBankTransfer(shopper, `a11y-admin-${Date.now()}@example.com`);
  const staff = await signedInAdmin(browser);
  await allAccessible(staff, [
    ["/admin", "dashboard"],
    ["/admin/orders", "orders"],
    ["/admin/products", "products"],
    ["/admin/categories", "categories"],
    ["/admin/stock", "stock"],
    ["/admin/customers", "customers"],
    ["/admin/discounts", "discounts"],
    ["/admin/imports", "imports"],
    ["/admin/audit", "audit log"],
  ]);
  for (const [path, row, what] of [
    ["/admin/orders", "order-row", "an order"],
    ["/admin/products", "product-row", "a product"],
    ["/admin/customers", "customer-row", "a customer"],
  ]) {
    await staff.goto(path);
    await staff.getByTestId(row).first().getByRole("link").first().click();
    await expect(staff).not.toHaveURL(new RegExp(`${path}$`));
    await accessible(staff, what);
  }
});
