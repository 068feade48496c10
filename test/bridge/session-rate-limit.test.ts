import { afterEach, describe, expect, it } from "bun:test";
import { request as httpRequest } from "node:http";
import { findUserByEmail } from "../../src/accounts/users.ts";
import { newPageId } from "../../src/ui/playground-sessions.ts";
import type { HostedInstance } from "../helpers/hosted.ts";
import { waitUntil } from "../helpers/processes.ts";
import { browserFor, form, startWithEcho } from "../ui/ui-helpers.ts";

const NAME = "io.github.test/echo";
let h: HostedInstance | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

// A raw upgrade request, so a refusal's status and headers can be read (the WebSocket API hides them).
function upgrade(url: string): Promise<{ status: number; retryAfter: string | undefined; socket?: { destroy(): void } }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: { connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64"), "sec-websocket-protocol": "mcp" } });
    req.on("upgrade", (res, socket) => {
      resolve({ status: res.statusCode!, retryAfter: undefined, socket });
    });
    req.on("response", (res) => {
      res.resume();
      resolve({ status: res.statusCode!, retryAfter: res.headers["retry-after"] as string | undefined });
    });
    req.on("error", reject);
    req.end();
  });
}

describe("session rate limit over real sockets", () => {
  it("refuses a WebSocket upgrade past the limit with 429 and Retry-After", async () => {
    h = await startWithEcho(NAME, {}, { "rate-session": "1/h" });
    const url = h.wsUrl(NAME, `api_key=${h.key}`).replace(/^ws/, "http");
    const first = await upgrade(url);
    expect(first.status).toBe(101);
    first.socket?.destroy();
    const second = await upgrade(url);
    expect(second.status).toBe(429);
    expect(Number(second.retryAfter)).toBeGreaterThan(0);
    await waitUntil(() => h!.hosting.supervisor.count(NAME) === 0, 5000);
  });

  it("refuses a new playground session past the limit, but keeps using the open one", async () => {
    h = await startWithEcho(NAME, {}, { "rate-session": "1/h" });
    const b = browserFor(h.ctx, findUserByEmail(h.ctx.dbh.db, "admin@example.com")!);
    const send = (pg: string) =>
      fetch(`${h!.server.url}/${NAME}/playground/tools`, { method: "POST", body: form({ _csrf: b.csrf, pg }), headers: { "content-type": "application/x-www-form-urlencoded", cookie: b.cookie, origin: h!.server.url, "hx-request": "true" } });
    const pg = newPageId();
    expect((await send(pg)).status).toBe(200);
    expect((await send(pg)).status).toBe(200);
    const other = await send(newPageId());
    expect(other.status).toBe(429);
    expect(other.headers.get("retry-after")).toMatch(/^\d+$/);
    await fetch(`${h.server.url}/${NAME}/playground/close`, { method: "POST", body: form({ _csrf: b.csrf, pg }), headers: { "content-type": "application/x-www-form-urlencoded", cookie: b.cookie, origin: h.server.url } });
    await waitUntil(() => h!.hosting.supervisor.count(NAME) === 0, 5000);
  });
});
