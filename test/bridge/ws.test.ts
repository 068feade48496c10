import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { WebSocketClientTransport } from "@modelcontextprotocol/sdk/client/websocket.js";
import { afterEach, describe, expect, it } from "bun:test";
import { startHosted, type HostedInstance } from "../helpers/hosted.ts";

let h: HostedInstance | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function rawSocket(url: string, protocols: string[] = ["mcp"]): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols);
    ws.onopen = () => resolve(ws);
    ws.onerror = () => reject(new Error("websocket error"));
  });
}
function nextMessage(ws: WebSocket): Promise<string> {
  return new Promise((resolve) => ws.addEventListener("message", (e) => resolve(String(e.data)), { once: true }));
}
function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.addEventListener("close", (e) => resolve({ code: e.code, reason: e.reason }), { once: true }));
}
const init = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } } });

describe("WebSocket bridge", () => {
  it("works with the SDK's WebSocketClientTransport unchanged: initialize, tools/list, echo, progress", async () => {
    h = await startHosted();
    h.deployFixture("io.github.test/echo", "echo-server.ts");
    const client = new Client({ name: "t", version: "1" });
    await client.connect(new WebSocketClientTransport(new URL(h.wsUrl("io.github.test/echo", `api_key=${h.key}`))));
    const tools = await client.listTools();
    expect(tools.tools.map((t) => t.name).sort()).toEqual(["add", "echo", "slow"]);
    const r = await client.callTool({ name: "echo", arguments: { message: "héllo 👋 \u2028 big 12345678901234567890" } });
    expect(r.content).toEqual([{ type: "text", text: "héllo 👋 \u2028 big 12345678901234567890" }]);
    const progress: number[] = [];
    await client.callTool({ name: "slow", arguments: { steps: 3, delayMs: 5 } }, undefined, { onprogress: (p) => progress.push(p.progress) });
    expect(progress).toEqual([1, 2, 3]);
    const res = await client.readResource({ uri: "hearth://echo/greeting" });
    expect(res.contents[0]).toMatchObject({ text: "hello from hearth-echo" });
    await client.close();
  });

  it("echoes the mcp subprotocol and relays frames byte for byte", async () => {
    h = await startHosted();
    h.deployFixture("io.github.test/echo", "echo-server.ts");
    const ws = await rawSocket(h.wsUrl("io.github.test/echo", `api_key=${h.key}`));
    expect(ws.protocol).toBe("mcp");
    ws.send(init);
    const reply = await nextMessage(ws);
    expect(JSON.parse(reply)).toMatchObject({ id: 1, result: { serverInfo: { name: "hearth-echo" } } });
    ws.close();
  });

  it("answers invalid JSON and batches with JSON-RPC errors and stays open", async () => {
    h = await startHosted();
    h.deployFixture("io.github.test/echo", "echo-server.ts");
    const ws = await rawSocket(h.wsUrl("io.github.test/echo", `api_key=${h.key}`));
    ws.send("{nope");
    expect(JSON.parse(await nextMessage(ws)).error.code).toBe(-32700);
    ws.send(JSON.stringify([{ jsonrpc: "2.0", id: 1, method: "ping" }]));
    expect(JSON.parse(await nextMessage(ws)).error.code).toBe(-32600);
    ws.send(init);
    expect(JSON.parse(await nextMessage(ws)).id).toBe(1);
    ws.close();
  });

  it("closes binary frames with 1003", async () => {
    h = await startHosted();
    h.deployFixture("io.github.test/echo", "echo-server.ts");
    const ws = await rawSocket(h.wsUrl("io.github.test/echo", `api_key=${h.key}`));
    const done = closed(ws);
    ws.send(new Uint8Array([1, 2, 3]));
    expect((await done).code).toBe(1003);
  });

  it("fails in-flight requests with the stderr tail and closes 1011 when the child dies", async () => {
    h = await startHosted();
    h.deployFixture("io.github.test/crash", "crash-mid-call.ts");
    const ws = await rawSocket(h.wsUrl("io.github.test/crash", `api_key=${h.key}`));
    const done = closed(ws);
    ws.send(init);
    await nextMessage(ws);
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: "crash", arguments: {} } }));
    const err = JSON.parse(await nextMessage(ws));
    expect(err.id).toBe(7);
    expect(err.error.message).toContain("ended");
    expect((await done).code).toBe(1011);
  });

  it("announces the idle timeout, then closes 1001", async () => {
    h = await startHosted();
    h.deployFixture("io.github.test/echo", "echo-server.ts", {}, { idleTimeoutSec: 1 });
    const ws = await rawSocket(h.wsUrl("io.github.test/echo", `api_key=${h.key}`));
    const done = closed(ws);
    const notice = JSON.parse(await nextMessage(ws));
    expect(notice).toMatchObject({ method: "notifications/message", params: { level: "info", logger: "hearth" } });
    expect((await done).code).toBe(1001);
  });

  it("refuses before any child starts: no key 401, unknown server 404, undeployed 404, bad key 401", async () => {
    h = await startHosted();
    h.deployFixture("io.github.test/echo", "echo-server.ts");
    const status = async (url: string) => (await fetch(url.replace(/^ws/, "http"), { headers: { upgrade: "websocket", connection: "upgrade", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", "sec-websocket-version": "13" } })).status;
    expect(await status(h.wsUrl("io.github.test/echo"))).toBe(401);
    expect(await status(h.wsUrl("io.github.test/echo", "api_key=hth_bad"))).toBe(401);
    expect(await status(h.wsUrl("io.github.test/nope", `api_key=${h.key}`))).toBe(404);
    expect(h.hosting.supervisor.count()).toBe(0);
  });

  it("refuses a config that fails the schema with 422 in Smithery's shape", async () => {
    h = await startHosted();
    h.deployFixture("io.github.test/needs", "echo-server.ts", {
      packages: [{ registryType: "npm", identifier: "@t/needs", version: "1.0.0", transport: { type: "stdio" }, environmentVariables: [{ name: "TOKEN", isRequired: true, isSecret: true }] }],
    });
    const r = await fetch(h.wsUrl("io.github.test/needs", `api_key=${h.key}&config=${btoa(JSON.stringify({ other: 1 }))}`).replace(/^ws/, "http"), { headers: { upgrade: "websocket", connection: "upgrade", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", "sec-websocket-version": "13" } });
    expect(r.status).toBe(422);
    const body = await r.json();
    expect(body).toMatchObject({ title: "Invalid configuration", status: 422 });
    expect(body.configSchema).toBeTruthy();
    expect(body.errors[0]).toHaveProperty("pointer");
    const notB64 = await fetch(h.wsUrl("io.github.test/needs", `api_key=${h.key}&config=%%%`).replace(/^ws/, "http"), { headers: { upgrade: "websocket" } });
    expect(notB64.status).toBe(422);
    expect(h.hosting.supervisor.count()).toBe(0);
  });

  it("closes a frame over the message limit (1009) and stays up for others", async () => {
    h = await startHosted();
    h.deployFixture("io.github.test/echo", "echo-server.ts");
    const ws = await rawSocket(h.wsUrl("io.github.test/echo", `api_key=${h.key}`));
    const done = closed(ws);
    ws.send("x".repeat(17 * 1024 * 1024));
    expect((await done).code).toBe(1009);
    const again = await rawSocket(h.wsUrl("io.github.test/echo", `api_key=${h.key}`));
    again.send(init);
    expect(JSON.parse(await nextMessage(again)).id).toBe(1);
    again.close();
  });

  it("relays a request sent before initialize to the server, which answers it (the bridge is transparent)", async () => {
    h = await startHosted();
    h.deployFixture("io.github.test/echo", "echo-server.ts");
    const ws = await rawSocket(h.wsUrl("io.github.test/echo", `api_key=${h.key}`));
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 9, method: "tools/list" }));
    const reply = JSON.parse(await nextMessage(ws));
    expect(reply.id).toBe(9);
    ws.close();
  });

  it("answers 500 parallel requests on one session, each once", async () => {
    h = await startHosted();
    h.deployFixture("io.github.test/echo", "echo-server.ts");
    const client = new Client({ name: "t", version: "1" });
    await client.connect(new WebSocketClientTransport(new URL(h.wsUrl("io.github.test/echo", `api_key=${h.key}`))));
    const results = await Promise.all(Array.from({ length: 500 }, (_, i) => client.callTool({ name: "echo", arguments: { message: `m${i}` } })));
    expect(results.map((r) => (r.content as { text: string }[])[0]!.text)).toEqual(Array.from({ length: 500 }, (_, i) => `m${i}`));
    await client.close();
  });

  it("refuses a config with a wrong-typed field (422) and passes dot-notation values to the child", async () => {
    h = await startHosted();
    h.deployFixture("io.github.test/typed", "echo-server.ts", {
      packages: [{ registryType: "npm", identifier: "@t/typed", version: "1.0.0", transport: { type: "stdio" }, environmentVariables: [{ name: "PORT", format: "number", isRequired: true }] }],
    });
    const upgrade = { upgrade: "websocket", connection: "upgrade", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", "sec-websocket-version": "13" };
    const bad = await fetch(h.wsUrl("io.github.test/typed", `api_key=${h.key}&PORT=%22abc%22`).replace(/^ws/, "http"), { headers: upgrade });
    expect(bad.status).toBe(422);
    const ws = await rawSocket(h.wsUrl("io.github.test/typed", `api_key=${h.key}&PORT=8080`));
    ws.send(init);
    expect(JSON.parse(await nextMessage(ws)).id).toBe(1);
    ws.close();
  });

  it("ends an open session on its next message once its key is revoked (1008)", async () => {
    h = await startHosted();
    h.deployFixture("io.github.test/echo", "echo-server.ts");
    const { createApiKey, revokeApiKey } = await import("../../src/accounts/api-keys.ts");
    const { key, id } = createApiKey(h.ctx.dbh.db, 1, { name: "short-lived", scopes: ["connect"] });
    const ws = await rawSocket(h.wsUrl("io.github.test/echo", `api_key=${key}`));
    ws.send(init);
    expect(JSON.parse(await nextMessage(ws)).id).toBe(1);
    revokeApiKey(h.ctx.dbh.db, id);
    await Bun.sleep(1100);
    const done = closed(ws);
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 2, method: "ping" }));
    expect(await done).toMatchObject({ code: 1008 });
  });

  it("ends the child when the client disconnects mid-call", async () => {
    h = await startHosted();
    h.deployFixture("io.github.test/echo", "echo-server.ts");
    const ws = await rawSocket(h.wsUrl("io.github.test/echo", `api_key=${h.key}`));
    ws.send(init);
    await nextMessage(ws);
    expect(h.hosting.supervisor.count()).toBe(1);
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "slow", arguments: { steps: 50, delayMs: 100 } } }));
    ws.close();
    const deadline = Date.now() + 8000;
    while (h.hosting.supervisor.count() > 0 && Date.now() < deadline) await Bun.sleep(50);
    expect(h.hosting.supervisor.count()).toBe(0);
  });
});
