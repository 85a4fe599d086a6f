import { test, expect } from "@playwright/test";
import { admin, signedInAdmin } from "./helpers";

// Bulk import from the back office: an admin uploads a CSV of 1,000 products into a category of their own, the
// import's page shows its progress bar reaching 100 % with every row created, the audit log lists the import's
// start and end, and a shopper finds the imported products in the category.

test("an admin imports 1,000 products from a CSV and watches the progress bar reach 100 %", async ({ browser }) => {
  test.skip(!admin.email, "scripts/test sets E2E_ADMIN_EMAIL and E2E_ADMIN_PASSWORD");
  test.setTimeout(120_000);
  const tag = `${Date.now()}${Math.floor(Math.random() * 1e4)}`;
  const staff = await signedInAdmin(browser);

  // A top-level category of this test's own, so other journeys see the catalog they expect.
  const category = `Imports ${tag}`;
  await staff.goto("/admin/categories");
  const add = staff.getByTestId("new-category");
  await add.getByLabel("Name").fill(category);
  await add.getByRole("button", { name: "Add category" }).click();
  await expect(staff.locator(`[data-testid="category-row"][data-slug="imports-${tag}"]`)).toBeVisible();

  const lines = ["sku,product,name,description,category,price,opening_stock"];
  for (let i = 0; i < 1000; i++) {
    lines.push(`IMP-${tag}-${i},imported-${tag}-${i},"Imported mug ${i}, ${tag}",Stoneware.,imports-${tag},${(12 + (i % 9)).toFixed(2)},3`);
  }
  await staff.goto("/admin/imports");
  const form = staff.getByTestId("import-products");
  // A file without the columns an import needs is refused whole, with the reason on the page.
  await form.getByLabel("CSV file (UTF-8)").setInputFiles({
    name: "wrong.csv",
    mimeType: "text/csv",
    buffer: Buffer.from("sku,name\nA-1,Mug\n"),
  });
  await form.getByRole("button", { name: "Import" }).click();
  await expect(staff.getByTestId("import-error")).toContainText("no product, price column");

  await form.getByLabel("CSV file (UTF-8)").setInputFiles({
    name: `mugs-${tag}.csv`,
    mimeType: "text/csv",
    buffer: Buffer.from(lines.join("\n") + "\n"),
  });
  await form.getByRole("button", { name: "Import" }).click();

  // The import's own page, refreshing itself until the job is done.
  await expect(staff).toHaveURL(/\/admin\/imports\/\d+$/);
  await expect(staff.getByRole("heading", { level: 1 })).toContainText(`mugs-${tag}.csv`);
  await expect(staff.getByTestId("import-percent")).toHaveText("100 %", { timeout: 60_000 });
  await expect(staff.getByTestId("import-state")).toHaveText("Finished");
  await expect(staff.getByTestId("import-progress")).toHaveAttribute("value", "1000");
  await expect(staff.getByTestId("import-created")).toHaveText("1000");
  await expect(staff.getByTestId("import-rejected")).toHaveText("0");

  // The audit log has the import's start and end.
  await staff.goto("/admin/audit?action=import");
  await expect(staff.locator('[data-testid="audit-entry"][data-action="import.start"]').first()).toBeVisible();
  await expect(staff.locator('[data-testid="audit-entry"][data-action="import.finish"]').first()).toBeVisible();

  // A shopper finds the imported products (pages may come from the page cache, a few seconds old).
  const shopper = await browser.newPage();
  await expect(async () => {
    const response = await shopper.goto(`/p/imported-${tag}-7`);
    expect(response?.status()).toBe(200);
  }).toPass({ timeout: 15_000 });
  await expect(shopper.getByRole("heading", { level: 1 })).toHaveText(`Imported mug 7, ${tag}`);
  await shopper.goto(`/c/imports-${tag}`);
  await expect(shopper.getByRole("heading", { level: 1 })).toHaveText(category);
});
