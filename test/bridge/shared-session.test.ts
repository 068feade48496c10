import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { WebSocketClientTransport } from "@modelcontextprotocol/sdk/client/websocket.js";
import { ListRootsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { startHosted, type HostedInstance } from "../helpers/hosted.ts";
import { descendantsOf, waitUntil } from "../helpers/processes.ts";

let h: HostedInstance;
beforeEach(async () => {
  h = await startHosted();
  h.deployFixture("io.github.test/shared-echo", "echo-server.ts", {}, { sessionPolicy: "shared", poolSize: 0 });
  h.deployFixture("io.github.test/shared-roots", "roots-server.ts", {}, { sessionPolicy: "shared", poolSize: 0 });
  h.deployFixture("io.github.test/shared-null-id", "null-id-server.ts", {}, { sessionPolicy: "shared", poolSize: 0 });
});
afterEach(async () => {
  await h.close();
  expect(descendantsOf(process.pid)).toEqual([]);
});

async function connect(name: string, roots?: string[]): Promise<Client> {
  const client = new Client({ name: "t", version: "1" }, { capabilities: roots ? { roots: {} } : {} });
  if (roots) client.setRequestHandler(ListRootsRequestSchema, async () => ({ roots: roots.map((r) => ({ uri: `file:///${r}`, name: r })) }));
  await client.connect(new WebSocketClientTransport(new URL(h.wsUrl(name, `api_key=${h.key}`))));
  return client;
}
// rawSession opens a raw WebSocket and records every frame it gets, parsed.
async function rawSession(name: string): Promise<{ ws: WebSocket; got: Record<string, unknown>[]; answer: (id: number) => Promise<void> }> {
  const ws = new WebSocket(h.wsUrl(name, `api_key=${h.key}`), ["mcp"]);
  const got: Record<string, unknown>[] = [];
  ws.addEventListener("message", (e) => got.push(JSON.parse(String(e.data))));
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = () => reject(new Error("websocket error"));
  });
  return { ws, got, answer: async (id) => void (await waitUntil(() => got.some((m) => m.id === id && !("method" in m)), 8000)) };
}
const text = (r: Record<string, unknown>) => (r.content as { text: string }[])[0]!.text;

