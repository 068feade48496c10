import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CreateMessageRequestSchema, ElicitRequestSchema, SUPPORTED_PROTOCOL_VERSIONS as SDK_VERSIONS } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "bun:test";
import { join } from "node:path";
import { EventRing } from "../../src/bridge/event-ring.ts";
import { SseSink } from "../../src/bridge/sse-sink.ts";
import { SUPPORTED_PROTOCOL_VERSIONS } from "../../src/bridge/streamable-http.ts";
import { FIXTURES, startHosted, type HostedInstance } from "../helpers/hosted.ts";
import { plainUserWithKey } from "../helpers/registry.ts";

const ECHO = "io.github.test/echo";
const V = "2025-11-25";
let h: HostedInstance | undefined;

// Every test must leave no child behind: sessions end by DELETE, child exit or a timeout.
afterEach(async () => {
  if (!h) return;
  const deadline = Date.now() + 8000;
  while (h.hosting.supervisor.count() > 0 && Date.now() < deadline) await Bun.sleep(25);
  const left = h.hosting.supervisor.count();
  await h.close();
  h = undefined;
  expect(left).toBe(0);
});

interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

async function* sseEvents(res: Response): AsyncGenerator<SseEvent> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buf = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += value;
    for (let i = buf.indexOf("\n\n"); i >= 0; i = buf.indexOf("\n\n")) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const lines = block.split("\n").filter((l) => !l.startsWith(":"));
      if (lines.length === 0) continue; // a comment (keep-alive)
      const ev: SseEvent = { data: "" };
      const data: string[] = [];
      for (const line of lines) {
        const at = line.indexOf(":");
        const [k, v] = at < 0 ? [line, ""] : [line.slice(0, at), line.slice(at + 1).replace(/^ /, "")];
        if (k === "id") ev.id = v;
        else if (k === "event") ev.event = v;
        else if (k === "data") data.push(v);
      }
      ev.data = data.join("\n");
      yield ev;
    }
  }
}

async function collect(res: Response): Promise<SseEvent[]> {
  const out: SseEvent[] = [];
  for await (const e of sseEvents(res)) out.push(e);
  return out;
}

const messages = (events: SseEvent[]) => events.filter((e) => e.data !== "").map((e) => JSON.parse(e.data));

