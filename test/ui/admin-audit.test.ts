import { afterEach, describe, expect, it } from "bun:test";
import { audit, listAudit } from "../../src/audit/audit-log.ts";
import { rememberPeer } from "../../src/http/client-ip.ts";
import { testApp } from "../helpers/app.ts";
import { adminWithKey, plainUserWithKey, serverJson } from "../helpers/registry.ts";
import { browserFor, form } from "./ui-helpers.ts";

let t: ReturnType<typeof testApp>;
afterEach(() => t?.close());

function from(ip: string, path: string, init: RequestInit = {}) {
  const r = new Request(`http://localhost${path}`, init);
  rememberPeer(r, ip);
  return t.app.handle(r);
}

async function signIn(email: string, password: string, ip: string) {
  const page = await from(ip, "/login");
  const cookie = page.headers.get("set-cookie")!.split(";")[0]!;
  const token = /name="_login" value="([^"]+)"/.exec(await page.text())![1]!;
  return from(ip, "/login", { method: "POST", body: form({ email, password, _login: token }), headers: { "content-type": "application/x-www-form-urlencoded", cookie, origin: "http://localhost" } });
}

const events = () => listAudit(t.ctx.dbh.db, {}, 1, 100).events.map(({ action, outcome, actor, target, ip }) => ({ action, outcome, actor, target, ip }));

describe("audit events", () => {
  it("records sign-in successes and failures with the client IP, and sign-out", async () => {
    t = testApp();
    const { user } = await adminWithKey(t.ctx);
    await signIn("admin@example.com", "wrong password", "10.0.0.5");
    await signIn("admin@example.com", "admin password 1", "10.0.0.6");
    const b = browserFor(t.ctx, user);
    await from("10.0.0.7", "/logout", { method: "POST", body: form({ _csrf: b.csrf }), headers: b.post() });
    expect(events()).toEqual([
      { action: "auth.signout", outcome: "ok", actor: "admin@example.com", target: null, ip: "10.0.0.7" },
      { action: "auth.signin", outcome: "ok", actor: "admin@example.com", target: null, ip: "10.0.0.6" },
      { action: "auth.signin", outcome: "fail", actor: "admin@example.com", target: null, ip: "10.0.0.5" },
    ]);
  });

  it("records a refused sign-in of a locked account as denied", async () => {
    t = testApp({ "lockout-after": "1" });
    await adminWithKey(t.ctx);
    await signIn("admin@example.com", "wrong password", "10.0.0.5");
    await signIn("admin@example.com", "admin password 1", "10.0.0.5");
    expect(events()[0]).toMatchObject({ action: "auth.signin", outcome: "denied" });
  });

  it("records publishes through the API with the key that did it", async () => {
    t = testApp();
    const { auth } = await adminWithKey(t.ctx);
    await from("10.0.0.1", "/api/v1/servers", { method: "POST", body: JSON.stringify(serverJson("io.github.admin/audited")), headers: { ...auth, "content-type": "application/json" } });
    expect(events()[0]).toMatchObject({ action: "server.publish", outcome: "ok", target: "io.github.admin/audited@1.0.0", ip: "10.0.0.1", actor: expect.stringMatching(/^admin@example\.com \(key #\d+\)$/) });
  });
});

describe("/admin/audit", () => {
  it("sends anonymous visitors to sign in and refuses non-admins", async () => {
    t = testApp();
    await adminWithKey(t.ctx);
    const anon = await t.request("/admin/audit");
    expect(anon.status).toBe(303);
    expect(anon.headers.get("location")).toBe("/login?next=%2Fadmin%2Faudit");
    const { user } = plainUserWithKey(t.ctx, "user@example.com");
    expect((await t.request("/admin/audit", { headers: { cookie: browserFor(t.ctx, user).cookie } })).status).toBe(403);
  });

  it("shows events to admins, filtered, with hostile values escaped", async () => {
    t = testApp();
    const { user } = await adminWithKey(t.ctx);
    audit(t.ctx.dbh.db, { action: "auth.signin", outcome: "fail", actor: `<script>alert("x")</script>@evil`, ip: "10.0.0.1" });
    audit(t.ctx.dbh.db, { action: "server.publish", outcome: "ok", actor: "admin@example.com", target: "acme/tool@1.0.0" });
    const cookie = browserFor(t.ctx, user).cookie;
    const page = await (await t.request("/admin/audit", { headers: { cookie } })).text();
    expect(page).toContain("acme/tool@1.0.0");
    expect(page).not.toContain("<script>alert");
    expect(page).toContain("&lt;script&gt;");
    const frag = await t.request("/admin/audit?outcome=fail", { headers: { cookie, "hx-request": "true" } });
    const html = await frag.text();
    expect(html.startsWith('<section id="audit-results"')).toBe(true);
    expect(html).not.toContain("acme/tool");
  });

  it("pages through events", async () => {
    t = testApp();
    const { user } = await adminWithKey(t.ctx);
    for (let i = 0; i < 60; i++) audit(t.ctx.dbh.db, { action: "key.create", outcome: "ok", actor: "admin@example.com", target: `key #${i}` });
    const cookie = browserFor(t.ctx, user).cookie;
    const first = await (await t.request("/admin/audit", { headers: { cookie } })).text();
    expect(first).toContain("key #59");
    expect(first).toContain('href="/admin/audit?page=2"');
    const second = await (await t.request("/admin/audit?page=2", { headers: { cookie } })).text();
    expect(second).toContain("key #9<");
    expect(second).not.toContain("key #59");
  });

  it("refuses a bad filter with 422", async () => {
    t = testApp();
    const { user } = await adminWithKey(t.ctx);
    const r = await t.request("/admin/audit?outcome=maybe&action=DROP%20TABLE", { headers: { cookie: browserFor(t.ctx, user).cookie } });
    expect(r.status).toBe(422);
  });
});

describe("GET /api/v1/audit", () => {
  it("serves admins JSON and refuses everyone else", async () => {
    t = testApp();
    const admin = await adminWithKey(t.ctx, ["admin"]);
    audit(t.ctx.dbh.db, { action: "key.revoke", outcome: "ok", actor: "admin@example.com", target: "key #1", at: Date.UTC(2026, 0, 1) });
    const r = await t.request("/api/v1/audit?action=key.", { headers: admin.auth });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ events: [expect.objectContaining({ action: "key.revoke", at: "2026-01-01T00:00:00.000Z" })], page: 1, pageSize: 50, more: false });
    expect((await t.request("/api/v1/audit")).status).toBe(401);
    const readKey = plainUserWithKey(t.ctx, "u@example.com", ["read"]);
    expect((await t.request("/api/v1/audit", { headers: readKey.auth })).status).toBe(403);
    expect((await t.request("/api/v1/audit?pageSize=100000", { headers: admin.auth })).status).toBe(422);
  });
});
