// The header on a phone (390×844, an iPhone 14) in a real headless Chromium, signed in as an
// admin: every link in the main navigation is on screen, not covered, and takes you there.
import { afterAll, beforeAll, expect, it } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { startHosted, type HostedInstance } from "../helpers/hosted.ts";
import { describeInChromium, launchBrowser, newPage, shot, signIn } from "./harness.ts";

const PHONE = { width: 390, height: 844 };
const LINKS = [
  { name: "Servers", path: "/" },
  { name: "Publish", path: "/publish" },
  { name: "Teams", path: "/teams" },
  { name: "Admin", path: "/admin" },
  { name: "admin@example.com", path: "/account" },
];

let h: HostedInstance;
let browser: Browser;
let page: Page;
const errors: string[] = [];

describeInChromium("main navigation on a phone in Chromium", () => {
  beforeAll(async () => {
    h = await startHosted();
    browser = await launchBrowser();
    page = await newPage(await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true }), errors);
    await signIn(page, h.server.url, "/");
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it("shows every link and the sign-out button inside the screen, uncovered", async () => {
    await page.goto(`${h.server.url}/`);
    await shot(page, "phone-nav");
    const nav = page.getByRole("navigation", { name: "Main" });
    const targets = [...LINKS.map((l) => nav.getByRole("link", { name: l.name, exact: true })), nav.getByRole("button", { name: "Sign out" })];
    for (const target of targets) {
      const box = await target.boundingBox();
      expect(box).not.toBeNull();
      const { x, y, width, height } = box!;
      expect({ text: await target.textContent(), left: x >= 0, right: x + width <= PHONE.width }).toEqual({ text: await target.textContent(), left: true, right: true });
      const hit = await page.evaluate(([cx, cy]) => document.elementFromPoint(cx!, cy!)?.closest("a,button")?.textContent?.trim() ?? null, [x + width / 2, y + height / 2]);
      expect(hit).toBe((await target.textContent())!.trim());
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    expect(errors).toEqual([]);
  });

  it("takes you to each link's page with a tap", async () => {
    for (const l of LINKS) {
      await page.goto(`${h.server.url}/admin/audit`);
      const link = page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: l.name, exact: true });
      await Promise.all([page.waitForURL((u) => u.pathname === l.path, { timeout: 5000 }), link.tap({ timeout: 5000 })]);
    }
    expect(errors).toEqual([]);
  });
});