function rpc(name: string, body: unknown, headers: Record<string, string> = {}, init: RequestInit = {}): Promise<Response> {
  return fetch(h!.httpUrl(name), {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${h!.key}`, ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
    ...init,
  });
}

function listen(name: string, sid: string, headers: Record<string, string> = {}, init: RequestInit = {}): Promise<Response> {
  return fetch(h!.httpUrl(name), { headers: { accept: "text/event-stream", authorization: `Bearer ${h!.key}`, "mcp-session-id": sid, "mcp-protocol-version": V, ...headers }, ...init });
}

function end(name: string, sid: string): Promise<Response> {
  return fetch(h!.httpUrl(name), { method: "DELETE", headers: { authorization: `Bearer ${h!.key}`, "mcp-session-id": sid } });
}

const initMsg = (version = V) => ({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: version, capabilities: {}, clientInfo: { name: "t", version: "1" } } });

/** initialize opens a raw session and sends notifications/initialized; returns the session id and the session headers. */
async function initialize(name: string, accept = "application/json, text/event-stream"): Promise<{ sid: string; headers: Record<string, string>; result: unknown }> {
  const res = await rpc(name, initMsg(), { accept });
  expect(res.status).toBe(200);
  const sid = res.headers.get("mcp-session-id")!;
  expect(sid).toMatch(/^[\x21-\x7e]{32,}$/);
  const body = res.headers.get("content-type")!.startsWith("text/event-stream") ? messages(await collect(res))[0] : await res.json();
  const headers = { "mcp-session-id": sid, "mcp-protocol-version": V };
  expect((await rpc(name, { jsonrpc: "2.0", method: "notifications/initialized" }, headers)).status).toBe(202);
  return { sid, headers, result: body };
}

function sdkClient(name: string): { client: Client; transport: StreamableHTTPClientTransport } {
  const transport = new StreamableHTTPClientTransport(new URL(h!.httpUrl(name)), { requestInit: { headers: { authorization: `Bearer ${h!.key}` } } });
  return { client: new Client({ name: "t", version: "1" }), transport };
}

describe("Streamable HTTP bridge: the SDK client", () => {
  it("initializes, lists tools, echoes, streams progress, reads a resource, counts tool calls, and DELETE ends the child", async () => {
    h = await startHosted();
    h.deployFixture(ECHO, "echo-server.ts");
    const { client, transport } = sdkClient(ECHO);
    await client.connect(transport);
    expect(transport.sessionId).toBeTruthy();
    expect(h.hosting.supervisor.count()).toBe(1);
    const tools = await client.listTools();
    expect(tools.tools.map((t) => t.name).sort()).toEqual(["add", "echo", "slow"]);
    const text = "héllo 👋 \u2028 big 12345678901234567890 \u0000 \"quoted\"";
    const r = await client.callTool({ name: "echo", arguments: { message: text } });
    expect(r.content).toEqual([{ type: "text", text }]);
    const progress: number[] = [];
    await client.callTool({ name: "slow", arguments: { steps: 3, delayMs: 5 } }, undefined, { onprogress: (p) => progress.push(p.progress) });
    expect(progress).toEqual([1, 2, 3]);
    const res = await client.readResource({ uri: "hearth://echo/greeting" });
    expect(res.contents[0]).toMatchObject({ text: "hello from hearth-echo" });
    h.hosting.usage.flush();
    expect(h.ctx.dbh.sqlite.query("SELECT use_count AS n FROM servers").get()).toEqual({ n: 2 });
    await transport.terminateSession();
    await client.close();
    const deadline = Date.now() + 5000;
    while (h.hosting.supervisor.count() > 0 && Date.now() < deadline) await Bun.sleep(20);
    expect(h.hosting.supervisor.count()).toBe(0);
  });

  it("answers 20 parallel requests on one session, each on its own stream", async () => {
    h = await startHosted();
    h.deployFixture(ECHO, "echo-server.ts");
    const { client, transport } = sdkClient(ECHO);
    await client.connect(transport);
    const calls = Array.from({ length: 20 }, (_, i) => client.callTool({ name: i % 2 ? "echo" : "slow", arguments: i % 2 ? { message: `m${i}` } : { steps: 2, delayMs: 20 } }));
    const results = await Promise.all(calls);
    results.forEach((r, i) => expect(r.content).toEqual([{ type: "text", text: i % 2 ? `m${i}` : "done after 2 steps" }]));
    expect(h.hosting.supervisor.count()).toBe(1);
    await transport.terminateSession();
    await client.close();
  });
});

describe("Streamable HTTP bridge: server-to-client requests", () => {
  it("routes the child's sampling and elicitation requests to the client and its answers back (server-everything)", async () => {
    h = await startHosted();
    h.deployFixture("io.github.test/everything", "../../node_modules/@modelcontextprotocol/server-everything/dist/index.js");
    const transport = new StreamableHTTPClientTransport(new URL(h.httpUrl("io.github.test/everything")), { requestInit: { headers: { authorization: `Bearer ${h.key}` } } });
    const client = new Client({ name: "t", version: "1" }, { capabilities: { sampling: {}, elicitation: {} } });
    client.setRequestHandler(CreateMessageRequestSchema, async () => ({ model: "hearth-test", role: "assistant", content: { type: "text", text: "sampled via hearth" } }));
    client.setRequestHandler(ElicitRequestSchema, async () => ({ action: "decline" }));
    await client.connect(transport);
    // The sampling and elicitation tools are registered once the client is initialized.
    const deadline = Date.now() + 5000;
    let names: string[] = [];
    while (!names.includes("trigger-sampling-request") && Date.now() < deadline) {
      names = (await client.listTools()).tools.map((t) => t.name);
      if (!names.includes("trigger-sampling-request")) await Bun.sleep(50);
    }
    const sampled = await client.callTool({ name: "trigger-sampling-request", arguments: { prompt: "hi", maxTokens: 5 } });
    expect(JSON.stringify(sampled.content)).toContain("sampled via hearth");
    const elicited = await client.callTool({ name: "trigger-elicitation-request", arguments: {} });
    expect(JSON.stringify(elicited.content)).toContain("decline");
    await transport.terminateSession();
    await client.close();
  });
});

describe("Streamable HTTP bridge: raw HTTP", () => {
  it("relays the child's bytes unchanged: the SSE data equals what the child writes on stdout", async () => {
    h = await startHosted();
    h.deployFixture(ECHO, "echo-server.ts");
    // The largest safe integer as id (the SDK refuses unsafe ones), big and precise numbers inside the text.
    const call = '{"jsonrpc":"2.0","id":9007199254740991,"method":"tools/call","params":{"name":"echo","arguments":{"message":"h\\u00e9llo 👋 \u2028 \\ud83d\\ude00 12345678901234567890 1e400 0.1000000000000000055511151231257827"}}}';
    // The same lines straight to the fixture over stdio, as the reference.
    const direct = Bun.spawn([process.execPath, join(FIXTURES, "echo-server.ts")], { stdin: "pipe", stdout: "pipe", stderr: "ignore" });
    direct.stdin.write(`${JSON.stringify(initMsg())}\n{"jsonrpc":"2.0","method":"notifications/initialized"}\n${call}\n`);
    await direct.stdin.flush();
    const lines: string[] = [];
    const reader = direct.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let buf = "";
    while (lines.length < 2) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += value;
      for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) lines.push(buf.slice(0, i)), (buf = buf.slice(i + 1));
    }
    await direct.stdin.end();
    await direct.exited;
    expect(JSON.parse(lines[1]!).id).toBe(9007199254740991);
    const { headers } = await initialize(ECHO);
    const res = await rpc(ECHO, call, headers);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const events = (await collect(res)).filter((e) => e.data !== "");
    expect(events.map((e) => e.data)).toEqual([lines[1]!]);
    expect(events[0]!.event).toBe("message");
    await end(ECHO, headers["mcp-session-id"]!);
  });

  it("answers plain JSON to a client that accepts only application/json", async () => {
    h = await startHosted();
    h.deployFixture(ECHO, "echo-server.ts");
    const { headers, result } = await initialize(ECHO, "application/json");
    expect(result).toMatchObject({ id: 1, result: { serverInfo: { name: "hearth-echo" } } });
    const res = await rpc(ECHO, { jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "add", arguments: { a: 2, b: 3 } } }, { ...headers, accept: "application/json" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get("mcp-session-id")).toBe(headers["mcp-session-id"]!);
    expect(await res.json()).toMatchObject({ id: 2, result: { content: [{ type: "text", text: "5" }] } });
    expect((await end(ECHO, headers["mcp-session-id"]!)).status).toBe(200);
  });

  it("refuses malformed traffic with the right status and a JSON-RPC error, without starting a child", async () => {
    h = await startHosted();
    h.deployFixture(ECHO, "echo-server.ts");
    const cases: [string, () => Promise<Response>, number, number | undefined, string?][] = [
      ["no session id", () => rpc(ECHO, { jsonrpc: "2.0", id: 2, method: "tools/list" }), 400, -32000],
      ["unknown session id", () => rpc(ECHO, { jsonrpc: "2.0", id: 2, method: "tools/list" }, { "mcp-session-id": "nope" }), 404, -32001],
      ["invalid JSON", () => rpc(ECHO, "{nope"), 400, -32700],
      ["a batch", () => rpc(ECHO, [{ jsonrpc: "2.0", id: 1, method: "ping" }]), 400, -32600, "batches are not part of MCP"],
      ["not JSON-RPC 2.0", () => rpc(ECHO, { id: 1, method: "ping" }), 400, -32600],
      ["a foreign Origin", () => rpc(ECHO, initMsg(), { origin: "https://evil.example" }), 403, -32000],
      ["an opaque Origin", () => rpc(ECHO, initMsg(), { origin: "null" }), 403, -32000],
      ["a foreign Host (DNS rebinding)", () => rpc(ECHO, initMsg(), { host: "evil.example" }), 403, -32000],
      ["text/plain", () => rpc(ECHO, initMsg(), { "content-type": "text/plain" }), 415, -32000],
      ["Accept: text/html", () => rpc(ECHO, initMsg(), { accept: "text/html" }), 406, -32000],
      ["PUT", () => rpc(ECHO, initMsg(), {}, { method: "PUT" }), 405, -32000],
      ["GET without a session", () => fetch(h!.httpUrl(ECHO), { headers: { accept: "text/event-stream", authorization: `Bearer ${h!.key}` } }), 400, -32000],
      ["DELETE without a session", () => fetch(h!.httpUrl(ECHO), { method: "DELETE", headers: { authorization: `Bearer ${h!.key}` } }), 400, -32000],
      ["initialize without a key", () => rpc(ECHO, initMsg(), { authorization: "" }), 401, undefined],
      ["initialize for an unknown server", () => rpc("io.github.test/nope", initMsg()), 404, undefined],
    ];
    for (const [what, send, status, code, says] of cases) {
      const res = await send();
      expect({ what, status: res.status }).toEqual({ what, status });
      const body = (await res.json()) as { error: { code: number; message: string } | string };
      if (code !== undefined) expect({ what, code: (body.error as { code: number }).code }).toEqual({ what, code });
      if (says) expect((body.error as { message: string }).message).toContain(says);
    }
    expect(h.hosting.supervisor.count()).toBe(0);
  });

  it("allows the public URL's origin and loopback origins, with CORS headers and a preflight", async () => {
    h = await startHosted();
    h.deployFixture(ECHO, "echo-server.ts");
    const origin = new URL(h.ctx.config.publicUrl).origin;
    const pre = await fetch(h.httpUrl(ECHO), { method: "OPTIONS", headers: { origin: "http://localhost:6274", "access-control-request-method": "POST" } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-headers")).toContain("mcp-session-id");
    const res = await rpc(ECHO, initMsg(), { origin, accept: "application/json" });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe(origin);
    expect(res.headers.get("access-control-expose-headers")).toContain("mcp-session-id");
    const sid = res.headers.get("mcp-session-id")!;
    const local = await rpc(ECHO, { jsonrpc: "2.0", id: 2, method: "ping" }, { origin: "http://localhost:6274", "mcp-session-id": sid, accept: "application/json" });
    expect(local.status).toBe(200);
    expect(await local.json()).toMatchObject({ id: 2, result: {} });
    await end(ECHO, sid);
  });

  it("accepts the MCP-Protocol-Version values the bundled SDK speaks", () => {
    expect([...SUPPORTED_PROTOCOL_VERSIONS]).toEqual([...SDK_VERSIONS]);
  });

  it("checks the session: another user's key gets 404, an unsupported MCP-Protocol-Version 400, initialize with a session id 400", async () => {
    h = await startHosted();
    h.deployFixture(ECHO, "echo-server.ts");
    const { headers } = await initialize(ECHO);
    const other = plainUserWithKey(h.ctx, "other@example.com");
    const stolen = await rpc(ECHO, { jsonrpc: "2.0", id: 2, method: "tools/list" }, { ...headers, authorization: other.auth.authorization });
    expect(stolen.status).toBe(404);
    const wrongPath = await fetch(h.httpUrl("io.github.test/other"), { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${h.key}`, ...headers }, body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "ping" }) });
    expect(wrongPath.status).toBe(404);
    const badVersion = await rpc(ECHO, { jsonrpc: "2.0", id: 2, method: "tools/list" }, { ...headers, "mcp-protocol-version": "1999-01-01" });
    expect(badVersion.status).toBe(400);
    expect(((await badVersion.json()) as { error: { message: string } }).error.message).toContain("1999-01-01");
    const reinit = await rpc(ECHO, initMsg(), headers);
    expect(reinit.status).toBe(400);
    const noVersionHeader = await rpc(ECHO, { jsonrpc: "2.0", id: 3, method: "ping" }, { "mcp-session-id": headers["mcp-session-id"]! });
    expect(messages(await collect(noVersionHeader))).toEqual([{ jsonrpc: "2.0", id: 3, result: {} }]);
    expect((await end(ECHO, headers["mcp-session-id"]!)).status).toBe(200);
    const after = await rpc(ECHO, { jsonrpc: "2.0", id: 4, method: "ping" }, headers);
    expect(after.status).toBe(404);
  });

  it("refuses a config that fails the schema with 422 in Smithery's shape, before any child starts", async () => {
    h = await startHosted();
    h.deployFixture("io.github.test/needs", "echo-server.ts", {
      packages: [{ registryType: "npm", identifier: "@t/needs", version: "1.0.0", transport: { type: "stdio" }, environmentVariables: [{ name: "TOKEN", isRequired: true, isSecret: true }] }],
    });
    const res = await fetch(h.httpUrl("io.github.test/needs", `config=${btoa(JSON.stringify({ other: 1 }))}`), {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${h.key}` },
      body: JSON.stringify(initMsg()),
    });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ title: "Invalid configuration", status: 422 });
    expect(h.hosting.supervisor.count()).toBe(0);
  });
});

describe("Streamable HTTP bridge: revision 2026-07-28 clients", () => {
  it("answers a sessionless modern request with a 400 that is no modern error, so the client falls back to initialize", async () => {
    h = await startHosted();
    h.deployFixture(ECHO, "echo-server.ts");
    const modern = {
      jsonrpc: "2.0",
      id: 1,
      method: "tools/list",
      params: { _meta: { "io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientInfo": { name: "t", version: "1" }, "io.modelcontextprotocol/clientCapabilities": {} } },
    };
    const res = await rpc(ECHO, modern, { "mcp-protocol-version": "2026-07-28", "mcp-method": "tools/list" });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error?: { code: number; message: string } };
    // What a dual-era client checks (transports/streamable-http "Backward Compatibility"): a
    // recognised modern error (header mismatch, missing capability, unsupported version, in the
    // draft's old and new numbering) means "modern server"; anything else means "fall back".
    const modernCodes = [-32001, -32003, -32004, -32020, -32021, -32022];
    expect(modernCodes).not.toContain(body.error!.code);
    expect(body.error!.message).toContain("initialize");
    expect(h.hosting.supervisor.count()).toBe(0);
    // The fallback: initialize as a 2025-11-25 client, then the same request in the session.
    const { headers } = await initialize(ECHO);
    const tools = messages(await collect(await rpc(ECHO, { jsonrpc: "2.0", id: 2, method: "tools/list" }, headers)));
    expect(tools[0].result.tools.map((t: { name: string }) => t.name).sort()).toEqual(["add", "echo", "slow"]);
    await end(ECHO, headers["mcp-session-id"]!);
  });
});

describe("Streamable HTTP bridge: resumption", () => {
  it("replays a request stream after Last-Event-ID: what was missed, once, then 204 when nothing is left", async () => {
    h = await startHosted();
    h.deployFixture(ECHO, "echo-server.ts");
    const { headers } = await initialize(ECHO);
    const ac = new AbortController();
    const call = { jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "slow", arguments: { steps: 4, delayMs: 150 }, _meta: { progressToken: "p1" } } };
    const res = await rpc(ECHO, call, headers, { signal: ac.signal });
    const it1 = sseEvents(res);
    const prime = (await it1.next()).value as SseEvent;
    expect(prime.data).toBe("");
    expect(prime.id).toMatch(/^\d+\.\d+$/);
    const first = (await it1.next()).value as SseEvent;
    expect(JSON.parse(first.data)).toMatchObject({ method: "notifications/progress", params: { progressToken: "p1", progress: 1 } });
    ac.abort();
    await Bun.sleep(250);
    const resumed = await listen(ECHO, headers["mcp-session-id"]!, { "last-event-id": first.id! });
    expect(resumed.status).toBe(200);
    const rest = await collect(resumed);
    const msgs = messages(rest);
    expect(msgs.slice(0, -1).map((m) => m.params.progress)).toEqual([2, 3, 4]);
    expect(msgs.at(-1)).toMatchObject({ id: 2, result: { content: [{ type: "text", text: "done after 4 steps" }] } });
    const ids = rest.map((e) => e.id);
    expect(new Set([prime.id, first.id, ...ids]).size).toBe(ids.length + 2);
    const again = await listen(ECHO, headers["mcp-session-id"]!, { "last-event-id": rest.at(-1)!.id! });
    expect(again.status).toBe(204);
    const unknown = await listen(ECHO, headers["mcp-session-id"]!, { "last-event-id": "99.1" });
    expect(unknown.status).toBe(400);
    await end(ECHO, headers["mcp-session-id"]!);
  });

  it("keeps GET-stream messages while the client is away and replays them on reconnect", async () => {
    h = await startHosted();
    h.deployFixture(ECHO, "echo-server.ts");
    const { headers } = await initialize(ECHO);
    const sid = headers["mcp-session-id"]!;
    const ac = new AbortController();
    const get = await listen(ECHO, sid, {}, { signal: ac.signal });
    expect(get.headers.get("content-type")).toBe("text/event-stream");
    const prime = (await sseEvents(get).next()).value as SseEvent;
    expect(prime.id).toMatch(/^0\.\d+$/);
    ac.abort();
    // Progress can't ride a plain JSON reply, so it goes to the GET stream (kept while nobody listens).
    const res = await rpc(ECHO, { jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "slow", arguments: { steps: 3, delayMs: 5 }, _meta: { progressToken: 7 } } }, { ...headers, accept: "application/json" });
    expect(await res.json()).toMatchObject({ id: 2, result: { content: [{ type: "text", text: "done after 3 steps" }] } });
    const ac2 = new AbortController();
    const resumed = await listen(ECHO, sid, { "last-event-id": prime.id! }, { signal: ac2.signal });
    const got: number[] = [];
    for await (const e of sseEvents(resumed)) {
      expect(e.id).toMatch(/^0\.\d+$/);
      got.push(JSON.parse(e.data).params.progress);
      if (got.length === 3) break;
    }
    ac2.abort();
    expect(got).toEqual([1, 2, 3]);
    await end(ECHO, sid);
  });
});

describe("Streamable HTTP bridge: session ends", () => {
  it("fails an in-flight request with the stderr tail when the child dies, then the session is gone (404)", async () => {
    h = await startHosted();
    h.deployFixture("io.github.test/crash", "crash-mid-call.ts");
    const { headers } = await initialize("io.github.test/crash");
    const res = await rpc("io.github.test/crash", { jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: "boom", arguments: {} } }, headers);
    const msgs = messages(await collect(res));
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toMatchObject({ id: 7, error: { code: -32000 } });
    expect(msgs[0].error.message).toContain("exit code 7");
    expect(msgs[0].error.data.stderrTail).toContain("boom: segfault");
    const after = await rpc("io.github.test/crash", { jsonrpc: "2.0", id: 8, method: "ping" }, headers);
    expect(after.status).toBe(404);
  });

  it("fails initialize at once, with the stderr tail, when the child dies before speaking", async () => {
    h = await startHosted();
    h.deployFixture("io.github.test/dead", "crash-on-start.ts");
    const started = Date.now();
    const res = await rpc("io.github.test/dead", initMsg());
    expect(res.status).toBe(200);
    const msgs = messages(await collect(res));
    expect(msgs).toEqual([{ jsonrpc: "2.0", id: 1, error: { code: -32000, message: expect.stringContaining("exit code 3"), data: { stderrTail: expect.stringContaining("API_KEY is not set") } } }]);
    expect(Date.now() - started).toBeLessThan(3000);
    const sid = res.headers.get("mcp-session-id")!;
    expect((await rpc("io.github.test/dead", { jsonrpc: "2.0", id: 2, method: "ping" }, { "mcp-session-id": sid })).status).toBe(404);
  });

  it("announces the idle timeout on the GET stream, closes it, and answers 404 afterwards", async () => {
    h = await startHosted();
    h.deployFixture(ECHO, "echo-server.ts", {}, { idleTimeoutSec: 1 });
    const { headers } = await initialize(ECHO);
    const events = messages(await collect(await listen(ECHO, headers["mcp-session-id"]!)));
    expect(events).toEqual([{ jsonrpc: "2.0", method: "notifications/message", params: { level: "info", logger: "hearth", data: expect.stringContaining("1 s without messages") } }]);
    expect((await rpc(ECHO, { jsonrpc: "2.0", id: 2, method: "ping" }, headers)).status).toBe(404);
  });

  it("ends a session at its maximum age even while it is busy", async () => {
    h = await startHosted();
    // 3 s, not 1: on a loaded machine a cold child's start plus initialize can take over a second,
    // and the session would then age out before the call it is meant to cut short.
    h.deployFixture(ECHO, "echo-server.ts", {}, { maxAgeSec: 3 });
    const { headers } = await initialize(ECHO);
    const res = await rpc(ECHO, { jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "slow", arguments: { steps: 100, delayMs: 100 } } }, headers);
    const msgs = messages(await collect(res));
    expect(msgs.at(-1)).toMatchObject({ id: 2, error: { message: expect.stringContaining("maximum age") } });
    expect((await rpc(ECHO, { jsonrpc: "2.0", id: 3, method: "ping" }, headers)).status).toBe(404);
  });

  it("ends the child when the client DELETEs mid-call", async () => {
    h = await startHosted();
    h.deployFixture(ECHO, "echo-server.ts");
    const { headers } = await initialize(ECHO);
    const ac = new AbortController();
    await rpc(ECHO, { jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "slow", arguments: { steps: 50, delayMs: 100 } } }, headers, { signal: ac.signal });
    ac.abort();
    expect((await end(ECHO, headers["mcp-session-id"]!)).status).toBe(200);
  });
});

describe("SseSink and EventRing", () => {
  it("writes keep-alive comments while idle", async () => {
    const sink = new SseSink({ headers: {}, keepAliveMs: 10, maxQueuedBytes: 1 << 20, onGone: () => {} });
    const reader = sink.response.body!.pipeThrough(new TextDecoderStream()).getReader();
    const { value } = await reader.read();
    expect(value).toBe(": keep-alive\n\n");
    sink.close();
  });

  it("cuts off a client that stops reading instead of queueing without bound", () => {
    let gone = false;
    const sink = new SseSink({ headers: {}, keepAliveMs: 60_000, maxQueuedBytes: 1000, onGone: () => (gone = true) });
    expect(sink.event("1.1", "x".repeat(600))).toBe(true);
    expect(sink.event("1.2", "x".repeat(600))).toBe(false);
    expect(gone).toBe(true);
    expect(sink.connected).toBe(false);
  });

  it("keeps the newest events within its count and size, per stream", () => {
    const ring = new EventRing(3, 10);
    for (let seq = 1; seq <= 5; seq++) ring.push({ stream: seq % 2, seq, data: "ab" });
    expect(ring.after(1, 0).map((e) => e.seq)).toEqual([3, 5]);
    expect(ring.after(0, 0).map((e) => e.seq)).toEqual([4]);
    ring.push({ stream: 1, seq: 6, data: "123456789" });
    expect(ring.after(1, 0).map((e) => e.seq)).toEqual([6]);
    ring.push({ stream: 1, seq: 7, data: "x".repeat(11) });
    expect(ring.after(1, 5).map((e) => e.seq)).toEqual([6]);
  });
});
