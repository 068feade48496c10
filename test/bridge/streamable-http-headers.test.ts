import { afterEach, describe, expect, it } from "bun:test";
import { startHosted, type HostedInstance } from "../helpers/hosted.ts";

let h: HostedInstance | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("Streamable HTTP response headers", () => {
  it("sends a slow request's headers early on an unprimed (pre-2025-11-25) stream", async () => {
    h = await startHosted();
    h.deployFixture("io.github.test/echo", "echo-server.ts");
    const url = h.httpUrl("io.github.test/echo");
    const headers = { authorization: `Bearer ${h.key}`, "content-type": "application/json", accept: "application/json, text/event-stream" };
    const init = await fetch(url, { method: "POST", headers, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } } }) });
    const sid = init.headers.get("mcp-session-id")!;
    await init.text();
    const session = { ...headers, "mcp-session-id": sid, "mcp-protocol-version": "2025-06-18" };
    await fetch(url, { method: "POST", headers: session, body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }) });
    const t0 = performance.now();
    const r = await fetch(url, { method: "POST", headers: session, body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "slow", arguments: { steps: 3, delayMs: 300 } } }) });
    const headersAt = performance.now() - t0;
    const body = await r.text();
    const doneAt = performance.now() - t0;
    expect(r.headers.get("content-type")).toContain("text/event-stream");
    expect(body).toContain("done after 3 steps");
    expect(doneAt).toBeGreaterThan(800);
    expect(headersAt).toBeLessThan(doneAt / 2);
  });
});
