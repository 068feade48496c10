// The account page and the audit log in a real headless Chromium: htmx swaps under the real CSP,
// with app.js adding the CSRF header, as a person would use them.
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { authenticateApiKey } from "../../src/accounts/api-keys.ts";
import { startHosted, type HostedInstance } from "../helpers/hosted.ts";
import { describeInChromium, launchBrowser, newPage, shot, signIn } from "./harness.ts";


let h: HostedInstance;
let browser: Browser;
let page: Page;
const errors: string[] = [];

describeInChromium("account and audit pages in Chromium", () => {
  beforeAll(async () => {
    h = await startHosted();
    browser = await launchBrowser();
    page = await newPage(await browser.newContext({ viewport: { width: 1280, height: 900 } }), errors);
    await signIn(page, h.server.url, "/account");
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it("creates a key in place, shows it once with a working copy button, then revokes it", async () => {
    await page.getByLabel("Name", { exact: true }).fill("from chromium");
    await page.getByRole("button", { name: "Create key" }).click();
    const shown = page.locator("#new-api-key");
    await shown.waitFor();
    const key = await shown.inputValue();
    expect(key).toMatch(/^hth_[A-Za-z0-9]{12}_[A-Za-z0-9]{40}$/);
    expect(authenticateApiKey(h.ctx.dbh.db, key)).toBeDefined();
    expect(await page.locator('button.copy[data-copy="new-api-key"]').isVisible()).toBe(true);
    expect(new URL(page.url()).pathname).toBe("/account");
    await shot(page, "account-new-key");
    const row = page.locator("tr", { hasText: "from chromium" });
    await row.getByRole("button", { name: "Revoke" }).click();
    await page.locator("tr", { hasText: "from chromium" }).getByText(/^revoked/).waitFor();
    expect(authenticateApiKey(h.ctx.dbh.db, key)).toBeUndefined();
    expect(errors).toEqual([]);
  });

  it("filters the audit log with htmx, keeping the URL shareable", async () => {
    await page.goto(`${h.server.url}/admin/audit`);
    expect(await page.locator("#audit-results").textContent()).toContain("key.revoke");
    await page.getByLabel("Action (or a prefix like auth.)").fill("key.create");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL((u) => u.searchParams.get("action") === "key.create");
    const text = (await page.locator("#audit-results").textContent()) ?? "";
    expect(text).toContain("key.create");
    expect(text).not.toContain("key.revoke");
    await shot(page, "admin-audit");
    expect(errors).toEqual([]);
  });
});
