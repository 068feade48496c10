import { afterEach, describe, expect, it } from "bun:test";
import { existsSync } from "node:fs";
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

const CHROMIUM = "/usr/bin/chromium";
const noChromium = existsSync(CHROMIUM) ? "" : ` [skipped: ${CHROMIUM} is not installed]`;

describe("a session whose server's own child is killed under the address-space limit", () => {
  async function callOpen(name: string): Promise<Record<string, unknown>> {
    const ws = await rawSocket(h!.wsUrl(name, `api_key=${h!.key}`));
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } } }));
    await nextMessage(ws);
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "open", arguments: {} } }));
    const answer = await nextMessage(ws);
    ws.close();
    return answer;
  }

  it(`names the limit to the client and in the log when the grandchild (a browser) dies of it${noChromium}`, async () => {
    if (noChromium) return;
    h = await startHosted();
    // Default limits: an 8192 MiB address space, under which Chromium traps at start.
    h.deployFixture("io.github.test/launcher", "browser-launcher.ts", {}, { poolSize: 0 });
    const err = (await callOpen("io.github.test/launcher")) as { id: number; error: { message: string } };
    expect(err.id).toBe(2);
    expect(err.error.message).toContain("exit code 133: a process it started (or it) was killed by SIGTRAP: most likely its address-space limit (8192 MiB) refused it memory");
    const logs = (await (await fetch(`${h.server.url}/api/v1/servers/io.github.test/launcher/logs?tail=100`, { headers: { authorization: `Bearer ${h.key}` } })).json()) as { lines: { text: string }[] };
    expect(logs.lines.some((l) => l.text.includes("address-space limit (8192 MiB) refused it memory"))).toBe(true);
    expect(await waitUntil(() => h!.hosting.supervisor.count() === 0, 5000)).toBe(true);
  }, 30_000);

  it(`lets the same browser run with preset browser (no address-space limit)${noChromium}`, async () => {
    if (noChromium) return;
    h = await startHosted();
    h.deployFixture("io.github.test/launcher", "browser-launcher.ts", {}, { poolSize: 0, preset: "browser", limits: { addressSpaceMiB: 0 } });
    const ok = (await callOpen("io.github.test/launcher")) as { result: { content: { text: string }[] } };
    expect(ok.result.content[0]!.text).toBe("exit 0: launched");
    expect(await waitUntil(() => h!.hosting.supervisor.count() === 0, 5000)).toBe(true);
  }, 30_000);
});
