import { test, expect } from "@playwright/test";
import { addToCart, checkOutByBankTransfer, openInStockProduct } from "./helpers";

// An account from sign-up to sign-out: its order history holds what was bought while signed in, a wrong
// password gets the one generic message, and signing in again brings the history back.
test("sign up, order, see the order history, sign out and in again", async ({ page }) => {
  const email = `e2e-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  const password = "correct horse battery staple";

  await page.goto("/account");
  await expect(page.getByTestId("sign-in-first")).toBeVisible();
  await page.goto("/account/sign-up");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId("account-email")).toHaveText(email);
  await expect(page.getByText("No orders yet.")).toBeVisible();

  // A manual-payment order, placed while signed in.
  await openInStockProduct(page);
  const number = await checkOutByBankTransfer(page, email);

  await page.getByTestId("account-link").click();
  const history = page.getByTestId("order-history");
  await expect(history).toContainText(number);
  await history.getByRole("link", { name: number }).click();
  await expect(page).toHaveURL(new RegExp(`/orders/${number}\\?key=`));

  await page.goto("/account");
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await page.goto("/account");
  await expect(page.getByTestId("sign-in-first")).toBeVisible();

  await page.goto("/account/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("not my password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText("That email and password do not match an account.");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId("order-history")).toContainText(number);
});

// A guest cart joins the account's cart at sign-in: one item in the account's cart, one more added as a guest
// after signing out, and after signing in again the account's cart holds both.
test("the guest cart merges into the account's cart on sign-in", async ({ page }) => {
  const email = `e2e-merge-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  const password = "correct horse battery staple";
  await page.goto("/account/sign-up");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/account$/);

  await openInStockProduct(page);
  const product = page.url();
  await addToCart(page);
  await expect(page.getByTestId("cart-count")).toHaveText("1");

  await page.goto("/account");
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await page.goto(product);
  await expect(page.getByTestId("cart-count")).toHaveText("0");
  await addToCart(page);
  await expect(page.getByTestId("cart-count")).toHaveText("1");

  await page.goto("/account/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await page.goto("/cart");
  await expect(page.getByTestId("cart-count")).toHaveText("2");
  await expect(page.getByTestId("cart-line").first().getByTestId("line-quantity")).toHaveValue("2");
});

// The address book: an address saved in the account is where checkout starts, with the account's email.
test("a saved address starts the checkout", async ({ page }) => {
  const email = `e2e-book-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  await page.goto("/account/sign-up");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("correct horse battery staple");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/account$/);

  await page.getByRole("link", { name: "Addresses" }).click();
  await expect(page.getByText("No saved addresses yet.")).toBeVisible();
  await page.getByLabel("Full name").fill("Grace Hopper");
  await page.getByLabel("Address", { exact: true }).fill("5 Avenue Anatole France");
  await page.getByLabel("Postal code").fill("75007");
  await page.getByLabel("City").fill("Paris");
  await page.getByLabel("Country").selectOption("FR");
  await page.getByRole("button", { name: "Save address" }).click();
  await expect(page.getByTestId("saved-address")).toContainText("Grace Hopper, 5 Avenue Anatole France, 75007 Paris");
  await expect(page.getByTestId("saved-address")).toContainText("Default");

  await openInStockProduct(page);
  await addToCart(page);
  await page.goto("/checkout");
  await expect(page.getByLabel("Email")).toHaveValue(email);
  await expect(page.getByLabel("Full name")).toHaveValue("Grace Hopper");
  await expect(page.getByLabel("Postal code")).toHaveValue("75007");
});
