import { test, expect } from "@playwright/test";

// With JavaScript disabled: from a cart to a placed order with the manual payment method, and the order page
// shows what was bought and what it cost.
test("check out without JavaScript and see the order", async ({ page }) => {
  await page.goto("/c/stationery?sort=price");
  // Counted once: on a product page there are no cards, and the loop must still try every one of them.
  const count = await page.getByTestId("product-card").count();
  for (let i = 0; i < count; i++) {
    await page.goto("/c/stationery?sort=price");
    await page.getByTestId("product-card").nth(i).click();
    if (await page.getByRole("button", { name: "Add to cart" }).isVisible()) break;
  }
  const name = (await page.getByRole("heading", { level: 1 }).innerText()).trim();
  await page.getByLabel("Quantity").fill("2");
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByText("Added to your cart.")).toBeVisible();

  await page.getByTestId("cart-link").click();
  const subtotal = await page.getByTestId("subtotal").innerText();
  await page.getByTestId("checkout-link").click();
  await expect(page).toHaveURL(/\/checkout$/);

  // A bad postal code comes back with its message; the fields keep what was saved before.
  await page.getByLabel("Email").fill("ana@example.com");
  await page.getByLabel("Full name").fill("Ana Pérez");
  await page.getByLabel("Address", { exact: true }).fill("12 Rue de la Paix");
  await page.getByLabel("Postal code").fill("7500");
  await page.getByLabel("City").fill("Paris");
  await page.getByLabel("Country").selectOption("FR");
  await page.getByRole("button", { name: "Continue to shipping" }).click();
  await expect(page.getByRole("alert").filter({ hasText: /postal code/ })).toBeVisible();

  await page.getByLabel("Email").fill("ana@example.com");
  await page.getByLabel("Full name").fill("Ana Pérez");
  await page.getByLabel("Address", { exact: true }).fill("12 Rue de la Paix");
  await page.getByLabel("Postal code").fill("75002");
  await page.getByLabel("City").fill("Paris");
  await page.getByRole("button", { name: "Continue to shipping" }).click();
  await expect(page).toHaveURL(/\/checkout\/shipping$/);

  await page.getByLabel(/Express/).check();
  await page.getByRole("button", { name: "Continue to review" }).click();
  await expect(page).toHaveURL(/\/checkout\/review$/);
  await expect(page.getByTestId("summary-subtotal")).toHaveText(subtotal);
  await expect(page.getByTestId("summary-shipping")).toHaveText("€12.90");
  const total = await page.getByTestId("summary-total").innerText();

  await page.getByRole("button", { name: "Place order" }).click();
  await expect(page).toHaveURL(/\/orders\/BZ-[0-9A-Z]{8}\?key=/);
  await expect(page.getByRole("heading", { name: "Thank you for your order" })).toBeVisible();
  await expect(page.getByTestId("order-status")).toHaveText("awaiting payment");
  await expect(page.getByTestId("payment-instructions")).toContainText(total);
  await expect(page.getByTestId("summary-line")).toHaveCount(1);
  await expect(page.getByTestId("summary-line")).toContainText(name);
  await expect(page.getByTestId("summary-line")).toContainText("2 ×");
  await expect(page.getByTestId("summary-total")).toHaveText(total);

  // The link is the key: without it, the order is not found.
  const url = new URL(page.url());
  const response = await page.goto(url.pathname);
  expect(response?.status()).toBe(404);
});
