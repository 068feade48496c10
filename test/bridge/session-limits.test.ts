import { afterEach, describe, expect, it } from "bun:test";
import { startHosted, type HostedInstance } from "../helpers/hosted.ts";
import { descendantsOf, waitUntil } from "../helpers/processes.ts";

let h: HostedInstance | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  expect(descendantsOf(process.pid)).toEqual([]);
});

function rawSocket(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ["mcp"]);
    ws.onopen = () => resolve(ws);
    ws.onerror = () => reject(new Error("websocket error"));
  });
}
function nextMessage(ws: WebSocket): Promise<Record<string, unknown>> {
  return new Promise((resolve) => ws.addEventListener("message", (e) => resolve(JSON.parse(String(e.data))), { once: true }));
}

describe("a session whose server exceeds its memory limit", () => {
  it("fails the call with the limit named, closes 1011, logs it, and leaves nothing running", async () => {
    h = await startHosted();
    h.deployFixture("io.github.test/hog", "memory-hog.ts", { packages: [{ registryType: "npm", identifier: "@example/hog", version: "1.0.0", transport: { type: "stdio" }, packageArguments: [{ type: "positional", value: "call" }] }] }, { poolSize: 0, limits: { addressSpaceMiB: 1024 } });
    const ws = await rawSocket(h.wsUrl("io.github.test/hog", `api_key=${h.key}`));
    const closed = new Promise<number>((resolve) => ws.addEventListener("close", (e) => resolve(e.code), { once: true }));
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } } }));
    expect(await nextMessage(ws)).toMatchObject({ id: 1, result: { serverInfo: { name: "memory-hog" } } });
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "hog", arguments: {} } }));
    const err = (await nextMessage(ws)) as { id: number; error: { message: string; data: { stderrTail: string } } };
    expect(err.id).toBe(2);
    expect(err.error.message).toContain("it ran out of memory under its limits (address space 1024 MiB)");
    expect(err.error.data.stderrTail).toContain("Out of memory");
    expect(await closed).toBe(1011);
    const logs = (await (await fetch(`${h.server.url}/api/v1/servers/io.github.test/hog/logs?tail=100`, { headers: { authorization: `Bearer ${h.key}` } })).json()) as { lines: { text: string }[] };
    expect(logs.lines.some((l) => l.text.includes("ran out of memory under its limits"))).toBe(true);
    expect(await waitUntil(() => h!.hosting.supervisor.count() === 0, 5000)).toBe(true);
  }, 30_000);
});
