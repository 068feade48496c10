import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { WebSocketClientTransport } from "@modelcontextprotocol/sdk/client/websocket.js";
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { existsSync } from "node:fs";
import { detectProtections } from "../../src/supervisor/sandbox.ts";
import { startHosted, type HostedInstance } from "../helpers/hosted.ts";
import { descendantsOf, waitUntil } from "../helpers/processes.ts";
import { serverJson } from "../helpers/registry.ts";

/**
 * A browser-automation server deployed the way a user would: the real @playwright/mcp from the npm
 * registry, installed by Hearth's installer, run in the bubblewrap sandbox with `preset: browser`,
 * driving Debian's /usr/bin/chromium to a page this test serves on loopback.
 */
const PLAYWRIGHT_MCP = "0.0.86";
const CHROMIUM = "/usr/bin/chromium";
// Installs reach the npm registry; this machine's TLS needs its CA passed through (--pass-env).
const PASS_ENV = "NODE_EXTRA_CA_CERTS,SSL_CERT_FILE,HTTPS_PROXY,HTTP_PROXY,NO_PROXY";
const NAME = "io.github.microsoft/playwright-mcp";

async function registryReachable(): Promise<boolean> {
  try {
    const r = await fetch(`https://registry.npmjs.org/@playwright%2fmcp/${PLAYWRIGHT_MCP}`, { signal: AbortSignal.timeout(10_000) });
    return r.ok;
  } catch {
    return false;
  }
}

const protections = await detectProtections();
const skip = !existsSync(CHROMIUM)
  ? `${CHROMIUM} is not installed`
  : !protections.bwrap.usable
    ? `bubblewrap is not usable here: ${protections.bwrap.reason}`
    : !(await registryReachable())
      ? "the npm registry is unreachable"
      : "";
const why = skip ? ` [skipped: ${skip}]` : "";

let h: HostedInstance | undefined;
let page: ReturnType<typeof Bun.serve> | undefined;
beforeAll(async () => {
  if (skip) return;
  h = await startHosted({ sandbox: "bwrap", "pass-env": PASS_ENV });
  page = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("<!doctype html><title>Hearth loopback page</title><h1>hello</h1>", { headers: { "content-type": "text/html" } }) });
});
afterAll(async () => {
  await page?.stop(true);
  await h?.close();
  expect(descendantsOf(process.pid)).toEqual([]);
});

async function deploy(settings: Record<string, unknown>): Promise<{ phase: string; message?: string; tools?: number }> {
  const r = await fetch(`${h!.server.url}/api/v1/servers/${NAME}/deploy`, {
    method: "POST",
    headers: { authorization: `Bearer ${h!.key}`, accept: "text/event-stream", "content-type": "application/json" },
    body: JSON.stringify({ settings }),
  });
  const events = (await r.text()).split("\n").filter((l) => l.startsWith("data: ")).map((l) => JSON.parse(l.slice(6)));
  return events.at(-1);
}

describe("a browser-automation MCP server", () => {
  it(`deployed from npm with preset browser, opens a loopback page in the sandbox and returns its title${why}`, async () => {
    if (skip) return;
    const args = ["--headless", "--browser", "chromium", "--executable-path", CHROMIUM, "--isolated"].map((value) => ({ type: "positional", value }));
    const doc = serverJson(NAME, { packages: [{ registryType: "npm", identifier: "@playwright/mcp", version: PLAYWRIGHT_MCP, transport: { type: "stdio" }, packageArguments: args }] });
    const published = await fetch(`${h!.server.url}/api/v1/servers`, { method: "POST", headers: { authorization: `Bearer ${h!.key}`, "content-type": "application/json" }, body: JSON.stringify(doc) });
    expect(published.status).toBe(201);
    const last = await deploy({ preset: "browser", poolSize: 0 });
    expect(last).toMatchObject({ phase: "ready" });
    expect(last.tools).toBeGreaterThan(5);
    const state = await (await fetch(`${h!.server.url}/api/v1/servers/${NAME}/deployment`, { headers: { authorization: `Bearer ${h!.key}` } })).json();
    expect(state.settings).toMatchObject({ preset: "browser", limits: { addressSpaceMiB: 0 } });

    const client = new Client({ name: "t", version: "1" });
    await client.connect(new WebSocketClientTransport(new URL(h!.wsUrl(NAME, `api_key=${h!.key}`))));
    const r = (await client.callTool({ name: "browser_navigate", arguments: { url: `http://127.0.0.1:${page!.port}/` } })) as { content: { text: string }[]; isError?: boolean };
    const text = r.content.map((c) => c.text).join("\n");
    expect(r.isError ?? false, text).toBe(false);
    expect(text).toContain("Page Title: Hearth loopback page");
    expect(h!.hosting.supervisor.count()).toBe(1);
    await client.close();
    // Browser, renderers and the server: all gone with the session.
    expect(await waitUntil(() => h!.hosting.supervisor.count() === 0, 10_000)).toBe(true);
  }, 240_000);
});
