import { test, expect } from "@playwright/test";
import { admin, signedInAdmin } from "./helpers";
import { png } from "./png";

// The catalog from the back office: an admin adds a category, creates a product in it with two variants as a
// draft (the shop does not show it), adds a photo, publishes it, and a shopper finds it in the new category (its
// card with the photo's widths in `srcset`) and on its page with the price just typed.

test("an admin adds a category and a product in it; once published, shoppers find both", async ({ browser }) => {
  test.skip(!admin.email, "scripts/test sets E2E_ADMIN_EMAIL and E2E_ADMIN_PASSWORD");
  const tag = `${Date.now()}${Math.floor(Math.random() * 1e4)}`;
  const name = `Field Jacket ${tag}`;
  const sku = `JACKET-${tag}`;
  const staff = await signedInAdmin(browser);

  // A new top-level category (apart from the ones the other journeys shop in, so they see the same catalog).
  const category = `Jackets ${tag}`;
  await staff.goto("/admin/categories");
  const add = staff.getByTestId("new-category");
  await add.getByLabel("Name").fill(category);
  await add.getByRole("button", { name: "Add category" }).click();
  const row = staff.locator(`[data-testid="category-row"][data-slug="jackets-${tag}"]`);
  await expect(row).toBeVisible();
  await expect(row).toContainText("0 products");

  await staff.goto("/admin/products");
  await staff.getByTestId("new-product").click();
  await expect(staff.getByTestId("product-title")).toHaveText("New product");
  await staff.getByLabel("Name", { exact: true }).fill(name);
  await staff.getByLabel("Category").selectOption({ label: category });
  await staff.getByLabel("Option names").fill("Size");
  const rows = staff.getByTestId("new-variant-row");
  await rows.nth(0).getByLabel("New variant SKU").fill(`${sku}-M`);
  await rows.nth(0).getByLabel("New variant option values").fill("M");
  await rows.nth(0).getByLabel("New variant price").fill("129.00");
  await rows.nth(0).getByLabel("New variant stock").fill("4");
  await rows.nth(1).getByLabel("New variant SKU").fill(`${sku}-L`);
  await rows.nth(1).getByLabel("New variant option values").fill("L");
  await rows.nth(1).getByLabel("New variant price").fill("134.50");
  await rows.nth(1).getByLabel("New variant stock").fill("2");
  await staff.getByTestId("save-product").click();

  // Saved as a draft: the form is now the product's, with its variants and a suggested web address.
  await expect(staff.getByTestId("product-saved")).toBeVisible();
  await expect(staff.getByTestId("product-title")).toHaveText(name);
  await expect(staff.getByTestId("variant-row")).toHaveCount(2);
  const slug = await staff.getByLabel("Web address").inputValue();
  expect(slug).toBe(`field-jacket-${tag}`);
  const shopper = await browser.newPage();
  expect((await shopper.goto(`/p/${slug}`))?.status()).toBe(404);

  // A photo with its alt text: stored in the shop's widths (a 1600-pixel upload becomes 320, 640 and 1280).
  const images = staff.getByTestId("product-images");
  await images.getByLabel("Image file").setInputFiles({ name: "jacket.png", mimeType: "image/png", buffer: png(1600, 1200) });
  await images.getByLabel("Alt text").fill(`${name}, front`);
  await images.getByRole("button", { name: "Add image" }).click();
  await expect(staff.getByTestId("product-image")).toHaveCount(1);
  await expect(staff.getByTestId("product-image").locator("img")).toHaveAttribute("alt", `${name}, front`);

  // Published.
  await staff.getByLabel("Status").selectOption("active");
  await staff.getByTestId("save-product").click();
  await expect(staff.getByTestId("product-saved")).toBeVisible();
  await expect(staff.getByLabel("Status")).toHaveValue("active");

  // The list finds it by the start of a SKU.
  await staff.goto("/admin/products");
  await staff.getByLabel("Name or SKU").fill(sku);
  await staff.getByRole("button", { name: "Filter" }).click();
  await expect(staff.getByTestId("product-row")).toHaveCount(1);
  await expect(staff.getByTestId("product-row-status")).toHaveText("Active");

  // A shopper (whose pages may come from the page cache, a few seconds old) finds it on its own page and, newest
  // first, at the top of its category.
  await expect(async () => {
    const response = await shopper.goto(`/p/${slug}`);
    expect(response?.status()).toBe(200);
  }).toPass({ timeout: 15_000 });
  await expect(shopper.getByRole("heading", { level: 1 })).toHaveText(name);
  await expect(shopper.locator("main")).toContainText("129.00");
  await expect(shopper.getByTestId("gallery").locator("img").first()).toHaveAttribute("srcset", /320w.*640w.*1280w/);
  await shopper.goto(`/c/jackets-${tag}`);
  await expect(shopper.getByRole("heading", { level: 1 })).toHaveText(category);
  await expect(shopper.getByRole("link", { name }).first()).toBeVisible();
  // Its card offers the widths, so a phone loads a 320- or 640-pixel picture, never the 1600-pixel upload.
  const card = shopper.getByTestId("product-card").filter({ hasText: name });
  await expect(card.locator("img")).toHaveAttribute("srcset", /320w.*640w.*1280w/);
  await expect(card.locator("img")).toHaveAttribute("sizes", /.+/);
  const src = await card.locator("img").getAttribute("src");
  expect((await shopper.request.get(src!)).headers()["content-type"]).toBe("image/jpeg");
});
