import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { WebSocketClientTransport } from "@modelcontextprotocol/sdk/client/websocket.js";
import { afterEach, describe, expect, it } from "bun:test";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { createApiKey } from "../../src/accounts/api-keys.ts";
import { startHosted, type HostedInstance } from "../helpers/hosted.ts";
import { plainUserWithKey } from "../helpers/registry.ts";

let h: HostedInstance | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

interface Family {
  name: string;
  metrics: { labels?: Record<string, string>; value?: string; count?: string; buckets?: Record<string, string> }[];
}

async function scrape(url: string, key: string): Promise<Map<string, Family>> {
  const r = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${key}` } });
  expect(r.status).toBe(200);
  const families = parsePrometheusTextFormat(await r.text()) as Family[];
  return new Map(families.map((f) => [f.name, f]));
}
// For histograms the parser keeps only buckets; the +Inf bucket is the observation count.
function sum(f: Family | undefined, filter: Record<string, string> = {}): number {
  return (f?.metrics ?? []).filter((m) => Object.entries(filter).every(([k, v]) => m.labels?.[k] === v)).reduce((a, m) => a + Number(m.value ?? m.count ?? m.buckets?.["+Inf"] ?? 0), 0);
}

describe("/metrics", () => {
  it("parses as Prometheus text, and the session series move when a session runs", async () => {
    h = await startHosted();
    h.deployFixture("io.github.test/echo", "echo-server.ts");
    const admin = createApiKey(h.ctx.dbh.db, 1, { name: "scraper", scopes: ["admin"] }).key;
    const before = await scrape(h.server.url, admin);
    const client = new Client({ name: "t", version: "1" });
    await client.connect(new WebSocketClientTransport(new URL(h.wsUrl("io.github.test/echo", `api_key=${h.key}`))));
    await client.callTool({ name: "echo", arguments: { message: "m" } });
    const during = await scrape(h.server.url, admin);
    await client.close();
    expect(sum(during.get("hearth_sessions_total"), { transport: "ws" })).toBe(sum(before.get("hearth_sessions_total"), { transport: "ws" }) + 1);
    expect(sum(during.get("hearth_sessions_open"), { transport: "ws" })).toBe(1);
    expect(sum(during.get("hearth_tool_calls_total"))).toBeGreaterThan(sum(before.get("hearth_tool_calls_total")));
    expect(sum(during.get("hearth_messages_total"), { direction: "to-server" })).toBeGreaterThanOrEqual(3);
    expect(sum(during.get("hearth_relay_request_seconds"))).toBeGreaterThanOrEqual(2);
    expect(sum(during.get("hearth_children"))).toBe(1);
    expect(sum(during.get("hearth_http_requests_total"), { route: "/metrics" })).toBeGreaterThanOrEqual(1);
  });

  it("is refused to anyone but admins", async () => {
    h = await startHosted();
    expect((await fetch(`${h.server.url}/metrics`)).status).toBe(401);
    const user = plainUserWithKey(h.ctx, "u@example.com", ["read"]);
    expect((await fetch(`${h.server.url}/metrics`, { headers: user.auth })).status).toBe(403);
  });
});
