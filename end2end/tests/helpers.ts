import { Browser, expect, Page } from "@playwright/test";

/** Waits until the WASM app has hydrated (the app sets data-hydrated on <body>). */
export async function hydrated(page: Page) {
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
}

/** The header's item count, once the cart-count island has shown it (pages are shared: it is not in the HTML). */
export async function cartCount(page: Page): Promise<number> {
  await expect(page.getByTestId("cart-count")).toBeVisible();
  return Number(await page.getByTestId("cart-count").innerText());
}

/** Opens a product page with an in-stock variant selected, and returns the chosen SKU. */
export async function openInStockProduct(page: Page, path = "/c/knitwear") {
  await page.goto(path);
  await page.getByTestId("product-card").first().click();
  await expect(page.getByTestId("stock")).not.toHaveText(/Sold out/);
}

/** The mini-cart that opens after an add with JavaScript. */
export const miniCart = (page: Page) => page.getByRole("dialog", { name: "Your cart" });

/** On an open product page: adds the chosen variant to the cart in place, waits until the shop has taken it (the
 * mini-cart opens and says so), and closes the mini-cart with Escape. */
export async function addToCart(page: Page) {
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(miniCart(page).getByTestId("mini-cart-status")).toContainText(/^Added .+ to your cart\.$/);
  await page.keyboard.press("Escape");
  await expect(miniCart(page)).toBeHidden();
}

/** Fills checkout's first step (contact and address) for Ana Pérez in Paris. */
export async function fillContact(page: Page, email: string) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Full name").fill("Ana Pérez");
  await page.getByLabel("Address", { exact: true }).fill("12 Rue de la Paix");
  await page.getByLabel("Postal code").fill("75002");
  await page.getByLabel("City").fill("Paris");
  await page.getByLabel("Country").selectOption("FR");
}

/** From an open product page: adds it to the cart and checks out to Ana Pérez in Paris with standard shipping,
 * paying by bank transfer. Returns the order number from the order page it lands on. */
export async function checkOutByBankTransfer(page: Page, email: string): Promise<string> {
  await addToCart(page);
  await page.getByTestId("cart-link").click();
  await page.getByTestId("checkout-link").click();
  await fillContact(page, email);
  await page.getByRole("button", { name: "Continue to shipping" }).click();
  await expect(page).toHaveURL(/\/checkout\/shipping$/);
  await page.getByLabel(/Standard/).check();
  await page.getByRole("button", { name: "Continue to review" }).click();
  await expect(page).toHaveURL(/\/checkout\/review$/);
  await page.getByTestId("pay-manually").check();
  await page.getByRole("button", { name: "Place order" }).click();
  await expect(page).toHaveURL(/\/orders\/BZ-[0-9A-Z]{8}\?key=/);
  return new URL(page.url()).pathname.split("/").pop()!;
}

/** The admin account scripts/test makes (server create-admin), when it made one. */
export const admin = { email: process.env.E2E_ADMIN_EMAIL ?? "", password: process.env.E2E_ADMIN_PASSWORD ?? "" };

/** A page of its own (its own cookies), signed in as that admin. */
export async function signedInAdmin(browser: Browser): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto("/account/sign-in");
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password").fill(admin.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId("account-email")).toHaveText(admin.email);
  return page;
}
