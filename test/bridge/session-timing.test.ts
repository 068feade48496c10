import { afterEach, describe, expect, it, setSystemTime } from "bun:test";
import { ACCESS_RECHECK_MS, armDeadline } from "../../src/relay/session-timing.ts";
import { startHosted, type HostedInstance } from "../helpers/hosted.ts";
import { wsHandshake } from "../helpers/ws-handshake.ts";

// The same rules for both transports: how long a session may live, how often its access is
// re-checked, and what a path that can't be decoded gets.
const ECHO = "io.github.test/echo";
const V = "2025-11-25";
let h: HostedInstance | undefined;
afterEach(async () => {
  setSystemTime();
  await h?.close();
  h = undefined;
});

const init = { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: V, capabilities: {}, clientInfo: { name: "t", version: "1" } } };
const ping = (id: number) => JSON.stringify({ jsonrpc: "2.0", id, method: "ping" });

interface WsSession {
  ws: WebSocket;
  /** ask sends a frame and resolves with the answer, or with the close code if the session closes first. */
  ask(frame: string): Promise<{ answer?: unknown; closed?: number }>;
  closed: Promise<number>;
}

async function openWs(): Promise<WsSession> {
  const ws = new WebSocket(h!.wsUrl(ECHO, `api_key=${h!.key}`), ["mcp"]);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = () => reject(new Error("websocket error"));
  });
  const closed = new Promise<number>((resolve) => ws.addEventListener("close", (e) => resolve(e.code), { once: true }));
  const ask = (frame: string) =>
    new Promise<{ answer?: unknown; closed?: number }>((resolve) => {
      ws.addEventListener("message", (e) => resolve({ answer: JSON.parse(String(e.data)) }), { once: true });
      void closed.then((code) => resolve({ closed: code }));
      ws.send(frame);
    });
  return { ws, ask, closed };
}

async function openHttp(): Promise<(body: unknown) => Promise<Response>> {
  const post = (body: unknown, sid?: string) =>
    fetch(h!.httpUrl(ECHO), {
      method: "POST",
      headers: { accept: "application/json", "content-type": "application/json", authorization: `Bearer ${h!.key}`, "mcp-protocol-version": V, ...(sid ? { "mcp-session-id": sid } : {}) },
      body: JSON.stringify(body),
    });
  const res = await post(init);
  expect(res.status).toBe(200);
  await res.body?.cancel();
  const sid = res.headers.get("mcp-session-id")!;
  return (body) => post(body, sid);
}

describe("maximum session age", () => {
  it("a 31-day maxAgeSec (beyond setTimeout's ~24.8 days) keeps a WebSocket session open", async () => {
    h = await startHosted();
    h.deployFixture(ECHO, "echo-server.ts", {}, { maxAgeSec: 31 * 86400 });
    const s = await openWs();
    expect((await s.ask(JSON.stringify(init))).answer).toMatchObject({ id: 1, result: {} });
    // An overflowed timer fires after 1 ms: by now it would have closed the session.
    await Bun.sleep(100);
    expect(await s.ask(ping(2))).toEqual({ answer: { jsonrpc: "2.0", id: 2, result: {} } });
    s.ws.close();
  });

  it("a 31-day maxAgeSec keeps a Streamable HTTP session open", async () => {
    h = await startHosted();
    h.deployFixture(ECHO, "echo-server.ts", {}, { maxAgeSec: 31 * 86400 });
    const send = await openHttp();
    await Bun.sleep(100);
    const res = await send({ jsonrpc: "2.0", id: 2, method: "ping" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: 2, result: {} });
  });
});

describe("armDeadline", () => {
  it("fires at its time, and the caller's clearTimeout of the armed timer cancels it", async () => {
    const fired: string[] = [];
    let timer: Timer | undefined;
    armDeadline(Date.now() + 10, () => fired.push("soon"), () => undefined);
    armDeadline(Date.now() + 10, () => fired.push("cancelled"), (t) => (timer = t));
    clearTimeout(timer);
    // Far beyond setTimeout's limit: armed for the limit, not overflowed into "at once".
    let far: Timer | undefined;
    armDeadline(Date.now() + 2 * (2 ** 31 - 1), () => fired.push("far"), (t) => (far = t));
    await Bun.sleep(50);
    clearTimeout(far);
    expect(fired).toEqual(["soon"]);
  });
});

describe("re-checking access of open sessions", () => {
  it("happens after the same ACCESS_RECHECK_MS on WebSocket and Streamable HTTP", async () => {
    h = await startHosted();
    h.deployFixture(ECHO, "echo-server.ts");
    const started = Date.now();
    const ws = await openWs();
    expect((await ws.ask(JSON.stringify(init))).answer).toMatchObject({ id: 1 });
    const send = await openHttp();
    const opened = Date.now();
    // Revoked as the CLI does it, from another process: nothing in this one is told, so only the
    // periodic re-check can notice.
    h.ctx.dbh.sqlite.query("UPDATE api_keys SET revoked_at = ?").run(opened);

    // Just inside the interval, both still trust their last check...
    setSystemTime(new Date(started + ACCESS_RECHECK_MS - 50));
    expect((await ws.ask(ping(2))).answer).toMatchObject({ id: 2 });
    expect((await send({ jsonrpc: "2.0", id: 2, method: "ping" })).status).toBe(200);

    // ...and past it, both have looked again and refuse.
    setSystemTime(new Date(opened + ACCESS_RECHECK_MS + 50));
    expect(await ws.ask(ping(3))).toEqual({ closed: 1008 });
    expect((await send({ jsonrpc: "2.0", id: 3, method: "ping" })).status).toBe(401);
  });
});

describe("a path that can't be decoded", () => {
  it("is a 404 on both /ws and /mcp, never a 500", async () => {
    h = await startHosted();
    const ws = await wsHandshake(new URL(`${h.server.url}/io.github.test/%E0%A4%A/ws?api_key=${h.key}`), {});
    const mcp = await fetch(`${h.server.url}/io.github.test/%E0%A4%A/mcp`, { method: "POST", headers: { authorization: `Bearer ${h.key}` } });
    await mcp.body?.cancel();
    expect({ ws, mcp: mcp.status }).toEqual({ ws: 404, mcp: 404 });
  });
});
