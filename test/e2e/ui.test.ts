// The web UI in a real headless Chromium against a real listening Hearth with a supervised echo
// server: what a person does, clicking and typing, with JS and htmx running under the real CSP.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { WebSocketClientTransport } from "@modelcontextprotocol/sdk/client/websocket.js";
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { HELLO, packFixture } from "../fixtures/installer/build.ts";
import type { HostedInstance } from "../helpers/hosted.ts";
import { waitUntil } from "../helpers/processes.ts";
import { serverJson } from "../helpers/registry.ts";
import { tempDir } from "../helpers/temp.ts";
import { publish } from "../ui/ui-helpers.ts";
import { findUserByEmail } from "../../src/accounts/users.ts";
import { describeInChromium, launchBrowser, newPage, shot, signIn, startWithEcho } from "./harness.ts";

const ECHO = "io.github.test/echo";
// Installs reach the npm registry for the fixture's one dependency; pass this machine's CA, as
// an operator would with --pass-env (the deploy tests do the same).
const PASS_ENV = "NODE_EXTRA_CA_CERTS,SSL_CERT_FILE,HTTPS_PROXY,HTTP_PROXY,NO_PROXY";

let h: HostedInstance;
let browser: Browser;
let ctx: BrowserContext;
let page: Page;
const errors: string[] = [];
const shots: string[] = [];
const packs = tempDir("hearth-e2e-packs-");

