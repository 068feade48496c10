import { afterEach, describe, expect, it } from "bun:test";
import { createApiKey } from "../../src/accounts/api-keys.ts";
import { rememberPeer } from "../../src/http/client-ip.ts";
import { testApp } from "../helpers/app.ts";
import { adminWithKey, serverJson } from "../helpers/registry.ts";
import { browserFor, form } from "../ui/ui-helpers.ts";

let t: ReturnType<typeof testApp>;
afterEach(() => t?.close());

// A request as if it came from `ip` over a real socket (server.ts records the peer the same way).
function from(ip: string, path: string, init: RequestInit = {}) {
  const r = new Request(`http://localhost${path}`, init);
  rememberPeer(r, ip);
  return t.app.handle(r);
}

async function signInAttempt(ip: string, headers: Record<string, string> = {}) {
  const page = await from(ip, "/login");
  const cookie = page.headers.get("set-cookie")!.split(";")[0]!;
  const token = /name="_login" value="([^"]+)"/.exec(await page.text())![1]!;
  const body = form({ email: "admin@example.com", password: "wrong password", _login: token });
  return from(ip, "/login", { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded", cookie, origin: "http://localhost", ...headers } });
}

function publishApi(ip: string, key: string, n: number) {
  return from(ip, "/api/v1/servers", { method: "POST", body: JSON.stringify(serverJson(`io.github.admin/s${n}`)), headers: { authorization: `Bearer ${key}`, "content-type": "application/json" } });
}

describe("sign-in rate limit", () => {
  it("answers 429 with Retry-After past the limit, per client IP", async () => {
    t = testApp({ "rate-signin": "2/h", "lockout-after": "100" });
    await adminWithKey(t.ctx);
    expect((await signInAttempt("10.0.0.1")).status).toBe(401);
    expect((await signInAttempt("10.0.0.1")).status).toBe(401);
    const limited = await signInAttempt("10.0.0.1");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(1000);
    expect(await limited.text()).toContain("Too many sign-in attempts");
    expect((await signInAttempt("10.0.0.2")).status).toBe(401);
  });

  it("ignores X-Forwarded-For without --trust-proxy, so it can't be used to dodge the limit", async () => {
    t = testApp({ "rate-signin": "1/h", "lockout-after": "100" });
    await adminWithKey(t.ctx);
    expect((await signInAttempt("10.0.0.1", { "x-forwarded-for": "1.1.1.1" })).status).toBe(401);
    expect((await signInAttempt("10.0.0.1", { "x-forwarded-for": "2.2.2.2" })).status).toBe(429);
  });

  it("limits by the proxy-reported client with --trust-proxy", async () => {
    t = testApp({ "rate-signin": "1/h", "lockout-after": "100", "trust-proxy": "true" });
    await adminWithKey(t.ctx);
    expect((await signInAttempt("127.0.0.1", { "x-forwarded-for": "1.1.1.1" })).status).toBe(401);
    expect((await signInAttempt("127.0.0.1", { "x-forwarded-for": "2.2.2.2" })).status).toBe(401);
    expect((await signInAttempt("127.0.0.1", { "x-forwarded-for": "2.2.2.2" })).status).toBe(429);
  });
});

describe("publish rate limit", () => {
  it("limits the API per key, even from another IP", async () => {
    t = testApp({ "rate-publish": "2/h" });
    const { key } = await adminWithKey(t.ctx);
    expect((await publishApi("10.0.0.1", key, 1)).status).toBe(201);
    expect((await publishApi("10.0.0.1", key, 2)).status).toBe(201);
    const r = await publishApi("10.0.0.2", key, 3);
    expect(r.status).toBe(429);
    expect(r.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await r.json()).toMatchObject({ code: "rate_limited", retryAfter: expect.any(Number) });
  });

  it("limits the API per IP, even with another key", async () => {
    t = testApp({ "rate-publish": "2/h" });
    const { key, user } = await adminWithKey(t.ctx);
    const other = createApiKey(t.ctx.dbh.db, user.id, { name: "second", scopes: ["publish"] }).key;
    expect((await publishApi("10.0.0.1", key, 1)).status).toBe(201);
    expect((await publishApi("10.0.0.1", key, 2)).status).toBe(201);
    expect((await publishApi("10.0.0.1", other, 3)).status).toBe(429);
    expect((await publishApi("10.0.0.9", other, 4)).status).toBe(201);
  });

  it("limits the official registry's publish route", async () => {
    t = testApp({ "rate-publish": "1/h" });
    const { key } = await adminWithKey(t.ctx);
    const post = (n: number) => from("10.0.0.1", "/v0.1/publish", { method: "POST", body: JSON.stringify(serverJson(`io.github.admin/o${n}`)), headers: { authorization: `Bearer ${key}`, "content-type": "application/json" } });
    expect((await post(1)).status).toBe(200);
    const r = await post(2);
    expect(r.status).toBe(429);
    expect(r.headers.get("retry-after")).toMatch(/^\d+$/);
  });

  it("limits the publish form, answering 429 with Retry-After", async () => {
    t = testApp({ "rate-publish": "1/h" });
    const { user } = await adminWithKey(t.ctx);
    const b = browserFor(t.ctx, user);
    const post = (n: number) => from("10.0.0.1", "/publish", { method: "POST", body: form({ _csrf: b.csrf, manifest: JSON.stringify(serverJson(`io.github.admin/f${n}`)) }), headers: b.post() });
    expect((await post(1)).status).toBe(303);
    const r = await post(2);
    expect(r.status).toBe(429);
    expect(r.headers.get("retry-after")).toMatch(/^\d+$/);
  });
});

describe("session rate limit", () => {
  it("limits /mcp initialize per IP before any session is looked up", async () => {
    t = testApp({ "rate-session": "1/h" });
    const { key } = await adminWithKey(t.ctx);
    const init = () =>
      from("10.0.0.1", "/io.github.admin/none/mcp", {
        method: "POST",
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } } }),
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json", accept: "application/json, text/event-stream", host: "localhost" },
      });
    expect((await init()).status).toBe(404);
    const r = await init();
    expect(r.status).toBe(429);
    expect(r.headers.get("retry-after")).toMatch(/^\d+$/);
  });

  it("limits /mcp initialize per key, whatever address it comes from", async () => {
    t = testApp({ "rate-session": "1/h" });
    const { key } = await adminWithKey(t.ctx);
    const init = (ip: string) =>
      from(ip, "/io.github.admin/none/mcp", {
        method: "POST",
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } } }),
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json", accept: "application/json, text/event-stream", host: "localhost" },
      });
    expect((await init("10.0.0.1")).status).toBe(404);
    expect((await init("10.0.0.2")).status).toBe(429);
  });

  it("can be turned off", async () => {
    t = testApp({ "rate-signin": "off", "lockout-after": "100" });
    await adminWithKey(t.ctx);
    for (let i = 0; i < 12; i++) expect((await signInAttempt("10.0.0.1")).status).toBe(401);
  });
});
