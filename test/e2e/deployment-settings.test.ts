// The Deployments page's settings form in a real headless Chromium, htmx running under the real CSP:
// a refusal swaps in the panel with the error beside its field, a save swaps in the saved settings.
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { getDeployment } from "../../src/deploy/deployments.ts";
import { findServer } from "../../src/registry/catalog.ts";
import type { HostedInstance } from "../helpers/hosted.ts";
import { describeInChromium, launchBrowser, newPage, shot, signIn, startWithEcho } from "./harness.ts";

const ECHO = "io.github.test/echo";

let h: HostedInstance;
let browser: Browser;
let page: Page;
const errors: string[] = [];

describeInChromium("deployment settings in Chromium", () => {
  beforeAll(async () => {
    h = await startWithEcho(ECHO);
    browser = await launchBrowser();
    page = await newPage(await browser.newContext({ viewport: { width: 1280, height: 900 } }), errors);
    await signIn(page, h.server.url, `/${ECHO}/deployments`);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  const settings = () => getDeployment(h.ctx.dbh, findServer(h.ctx.dbh, { userId: null, isAdmin: true }, ECHO).id)!.settings;

  it("shows a refusal beside its field, then saves a change, without leaving the page", async () => {
    await page.getByText("Change settings").click();
    await page.getByLabel("Warm children").fill("2");
    await page.getByLabel("Max sessions (sessions)").fill("1");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.locator("#ds-poolSize-err").waitFor();
    expect(await page.locator("#ds-poolSize-err").textContent()).toContain("can't exceed maxSessions (1)");
    expect(settings().maxSessions).toBe(20);
    await shot(page, "deployment-settings-refused");
    await page.getByLabel("Max sessions (sessions)").fill("6");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Settings saved.").waitFor();
    expect(await page.locator('[data-setting="maxSessions"]').textContent()).toBe("6 sessions");
    expect(await page.locator("#deploy-state").textContent()).toContain("6 sessions, idle 300 s");
    expect(settings()).toMatchObject({ maxSessions: 6, poolSize: 2 });
    expect(new URL(page.url()).pathname).toBe(`/${ECHO}/deployments`);
    await shot(page, "deployment-settings-saved");
    expect(errors).toEqual([]);
  }, 30_000);
});