describe("shared session policy", () => {
  it("serves two WebSocket sessions from one child, with interleaved calls whose ids collide, each answered to its own session", async () => {
    const a = await connect("io.github.test/shared-echo");
    const b = await connect("io.github.test/shared-echo");
    expect(h.hosting.supervisor.count("io.github.test/shared-echo")).toBe(1);
    // Both SDK clients number their requests from 0, so every id here exists in both sessions.
    const calls = Array.from({ length: 40 }, (_, i) => [
      a.callTool({ name: "echo", arguments: { message: `a${i}` } }),
      b.callTool({ name: "echo", arguments: { message: `b${i}` } }),
    ]).flat();
    const answers = (await Promise.all(calls)).map(text);
    expect(answers).toEqual(Array.from({ length: 40 }, (_, i) => [`a${i}`, `b${i}`]).flat());
    await Promise.all([a.close(), b.close()]);
  });

  it("routes progress notifications to the session whose call they belong to, even with the same token", async () => {
    const a = await connect("io.github.test/shared-echo");
    const b = await connect("io.github.test/shared-echo");
    const seen = { a: [] as number[], b: [] as number[] };
    await Promise.all([
      a.callTool({ name: "slow", arguments: { steps: 3, delayMs: 20 } }, undefined, { onprogress: (p) => seen.a.push(p.progress) }),
      b.callTool({ name: "slow", arguments: { steps: 5, delayMs: 10 } }, undefined, { onprogress: (p) => seen.b.push(p.progress) }),
    ]);
    expect(seen).toEqual({ a: [1, 2, 3], b: [1, 2, 3, 4, 5] });
    await Promise.all([a.close(), b.close()]);
  });

  it("initialises the child once and answers every later session's initialize from the cached result", async () => {
    const a = await connect("io.github.test/shared-roots");
    const b = await connect("io.github.test/shared-roots");
    const c = await connect("io.github.test/shared-roots");
    expect(b.getServerVersion()).toEqual(a.getServerVersion());
    expect(c.getServerVersion()).toMatchObject({ name: "hearth-roots" });
    const seen = [a, b, c].map(async (x) => JSON.parse(text(await x.callTool({ name: "pid", arguments: {} }))) as { pid: number; initializes: number });
    const infos = await Promise.all(seen);
    expect(new Set(infos.map((i) => i.pid)).size).toBe(1);
    expect(infos.map((i) => i.initializes)).toEqual([1, 1, 1]);
    await Promise.all([a.close(), b.close(), c.close()]);
  });

  it("sends a server→client request to the session whose call is in flight, and its answer back to the child", async () => {
    const a = await connect("io.github.test/shared-roots", ["alpha"]);
    const b = await connect("io.github.test/shared-roots", ["beta", "gamma"]);
    expect(text(await b.callTool({ name: "roots", arguments: {} }))).toBe("beta,gamma");
    expect(text(await a.callTool({ name: "roots", arguments: {} }))).toBe("alpha");
    await Promise.all([a.close(), b.close()]);
  });

  it("keeps the child when one session closes, and ends it with the last", async () => {
    const a = await connect("io.github.test/shared-roots");
    const b = await connect("io.github.test/shared-roots");
    const before = JSON.parse(text(await a.callTool({ name: "pid", arguments: {} }))).pid as number;
    await a.close();
    await Bun.sleep(100);
    const after = JSON.parse(text(await b.callTool({ name: "pid", arguments: {} }))).pid as number;
    expect(after).toBe(before);
    expect(h.hosting.supervisor.count("io.github.test/shared-roots")).toBe(1);
    await b.close();
    expect(await waitUntil(() => h.hosting.supervisor.count("io.github.test/shared-roots") === 0, 8000)).toBe(true);
    // A new session after that starts a fresh child.
    const c = await connect("io.github.test/shared-roots");
    expect(JSON.parse(text(await c.callTool({ name: "pid", arguments: {} }))).pid).not.toBe(before);
    await c.close();
  });

  it("shares the child between a Streamable HTTP session and a WebSocket session", async () => {
    const ws = await connect("io.github.test/shared-roots");
    const http = new Client({ name: "t", version: "1" });
    await http.connect(new StreamableHTTPClientTransport(new URL(h.httpUrl("io.github.test/shared-roots")), { requestInit: { headers: { authorization: `Bearer ${h.key}` } } }));
    const [a, b] = await Promise.all([ws, http].map(async (c) => JSON.parse(text(await c.callTool({ name: "pid", arguments: {} }))).pid as number));
    expect(a).toBe(b);
    expect(h.hosting.supervisor.count("io.github.test/shared-roots")).toBe(1);
    await Promise.all([ws.close(), http.close()]);
  });

  it("caps a shared child at the server's max sessions", async () => {
    h.ctx.dbh.sqlite.query("UPDATE deployments SET settings = json_set(settings, '$.maxSessions', 2) WHERE server_id = (SELECT id FROM servers WHERE qualified_name = ?)").run("io.github.test/shared-echo");
    const a = await connect("io.github.test/shared-echo");
    const b = await connect("io.github.test/shared-echo");
    const refused = await fetch(h.wsUrl("io.github.test/shared-echo", `api_key=${h.key}`).replace(/^ws/, "http"), { headers: { upgrade: "websocket", connection: "upgrade", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", "sec-websocket-version": "13" } });
    expect(refused.status).toBe(503);
    await Promise.all([a.close(), b.close()]);
  });

  it("drops a child's response with id null (it belongs to no session) instead of sending it to every session", async () => {
    const a = await rawSession("io.github.test/shared-null-id");
    const b = await rawSession("io.github.test/shared-null-id");
    const init = (id: number) => JSON.stringify({ jsonrpc: "2.0", id, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } } });
    a.ws.send(init(1));
    b.ws.send(init(1));
    await Promise.all([a.answer(1), b.answer(1)]);
    // Each ping makes the child write an id:null error just before its answer, so once both answers
    // are in, any broadcast of those errors has arrived too.
    a.ws.send(JSON.stringify({ jsonrpc: "2.0", id: 2, method: "ping" }));
    await a.answer(2);
    b.ws.send(JSON.stringify({ jsonrpc: "2.0", id: 2, method: "ping" }));
    await b.answer(2);
    expect(h.hosting.supervisor.count("io.github.test/shared-null-id")).toBe(1);
    expect(a.got).toEqual([expect.objectContaining({ id: 1 }), { jsonrpc: "2.0", id: 2, result: {} }]);
    expect(b.got).toEqual([expect.objectContaining({ id: 1 }), { jsonrpc: "2.0", id: 2, result: {} }]);
    a.ws.close();
    b.ws.close();
  });
});
