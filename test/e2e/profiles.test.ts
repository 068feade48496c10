// Saving and choosing a profile on the Connect tab in real headless Chromium, htmx and the CSP
// running: the save button posts the form (not the snippet refresh) and comes back with it chosen.
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { startHosted, type HostedInstance } from "../helpers/hosted.ts";
import { ENV_PACKAGE } from "../helpers/profiles.ts";
import { describeInChromium, launchBrowser, newPage, signIn } from "./harness.ts";

const NAME = "io.github.test/env";
const SECRET = "sk-e2e-PROFILE-SECRET-31337";

let h: HostedInstance;
let browser: Browser;
let page: Page;
const errors: string[] = [];

describeInChromium("profiles on the Connect tab in Chromium", () => {
  beforeAll(async () => {
    h = await startHosted();
    h.deployFixture(NAME, "env-server.ts", { packages: [ENV_PACKAGE] });
    browser = await launchBrowser();
    page = await newPage(await browser.newContext(), errors);
    await signIn(page, h.server.url, `/${NAME}/connect`);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it("saves the form as a profile, then the snippets use profile=<id> and never the secret", async () => {
    await page.goto(`${h.server.url}/${NAME}/connect`);
    await page.getByLabel(/API_KEY/).fill(SECRET);
    await page.getByLabel("Profile name").fill("work");
    await Promise.all([page.waitForURL(/\/connect\?profile=prf_/), page.getByRole("button", { name: "Save profile" }).click()]);
    const id = new URL(page.url()).searchParams.get("profile")!;
    expect(await page.locator("#f-profile").inputValue()).toBe(id);
    expect(await page.locator("#conn-http").inputValue()).toBe(`${h.server.url}/${NAME}/mcp?profile=${id}`);
    expect(await page.content()).not.toContain(SECRET);
    expect(await page.locator("ul.profiles").textContent()).toContain("••• set");
  }, 30_000);

  it("drops profile= from the snippets when no profile is chosen", async () => {
    await page.locator("#f-profile").selectOption("");
    await page.waitForFunction(() => !(document.querySelector("#conn-http") as HTMLInputElement | null)?.value.includes("profile="), undefined, { timeout: 5000 });
  });

  it("deletes the profile", async () => {
    await Promise.all([page.waitForURL((u) => u.pathname.endsWith("/connect") && !u.search), page.getByRole("button", { name: /Delete/ }).click()]);
    expect(await page.content()).toContain("No saved profiles for this server yet");
  });

  it("raised no console errors or CSP violations", () => {
    expect(errors).toEqual([]);
  });
});
