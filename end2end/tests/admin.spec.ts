import { test, expect } from "@playwright/test";
import * as fs from "fs";
import * as path from "path";
import { admin, checkOutByBankTransfer, openInStockProduct, signedInAdmin } from "./helpers";

// The back office with a shopper on the other side: a bank-transfer order is recorded as paid, shipped with a
// tracking number, the shopper's email carries the carrier's link, and the audit log lists both actions. Then
// the shopper asks to return it from the order page; staff approve, receive and refund it, and the shopper is
// emailed at each step.
// scripts/test makes the admin account (server create-admin) and points E2E_MAILDIR at the SMTP sink's folder.

const maildir = process.env.E2E_MAILDIR ?? "";

/** The decoded text of every part of a MIME message (base64 and quoted-printable parts decoded). */
function decoded(raw: string): string {
  const out = [raw];
  for (const part of raw.split(/\r?\n--[^\r\n]+\r?\n/)) {
    const [head, ...rest] = part.split(/\r?\n\r?\n/);
    const body = rest.join("\n\n");
    if (/Content-Transfer-Encoding:\s*base64/i.test(head)) {
      out.push(Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8"));
    } else if (/Content-Transfer-Encoding:\s*quoted-printable/i.test(head)) {
      out.push(
        body.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16))),
      );
    }
  }
  return out.join("\n");
}

function mailTo(to: string): string[] {
  const messages: string[] = [];
  for (const sub of ["new", "cur"]) {
    const dir = path.join(maildir, sub);
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir)) {
      const text = decoded(fs.readFileSync(path.join(dir, name), "utf8"));
      if (text.includes(to)) messages.push(text);
    }
  }
  return messages;
}

test("a bank transfer is recorded, the order shipped with tracking, the shopper emailed the link, and a return refunded", async ({
  page,
  browser,
}) => {
  test.skip(!admin.email || !maildir, "scripts/test sets E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD and E2E_MAILDIR");
  const shopper = `e2e-ship-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  await openInStockProduct(page);
  const number = await checkOutByBankTransfer(page, shopper);
  await expect(page.getByTestId("payment-instructions")).toContainText("until");

  const staff = await signedInAdmin(browser);

  // Find the order by the shopper's email, open it: the address is there, decrypted for staff.
  await staff.goto("/admin/orders");
  await staff.getByLabel("Order number or email").fill(shopper);
  await staff.getByRole("button", { name: "Filter" }).click();
  await expect(staff.getByTestId("order-row")).toHaveCount(1);
  await staff.getByRole("link", { name: number }).click();
  await expect(staff.getByTestId("admin-order-status")).toHaveText("awaiting payment");
  await expect(staff.getByTestId("admin-address")).toContainText("12 Rue de la Paix");

  await staff.getByRole("button", { name: "Record bank transfer received" }).click();
  await expect(staff.getByTestId("admin-order-status")).toHaveText("paid");

  const ship = staff.getByTestId("action-ship");
  await ship.getByLabel("Carrier", { exact: true }).selectOption("ups");
  await ship.getByLabel("Tracking number", { exact: true }).fill("1Z999AA10123456784");
  await ship.getByRole("button", { name: "Mark shipped" }).click();
  await expect(staff.getByTestId("admin-order-status")).toHaveText("shipped");
  await expect(staff.getByTestId("admin-timeline")).toContainText(admin.email);

  // The shopper's page and email carry the carrier's tracking link.
  await page.reload();
  await expect(page.getByTestId("shipment")).toContainText("1Z999AA10123456784");
  const link = "https://www.ups.com/track?tracknum=1Z999AA10123456784";
  await expect
    .poll(() => mailTo(shopper).some((m) => m.includes("is on its way") && m.includes(link)), { timeout: 15_000 })
    .toBe(true);

  // The audit log lists both actions, with who took them.
  await staff.goto(`/admin/audit?entity_id=${number}`);
  const entries = staff.getByTestId("audit-entry");
  await expect(entries).toHaveCount(2);
  await expect(entries.first()).toHaveAttribute("data-action", "order.ship");
  await expect(entries.nth(1)).toHaveAttribute("data-action", "order.record_payment");
  await expect(entries.first()).toContainText(admin.email);

  // The shopper sends the item back: a plain form on the order page.
  await page.reload();
  const form = page.getByTestId("return-form");
  await form.locator("select").first().selectOption("1");
  await form.getByLabel("Why are you returning them?").fill("It does not fit");
  await form.getByRole("button", { name: "Ask to return" }).click();
  await expect(page.getByTestId("return-status")).toContainText("requested");

  // Staff approve it with where to send it, receive it back on the shelf, and refund it.
  await staff.goto(`/admin/orders/${number}`);
  const approve = staff.getByTestId("return-approve");
  await approve.getByLabel("Where to send it (optional)").fill("Send it to 1 Dock Road.");
  await approve.getByRole("button", { name: "Approve" }).click();
  await expect(staff.getByTestId("admin-return-status")).toContainText("approved");
  await staff.getByTestId("return-receive").getByRole("button", { name: "Mark received" }).click();
  await expect(staff.getByTestId("admin-return-status")).toContainText("received");
  await expect(staff.getByTestId("admin-return")).toContainText("back on the shelf");
  await staff.getByTestId("return-refund").getByRole("button", { name: "Refund" }).click();
  await expect(staff.getByTestId("admin-return-status")).toHaveText("refunded");
  await expect(staff.getByTestId("admin-order-status")).toContainText("refunded");

  await page.reload();
  await expect(page.getByTestId("return-status")).toHaveText("refunded");
  for (const words of ["return request", "approved", "we received your return", "refunded"]) {
    await expect
      .poll(() => mailTo(shopper).some((m) => m.toLowerCase().includes(words)), { timeout: 15_000 })
      .toBe(true);
  }
});
