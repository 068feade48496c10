import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterEach, describe, expect, it } from "bun:test";
import { createApiKey } from "../../src/accounts/api-keys.ts";
import { findUserByEmail } from "../../src/accounts/users.ts";
import { startHosted, type HostedInstance } from "../helpers/hosted.ts";
import { waitUntil } from "../helpers/processes.ts";
import { browserFor, form } from "../ui/ui-helpers.ts";

const NAME = "io.github.test/echo";
let h: HostedInstance | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

// Revoking through the account page, as a user would.
async function revokeInUi(h: HostedInstance, id: number) {
  const b = browserFor(h.ctx, findUserByEmail(h.ctx.dbh.db, "admin@example.com")!);
  const r = await fetch(`${h.server.url}/account/keys/${id}/revoke`, { method: "POST", body: form({ _csrf: b.csrf }), headers: { "content-type": "application/x-www-form-urlencoded", cookie: b.cookie, origin: h.server.url }, redirect: "manual" });
  expect(r.status).toBe(303);
}

describe("revoking a key ends its open sessions at once", () => {
  it("over Streamable HTTP: the very next request is refused", async () => {
    h = await startHosted();
    h.deployFixture(NAME, "echo-server.ts");
    const { key, id } = createApiKey(h.ctx.dbh.db, 1, { name: "short-lived", scopes: ["connect"] });
    const client = new Client({ name: "t", version: "1" });
    const transport = new StreamableHTTPClientTransport(new URL(h.httpUrl(NAME)), { requestInit: { headers: { authorization: `Bearer ${key}` } } });
    await client.connect(transport);
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    await revokeInUi(h, id);
    const started = Date.now();
    await expect(client.listTools()).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1000);
    await client.close().catch(() => undefined);
  });

  it("a session opened with a key another key made ends when that other key is revoked", async () => {
    h = await startHosted();
    h.deployFixture(NAME, "echo-server.ts");
    const parent = createApiKey(h.ctx.dbh.db, 1, { name: "laptop", scopes: ["read", "connect"] });
    const made = await fetch(`${h.server.url}/api/v1/keys`, { method: "POST", headers: { authorization: `Bearer ${parent.key}`, "content-type": "application/json" }, body: JSON.stringify({ name: "copy", scopes: ["connect"] }) });
    expect(made.status).toBe(201);
    const { key } = (await made.json()) as { key: string };
    const client = new Client({ name: "t", version: "1" });
    const transport = new StreamableHTTPClientTransport(new URL(h.httpUrl(NAME)), { requestInit: { headers: { authorization: `Bearer ${key}` } } });
    await client.connect(transport);
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    await revokeInUi(h, parent.id);
    await expect(client.listTools()).rejects.toThrow();
    await client.close().catch(() => undefined);
  });

  it("over WebSocket: the next message closes it with 1008, without waiting for the re-check interval", async () => {
    h = await startHosted();
    h.deployFixture(NAME, "echo-server.ts");
    const { key, id } = createApiKey(h.ctx.dbh.db, 1, { name: "short-lived", scopes: ["connect"] });
    const ws = new WebSocket(h.wsUrl(NAME, `api_key=${key}`), ["mcp"]);
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = reject;
    });
    const closed = new Promise<number>((resolve) => ws.addEventListener("close", (e) => resolve(e.code), { once: true }));
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } } }));
    await new Promise((resolve) => ws.addEventListener("message", resolve, { once: true }));
    await revokeInUi(h, id);
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 2, method: "ping" }));
    expect(await closed).toBe(1008);
    await waitUntil(() => h!.hosting.supervisor.count(NAME) === 0, 5000);
  });
});
