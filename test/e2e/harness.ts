import { describe } from "bun:test";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
export { startWithEcho } from "../ui/ui-helpers.ts";

/** CHROMIUM is the browser the e2e tests drive (CI installs it; without it they are skipped, loudly). */
export const CHROMIUM = "/usr/bin/chromium";
/** ARTIFACTS is where screenshots go (git-ignored). */
export const ARTIFACTS = join(import.meta.dir, "..", "..", "test-artifacts");
/** ADMIN is the account startHosted creates (test/helpers/registry.ts adminWithKey). */
export const ADMIN = { email: "admin@example.com", password: "admin password 1" };

/** describeInChromium is describe for browser tests, skipped with the reason in its name when Chromium is absent. */
export function describeInChromium(name: string, fn: () => void): void {
  if (hasChromium()) describe(name, fn);
  else describe.skip(`${name} [skipped: ${CHROMIUM} is not installed; CI installs it, or apt-get install chromium]`, fn);
}

/** hasChromium says whether the e2e tests can run here. */
export function hasChromium(): boolean {
  return existsSync(CHROMIUM);
}

/** launchBrowser starts headless Chromium with nothing that phones home. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** signIn fills the sign-in form as a person would. */
export async function signIn(page: Page, baseUrl: string, next = "/"): Promise<void> {
  await page.goto(`${baseUrl}/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/login")), page.getByRole("button", { name: "Sign in" }).click()]);
}

/** shot saves a full-page screenshot to test-artifacts/ and returns its path. */
export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** newPage opens a page whose console errors and CSP violations are collected into `errors`. */
export async function newPage(ctx: BrowserContext, errors: string[]): Promise<Page> {
  const page = await ctx.newPage();
  page.on("console", (m) => {
    // A 422 is how a form answers with its errors beside the fields: expected, not a failure.
    if (m.type() === "error" && !/status of 422 /.test(m.text())) errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  return page;
}
