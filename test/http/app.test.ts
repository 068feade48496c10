import { afterEach, describe, expect, it } from "bun:test";
import { createApiKey } from "../../src/accounts/api-keys.ts";
import { upsertAdmin } from "../../src/accounts/users.ts";
import { testApp } from "../helpers/app.ts";

let t: ReturnType<typeof testApp>;
afterEach(() => t?.close());

describe("operations endpoints", () => {
  it("/healthz answers JSON while the process is up", async () => {
    t = testApp();
    const r = await t.request("/healthz");
    expect(r.status).toBe(200);
    expect((await r.json()).status).toBe("ok");
  });

  it("/readyz reports the database and migrations current", async () => {
    t = testApp();
    const body = await (await t.request("/readyz")).json();
    expect(body).toMatchObject({ status: "ready", database: "ok", migrations: { pending: [] } });
  });

  it("/readyz is not ready when an applied migration's SQL has changed", async () => {
    t = testApp();
    t.ctx.dbh.sqlite.exec("UPDATE hearth_migrations SET hash = 'edited' WHERE rowid = 1");
    const r = await t.request("/readyz");
    expect(r.status).toBe(503);
    expect((await r.json()).migrations.changed).toHaveLength(1);
  });

  it("/readyz answers 503 when the database is gone", async () => {
    t = testApp();
    t.ctx.dbh.sqlite.close();
    const r = await t.request("/readyz");
    expect(r.status).toBe(503);
    expect((await r.json()).status).toBe("not_ready");
  });
});

describe("errors", () => {
  it("unknown pages get an HTML 404 page, not a stack trace", async () => {
    t = testApp();
    const r = await t.request("/no/such/page/here/at-all");
    expect(r.status).toBe(404);
    expect(r.headers.get("content-type")).toContain("text/html");
    const body = await r.text();
    expect(body).toContain("Not found");
    expect(body).not.toMatch(/at \S+ \(|node_modules|\.ts:\d+/);
  });

  it("unknown API routes get a JSON 404", async () => {
    t = testApp();
    const r = await t.request("/api/v1/nothing");
    expect(r.status).toBe(404);
    expect(await r.json()).toEqual({ error: "nothing here at /api/v1/nothing", code: "not_found" });
  });

  it("htmx requests get an inline fragment", async () => {
    t = testApp();
    const r = await t.request("/missing", { headers: { "HX-Request": "true" } });
    expect(r.status).toBe(404);
    const body = await r.text();
    expect(body).toStartWith('<div class="alert error" role="alert">');
    expect(body).not.toContain("<html");
  });
});

describe("static assets", () => {
  it("serves embedded htmx with a long cache and an ETag, and 304 on revalidation", async () => {
    t = testApp();
    const r = await t.request("/static/htmx.min.js");
    expect(r.status).toBe(200);
    expect(r.headers.get("cache-control")).toContain("immutable");
    const etag = r.headers.get("etag")!;
    expect((await r.text()).length).toBeGreaterThan(10_000);
    const again = await t.request("/static/htmx.min.js", { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
  });

  it("does not serve anything outside the embedded set", async () => {
    t = testApp();
    expect((await t.request("/static/..%2Fpackage.json")).status).toBe(404);
    expect((await t.request("/static/constructor")).status).toBe(404);
  });
});

describe("authentication", () => {
  it("an API key authenticates as Authorization: Bearer; a wrong one is 401", async () => {
    t = testApp();
    const { user } = await upsertAdmin(t.ctx.dbh.db, { email: "Ada@Example.com", password: "correct horse battery" });
    const { key } = createApiKey(t.ctx.dbh.db, user.id, { name: "ci" });
    const ok = await t.request("/api/v1/me", { headers: { authorization: `Bearer ${key}` } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ email: "ada@example.com", role: "admin", via: "key" });
    const tampered = key.slice(0, -1) + (key.endsWith("a") ? "b" : "a");
    expect((await t.request("/api/v1/me", { headers: { authorization: `Bearer ${tampered}` } })).status).toBe(401);
    expect((await t.request("/api/v1/me", { headers: { authorization: "Bearer " + "x".repeat(5000) } })).status).toBe(401);
    expect((await t.request("/api/v1/me")).status).toBe(401);
  });

  it("a key that is sent but invalid is 401 on read routes too, never quietly anonymous", async () => {
    t = testApp();
    const bad = { authorization: "Bearer hth_aaaaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" };
    expect((await t.request("/api/v1/servers", { headers: bad })).status).toBe(401);
    expect((await t.request("/v0.1/servers", { headers: bad })).status).toBe(401);
    expect((await t.request("/api/v1/servers")).status).toBe(200);
  });
});

describe("first-run setup", () => {
  it("creates the first admin with the one-time token, signs them in, and closes", async () => {
    t = testApp();
    const token = t.ctx.setup.issue();
    expect((await t.request("/setup?token=wrong")).status).toBe(404);
    const page = await t.request(`/setup?token=${token}`);
    expect(page.status).toBe(200);
    const form = (fields: Record<string, string>) =>
      t.request("/setup", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields) });
    const weak = await form({ token, email: "root@example.com", password: "short" });
    expect(weak.status).toBe(422);
    expect(await weak.text()).toContain("password must be at least 10 characters");
    const done = await form({ token, email: "root@example.com", password: "a long enough password" });
    expect(done.status).toBe(303);
    const cookie = done.headers.get("set-cookie")!;
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    const me = await t.request("/api/v1/me", { headers: { cookie: cookie.split(";")[0]! } });
    expect(await me.json()).toMatchObject({ email: "root@example.com", role: "admin", via: "session" });
    expect((await form({ token, email: "second@example.com", password: "a long enough password" })).status).toBe(404);
  });

  it("refuses an expired token", async () => {
    t = testApp();
    const token = t.ctx.setup.issue(Date.now() - 31 * 60 * 1000);
    expect((await t.request(`/setup?token=${token}`)).status).toBe(404);
  });
});
