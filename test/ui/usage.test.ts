import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { WebSocketClientTransport } from "@modelcontextprotocol/sdk/client/websocket.js";
import { afterEach, describe, expect, it } from "bun:test";
import { usageHistory, utcDay } from "../../src/bridge/usage.ts";
import { findServer } from "../../src/registry/catalog.ts";
import { startHosted, type HostedInstance } from "../helpers/hosted.ts";
import { testApp } from "../helpers/app.ts";
import { adminWithKey } from "../helpers/registry.ts";
import { publish } from "./ui-helpers.ts";

let h: HostedInstance | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("usage", () => {
  it("counts sessions, tool calls, errors and latency per day, and charts them as SVG", async () => {
    h = await startHosted();
    h.deployFixture("io.github.test/echo", "echo-server.ts");
    const client = new Client({ name: "t", version: "1" });
    await client.connect(new WebSocketClientTransport(new URL(h.wsUrl("io.github.test/echo", `api_key=${h.key}`))));
    await client.callTool({ name: "echo", arguments: { message: "a" } });
    await client.callTool({ name: "echo", arguments: { message: "b" } });
    await client.callTool({ name: "no-such-tool", arguments: {} }).catch(() => undefined);
    await client.close();
    h.hosting.usage.flush();
    const server = findServer(h.ctx.dbh, { userId: null, isAdmin: true }, "io.github.test/echo");
    const today = usageHistory(h.ctx.dbh, server.id, 7).at(-1)!;
    expect(today).toMatchObject({ day: utcDay(Date.now()), sessions: 1, toolCalls: 3, errors: 1 });
    expect(today.avgLatencyMs).toBeGreaterThan(0);
    expect(server.useCount).toBe(3);
    const page = await fetch(`${h.server.url}/io.github.test/echo/usage`);
    expect(page.status).toBe(200);
    const body = await page.text();
    expect(body).toContain("Tool calls per day");
    expect((body.match(/<svg /g) ?? []).length).toBe(4);
    expect(body).toContain(`${utcDay(Date.now()).slice(5)}: 3</title>`);
  });

  it("sums counts over the period, but weighs the error rate and average latency by calls instead of adding them up", async () => {
    const t = testApp();
    try {
      const p = publish(t.ctx, (await adminWithKey(t.ctx)).user, "io.github.test/echo");
      const day = (ago: number) => utcDay(Date.now() - ago * 86_400_000);
      const insert = t.ctx.dbh.sqlite.query("INSERT INTO usage_daily (server_id, day, sessions, tool_calls, errors, latency_ms_sum, latency_count) VALUES (?, ?, ?, ?, ?, ?, ?)");
      insert.run(p.serverId, day(1), 1, 10, 5, 1000, 10); // 5 errors in 10 calls, 100 ms each
      insert.run(p.serverId, day(0), 1, 30, 0, 600, 30); // none in 30, 20 ms each: 5 of 40 is 12.5%, (1000 + 600) / 40 is 40 ms
      const body = await (await t.request("/io.github.test/echo/usage")).text();
      expect(body).toContain("Total over the period: 40</p>");
      expect(body).toContain("Over the period: 13%</p>");
      expect(body).toContain("Average over the period: 40 ms</p>");
      expect(body).not.toContain("Total over the period: 50%");
      expect(body).not.toContain("Total over the period: 120 ms");
    } finally {
      t.close();
    }
  });

  it("is 404 for an unknown server", async () => {
    h = await startHosted();
    expect((await fetch(`${h.server.url}/io.github.test/none/usage`)).status).toBe(404);
  });
});