describeInChromium("web UI in Chromium", () => {
  beforeAll(async () => {
    h = await startWithEcho(ECHO, { title: "Echo", description: "Says back whatever you send it." }, { "pass-env": PASS_ENV });
    const admin = findUserByEmail(h.ctx.dbh.db, "admin@example.com")!;
    publish(h.ctx, admin, "io.github.test/weather", {
      description: "Forecasts for a city.",
      packages: [
        {
          registryType: "npm",
          identifier: "@example/weather",
          version: "1.0.0",
          transport: { type: "stdio" },
          environmentVariables: [
            { name: "API_KEY", description: "Your weather API key", isRequired: true, isSecret: true },
            { name: "UNITS", choices: ["metric", "imperial"], default: "metric" },
          ],
        },
      ],
    });
    browser = await launchBrowser();
    ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await newPage(ctx, errors);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await h?.close();
    packs.cleanup();
    if (shots.length) console.log(`e2e screenshots:\n  ${shots.join("\n  ")}`);
  });

  it("searches as you type, updating the URL, and opens the server; back returns to the results", async () => {
    await page.goto(`${h.server.url}/`);
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    await page.getByLabel("Search servers").fill("echo");
    await page.waitForURL((u) => u.search === "?q=echo", { timeout: 5000 });
    await page.locator('#results a.card[href="/io.github.test/echo"]').waitFor();
    expect(await page.locator("#results a.card").count()).toBe(1);
    // No page load happened: the results were swapped in by htmx.
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
    // Each search is a history entry: back shows the previous query's results again.
    await page.getByLabel("Search servers").fill("weather");
    await page.waitForURL((u) => u.search === "?q=weather");
    await page.locator('#results a.card[href="/io.github.test/weather"]').waitFor();
    await page.goBack();
    await page.waitForURL((u) => u.search === "?q=echo");
    await page.locator('#results a.card[href="/io.github.test/echo"]').waitFor();
    expect(await page.getByLabel("Search servers").inputValue()).toBe("echo");
    await page.getByLabel("Deployed here").check();
    await page.waitForURL((u) => u.searchParams.get("q") === "is:deployed echo");
    shots.push(await shot(page, "e2e-search"));
    await page.locator('#results a.card[href="/io.github.test/echo"]').click();
    await page.waitForURL(`${h.server.url}/io.github.test/echo`);
    expect(await page.locator("h1").textContent()).toBe("Echo");
    shots.push(await shot(page, "e2e-server-overview"));
    await page.goBack();
    await page.waitForURL((u) => u.searchParams.get("q") === "is:deployed echo");
    await page.locator('#results a.card[href="/io.github.test/echo"]').waitFor();
  });

  it("reads the server's tools with their input schemas", async () => {
    await page.goto(`${h.server.url}/io.github.test/echo`);
    await page.getByRole("link", { name: "Tools", exact: true }).click();
    await page.waitForURL(`${h.server.url}/io.github.test/echo/tools`);
    const echo = page.locator("#tool-echo");
    expect(await echo.locator("p").first().textContent()).toBe("Returns its message unchanged.");
    expect(await echo.locator("table.params code").first().textContent()).toBe("message");
    expect(await page.locator("#tool-slow").textContent()).toContain("Default: 3");
    shots.push(await shot(page, "e2e-server-tools"));
  });

  it("fills the config form and sees the snippets change", async () => {
    await page.goto(`${h.server.url}/io.github.test/weather/connect`);
    const cursor = page.locator("#snip-cursor");
    const before = await cursor.textContent();
    expect(before).not.toContain("config=");
    shots.push(await shot(page, "e2e-connect-before"));
    await page.getByLabel(/API_KEY/).fill("my-weather-key");
    await page.getByLabel(/UNITS/).selectOption("imperial");
    await page.getByLabel("Hearth API key").fill("hk_e2e");
    await page.waitForFunction(() => document.querySelector("#snip-cursor")?.textContent?.includes("hk_e2e"), undefined, { timeout: 5000 });
    const after = (await cursor.textContent())!;
    const url = new URL(JSON.parse(after).mcpServers.weather.url);
    expect(JSON.parse(Buffer.from(url.searchParams.get("config")!, "base64url").toString())).toEqual({ API_KEY: "my-weather-key", UNITS: "imperial" });
    // The secret input is never written back into the page.
    expect(await page.locator("#f-config_API_KEY").getAttribute("value")).toBeNull();
    expect(await page.locator("button.copy").first().isVisible()).toBe(true);
    shots.push(await shot(page, "e2e-connect-after"));
  });

  it("runs echo in the playground and shows its result; leaving the page ends the session", async () => {
    await signIn(page, h.server.url, "/io.github.test/echo/playground");
    await page.waitForURL(`${h.server.url}/io.github.test/echo/playground`);
    await page.getByLabel(/message/).fill("hello from chromium");
    await page.getByRole("button", { name: "Run" }).click();
    const result = page.locator("#result .result");
    await result.waitFor({ timeout: 15_000 });
    expect(await result.locator("pre").first().textContent()).toBe("hello from chromium");
    expect(await result.locator(".badge").textContent()).toMatch(/ms$/);
    expect(h.hosting.supervisor.count(ECHO)).toBe(1);
    // Pick another tool: its form comes in place, the session stays.
    await page.getByRole("link", { name: "add", exact: true }).click();
    await page.locator('input[name="arg.a"]').waitFor();
    expect(await page.getByRole("link", { name: "add", exact: true }).getAttribute("aria-current")).toBe("true");
    expect(new URL(page.url()).searchParams.get("tool")).toBe("add");
    await page.locator('input[name="arg.a"]').fill("2");
    await page.locator('input[name="arg.b"]').fill("40");
    await page.getByRole("button", { name: "Run" }).click();
    await page.waitForFunction(() => document.querySelector("#result .result pre")?.textContent === "42");
    expect(h.hosting.supervisor.count(ECHO)).toBe(1);
    shots.push(await shot(page, "e2e-playground"));
    await page.goto(`${h.server.url}/`);
    expect(await waitUntil(() => h.hosting.supervisor.count(ECHO) === 0, 5000)).toBe(true);
  });

  it("sees a log line arrive live, and holds lines while paused", async () => {
    await page.goto(`${h.server.url}/io.github.test/echo/logs`);
    const ready = page.locator("#log-lines li", { hasText: "hearth-echo ready" });
    const before = await ready.count();
    const openSession = async () => {
      const client = new Client({ name: "e2e", version: "1" });
      await client.connect(new WebSocketClientTransport(new URL(h.wsUrl(ECHO, `api_key=${h.key}`))));
      return client;
    };
    // Give hx-sse a moment to connect before the line is written.
    await page.waitForTimeout(300);
    const first = await openSession();
    await page.waitForFunction((n) => document.querySelectorAll("#log-lines li").length > 0 && Array.from(document.querySelectorAll("#log-lines li")).filter((li) => li.textContent?.includes("hearth-echo ready")).length > n, before, { timeout: 10_000 });
    shots.push(await shot(page, "e2e-logs-live"));
    await page.getByRole("button", { name: "Pause" }).click();
    const paused = await ready.count();
    const second = await openSession();
    await page.waitForFunction(() => document.getElementById("log-status")?.textContent?.includes("held"), undefined, { timeout: 10_000 });
    expect(await ready.count()).toBe(paused);
    await page.getByRole("button", { name: "Resume" }).click();
    expect(await ready.count()).toBeGreaterThan(paused);
    await first.close();
    await second.close();
    // The filter hides lines without the text, on the page, as you type.
    await page.getByLabel("Filter").fill("hearth-echo ready");
    expect(await page.locator("#log-lines li:not([hidden])").count()).toBe(await ready.count());
  });

  it("publishes a package with its tarball and deploys it with a live progress bar", async () => {
    mkdirSync(join(packs.path, "hello"), { recursive: true });
    const tgz = packFixture(HELLO, join(packs.path, "hello"));
    await page.goto(`${h.server.url}/publish`);
    const doc = serverJson("io.github.test/hello", { packages: [{ registryType: "npm", identifier: "hearth-fixture-hello", version: "1.0.0", transport: { type: "stdio" } }] });
    // A mistake first: the error shows beside the field, the form keeps what was typed.
    await page.getByLabel("server.json or smithery.yaml").fill(JSON.stringify({ ...doc, version: 7 }));
    await page.getByRole("button", { name: "Publish" }).click();
    await page.locator("#err-manifest").waitFor();
    shots.push(await shot(page, "e2e-publish-error"));
    await page.getByLabel("server.json or smithery.yaml").fill(JSON.stringify(doc, null, 2));
    await page.getByLabel("Package to run (optional)").setInputFiles(tgz);
    await page.getByRole("button", { name: "Publish" }).click();
    await page.waitForURL(`${h.server.url}/io.github.test/hello`);
    await page.getByRole("link", { name: "Deployments", exact: true }).click();
    // Record every state the bar shows, to see it move rather than only its end.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      new MutationObserver(() => {
        const bar = document.querySelector("#deploy-bar");
        if (bar) seen.push(bar.getAttribute("value") ?? "");
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await page.getByRole("button", { name: "Deploy" }).click();
    await page.locator("#deploy-status progress").waitFor({ timeout: 10_000 });
    await page.waitForFunction(() => document.querySelector("#deploy-status .deploy-progress")?.getAttribute("data-state") !== "running", undefined, { timeout: 90_000 });
    const state = await page.locator("#deploy-status .deploy-progress").getAttribute("data-state");
    expect(state, (await page.locator("#deploy-status").textContent()) ?? "").toBe("ready");
    expect(await page.locator("#deploy-bar").getAttribute("value")).toBe("100");
    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    expect(seen.some((v) => Number(v) > 0 && Number(v) < 100), `progress values seen: ${seen.join(",")}`).toBe(true);
    // The end of the deploy refreshed the state panel and the header's badge in place.
    await page.waitForFunction(() => document.querySelector("#deploy-state dd")?.textContent === "Running");
    expect(await page.locator("#deployment-badge").textContent()).toBe("Deployed");
    shots.push(await shot(page, "e2e-deploy-progress"));
  }, 120_000);

  it("works without JavaScript: search, connect and the playground are plain forms", async () => {
    const nojs = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
    const p = await newPage(nojs, errors);
    await p.goto(`${h.server.url}/`);
    await p.getByLabel("Search servers").fill("weather");
    await p.getByLabel("Search servers").press("Enter");
    await p.waitForURL((u) => u.searchParams.get("q") === "weather");
    await p.locator('a.card[href="/io.github.test/weather"]').click();
    await p.getByRole("link", { name: "Connect", exact: true }).click();
    await p.getByLabel(/API_KEY/).fill("nojs-key");
    await p.getByRole("button", { name: "Update snippets" }).click();
    const cursor = JSON.parse((await p.locator("#snip-cursor").textContent())!);
    expect(cursor.mcpServers.weather.url).toContain("?config=");
    expect(await p.locator("#f-config_API_KEY").inputValue()).toBe("");
    await signIn(p, h.server.url, "/io.github.test/echo/playground?tool=echo");
    await p.getByLabel(/message/).fill("no script needed");
    await p.getByRole("button", { name: "Run" }).click();
    await p.locator("#result .result").waitFor();
    expect(await p.locator("#result .result pre").first().textContent()).toBe("no script needed");
    shots.push(await shot(p, "e2e-nojs-playground"));
    await nojs.close();
    // Without JS nothing says goodbye: the session ends at its idle timeout instead.
  });

  it("reads well on a phone and in dark mode", async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, colorScheme: "dark" });
    const p = await newPage(phone, errors);
    await p.goto(`${h.server.url}/?q=echo`);
    expect(await p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    shots.push(await shot(p, "e2e-phone-search-dark"));
    await p.goto(`${h.server.url}/io.github.test/echo/connect`);
    expect(await p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    shots.push(await shot(p, "e2e-phone-connect-dark"));
    await phone.close();
  });

  it("raised no console errors or CSP violations on any page", () => {
    expect(errors).toEqual([]);
  });
});
