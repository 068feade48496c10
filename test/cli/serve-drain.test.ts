import { afterEach, describe, expect, it } from "bun:test";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { LoggingMessageNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { runHearth, startHearth, type HearthProcess } from "../helpers/hearth-process.ts";
import { waitUntil } from "../helpers/processes.ts";
import { seedDataDir } from "../helpers/seeded-data-dir.ts";
import { tempDir } from "../helpers/temp.ts";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const ECHO = "io.github.test/echo";
// The echo fixture's `slow` tool, made to outlast any drain: only a drain can end this call early.
const SLOW = { name: "slow", arguments: { steps: 1, delayMs: 10_000 } };

async function serve(drain = "3s"): Promise<{ h: HearthProcess; key: string }> {
  const t = tempDir("hearth-drain-");
  cleanups.push(t.cleanup);
  const data = join(t.path, "data");
  const key = await seedDataDir(data, ECHO, "echo-server.ts", { poolSize: 1 });
  const h = await startHearth({ data, args: ["--sandbox", "none", "--drain-timeout", drain] });
  cleanups.push(() => h.stop());
  return { h, key };
}
// Resolves with what the call ended with, and whether Hearth had exited by then.
function settle(p: Promise<unknown>, h: HearthProcess): Promise<{ error?: string; hearthExited: boolean }> {
  return p.then(
    () => ({ hearthExited: h.proc.exitCode !== null }),
    (e: Error) => ({ error: e.message, hearthExited: h.proc.exitCode !== null }),
  );
}
// Waits for the relay to have passed the tools/call to the child (Hearth counts it then). Counting
// children instead raced: the pool refills as soon as a session opens, before its first call.
async function callStarted(h: HearthProcess, key: string): Promise<boolean> {
  const counted = async () => {
    const text = await (await fetch(`${h.url}/metrics`, { headers: { authorization: `Bearer ${key}` } })).text();
    return /hearth_tool_calls_total\{server="io\.github\.test\/echo"\} [1-9]/.test(text);
  };
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await Bun.sleep(25)) if (await counted()) return true;
  return false;
}

describe("SIGTERM with a call in flight", () => {
  it("fails the Streamable HTTP call with 'Hearth is restarting' before Hearth exits, sends a notice, and exits 0 inside the drain timeout", async () => {
    const { h, key } = await serve();
    const client = new Client({ name: "t", version: "1" });
    const notices: string[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void notices.push(String(n.params.data)));
    await client.connect(new StreamableHTTPClientTransport(new URL(`${h.url}/${ECHO}/mcp`), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
    cleanups.push(() => client.close().catch(() => undefined));
    const call = settle(client.callTool(SLOW), h);
    expect(await callStarted(h, key)).toBe(true);
    h.proc.kill("SIGTERM");
    const ended = await call;
    expect(ended.error).toContain("Hearth is restarting");
    expect(ended.hearthExited).toBe(false);
    expect(await h.proc.exited).toBe(0);
    expect(notices.some((n) => n.includes("Hearth is restarting"))).toBe(true);
    expect(h.output()).toContain('"msg":"stopped"');
    expect(h.output()).not.toContain("drain timeout reached");
  }, 60_000);

  it("fails the WebSocket call the same way, with a notice and close code 1012", async () => {
    const { h, key } = await serve();
    const ws = new WebSocket(`${h.url.replace(/^http/, "ws")}/${ECHO}/ws?api_key=${key}`, ["mcp"]);
    const frames: Record<string, unknown>[] = [];
    ws.onmessage = (e) => frames.push(JSON.parse(String(e.data)));
    const closed = new Promise<{ code: number; reason: string; hearthExited: boolean }>((r) => (ws.onclose = (e) => r({ code: e.code, reason: e.reason, hearthExited: h.proc.exitCode !== null })));
    await new Promise((r) => (ws.onopen = r));
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } } }));
    await waitUntil(() => frames.length === 1);
    ws.send(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }));
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/call", params: SLOW }));
    expect(await callStarted(h, key)).toBe(true);
    await Bun.sleep(100); // the call's line reaches the child's stdin
    h.proc.kill("SIGTERM");
    const close = await closed;
    expect(close).toMatchObject({ code: 1012, reason: "Hearth is restarting", hearthExited: false });
    expect(frames).toContainEqual({ jsonrpc: "2.0", id: 2, error: { code: -32000, message: expect.stringContaining("Hearth is restarting") } });
    expect(frames).toContainEqual({ jsonrpc: "2.0", method: "notifications/message", params: { level: "info", logger: "hearth", data: expect.stringContaining("Hearth is restarting") } });
    expect(await h.proc.exited).toBe(0);
    expect(h.output()).not.toContain("drain timeout reached");
  }, 60_000);

  it("makes `hearth call` print one sentence and exit 1, with no stack trace", async () => {
    const { h, key } = await serve();
    const call = runHearth(["call", ECHO, "slow", "steps=1", "delayMs=10000", "--url", h.url, "--key", key]);
    expect(await callStarted(h, key)).toBe(true);
    await Bun.sleep(100);
    h.proc.kill("SIGTERM");
    const r = await call;
    expect(r.code).toBe(1);
    const lines = r.stderr.split("\n").filter((l) => l.trim() && !l.startsWith("\r") && !l.includes("calling slow") && !l.includes("opening a session"));
    expect(lines).toEqual([expect.stringMatching(/^hearth call: io\.github\.test\/echo answered with an error: Hearth is restarting: /)]);
    expect(r.stderr).not.toContain("    at ");
    expect(await h.proc.exited).toBe(0);
  }, 60_000);
});
