import { afterEach, describe, expect, it } from "bun:test";
import { authenticateApiKey, listApiKeys } from "../../src/accounts/api-keys.ts";
import { verifyPassword } from "../../src/accounts/users.ts";
import { findWebSession } from "../../src/accounts/web-sessions.ts";
import { listAudit } from "../../src/audit/audit-log.ts";
import { testApp } from "../helpers/app.ts";
import { adminWithKey, plainUserWithKey } from "../helpers/registry.ts";
import { browserFor, form, type Browser } from "./ui-helpers.ts";

let t: ReturnType<typeof testApp>;
afterEach(() => t?.close());

function post(b: Browser, path: string, fields: Record<string, string | string[]>, headers: Record<string, string> = {}) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries({ _csrf: b.csrf, ...fields })) for (const one of [v].flat()) body.append(k, one);
  return t.request(path, { method: "POST", body: body.toString(), headers: b.post(headers) });
}

const KEY_RE = /hth_[A-Za-z0-9]{12}_[A-Za-z0-9]{40}/;

describe("/account API keys", () => {
  it("sends anonymous visitors to sign in", async () => {
    t = testApp();
    const r = await t.request("/account");
    expect(r.status).toBe(303);
    expect(r.headers.get("location")).toBe("/login?next=%2Faccount");
  });

  it("creates a key, shows it once with a copy button, and it works", async () => {
    t = testApp();
    const { user } = await adminWithKey(t.ctx);
    const b = browserFor(t.ctx, user);
    const r = await post(b, "/account/keys", { name: "laptop", scopes: ["read", "publish"], namespace: "acme", expiresDays: "30" });
    expect(r.status).toBe(200);
    expect(r.headers.get("cache-control")).toBe("no-store");
    const page = await r.text();
    const key = KEY_RE.exec(page)![0];
    expect(page).toContain('data-copy="new-api-key"');
    const p = authenticateApiKey(t.ctx.dbh.db, key)!;
    expect(p).toMatchObject({ scopes: ["read", "publish"], namespace: "acme" });
    const again = await (await t.request("/account", { headers: { cookie: b.cookie } })).text();
    expect(again).not.toContain(key);
    expect(again).toContain(`hth_${key.slice(4, 16)}_…`);
    expect(again).toContain("acme");
    expect(listApiKeys(t.ctx.dbh.db, user.id).find((k) => k.name === "laptop")!.expiresAt).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    expect(listAudit(t.ctx.dbh.db, { action: "key.create" }, 1, 5).events).toHaveLength(1);
  });

  it("answers htmx with just the panel", async () => {
    t = testApp();
    const { user } = await adminWithKey(t.ctx);
    const r = await post(browserFor(t.ctx, user), "/account/keys", { name: "ci", scopes: "connect" }, { "hx-request": "true" });
    const html = await r.text();
    expect(html.startsWith('<section id="api-keys"')).toBe(true);
    expect(html).toMatch(KEY_RE);
  });

  it("shows the last-used time once a key is used", async () => {
    t = testApp();
    const { user, auth } = await adminWithKey(t.ctx);
    const b = browserFor(t.ctx, user);
    expect(await (await t.request("/account", { headers: { cookie: b.cookie } })).text()).toContain("not yet");
    await t.request("/api/v1/servers", { headers: auth });
    const page = await (await t.request("/account", { headers: { cookie: b.cookie } })).text();
    expect(page).not.toContain("not yet");
    expect(page).toContain(new Date().toISOString().slice(0, 10));
  });

  const bad: [string, Record<string, string | string[]>, string][] = [
    ["an empty name", { name: "", scopes: "read" }, "name must not be empty"],
    ["no scope", { name: "x" }, "choose at least one scope"],
    ["an unknown scope", { name: "x", scopes: "root" }, "there is no scope &quot;root&quot;"],
    ["a bad expiry", { name: "x", scopes: "read", expiresDays: "soon" }, "expires must be a number of days"],
    ["a negative expiry", { name: "x", scopes: "read", expiresDays: "-3" }, "expires must be at least 1 day"],
  ];
  for (const [what, fields, message] of bad) {
    it(`refuses ${what} with 422, saying why, creating nothing`, async () => {
      t = testApp();
      const { user } = await adminWithKey(t.ctx);
      const r = await post(browserFor(t.ctx, user), "/account/keys", fields);
      expect(r.status).toBe(422);
      expect(await r.text()).toContain(message);
      expect(listApiKeys(t.ctx.dbh.db, user.id)).toHaveLength(1);
    });
  }

  it("doesn't let a non-admin make an admin-scoped key", async () => {
    t = testApp();
    const { user } = plainUserWithKey(t.ctx, "u@example.com");
    const r = await post(browserFor(t.ctx, user), "/account/keys", { name: "x", scopes: ["read", "admin"] });
    expect(r.status).toBe(422);
    expect(await r.text()).toContain("only administrators can make keys with the admin scope");
  });

  it("shows which key made a key, so a copy with the same name can't pass as the original", async () => {
    t = testApp();
    const { user, key } = await adminWithKey(t.ctx);
    const made = await t.request("/api/v1/keys", { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify({ name: "test", scopes: ["connect"] }) });
    expect(made.status).toBe(201);
    const { id } = (await made.json()) as { id: number };
    const parent = listApiKeys(t.ctx.dbh.db, user.id).find((k) => k.id !== id)!;
    const page = await (await t.request("/account", { headers: { cookie: browserFor(t.ctx, user).cookie } })).text();
    const row = (n: number) => new RegExp(`<tr id="key-${n}">[\\s\\S]*?</tr>`).exec(page)![0];
    expect(row(id)).toContain(`made by key <code>hth_${parent.prefix}_…</code>`);
    expect(row(parent.id)).not.toContain("made by");
  });

  it("escapes a hostile key name", async () => {
    t = testApp();
    const { user } = await adminWithKey(t.ctx);
    const b = browserFor(t.ctx, user);
    await post(b, "/account/keys", { name: `<img src=x onerror=alert(1)>`, scopes: "read" });
    const page = await (await t.request("/account", { headers: { cookie: b.cookie } })).text();
    expect(page).not.toContain("<img src=x");
    expect(page).toContain("&lt;img src=x");
  });

  it("refuses a form without the CSRF token, or from another origin", async () => {
    t = testApp();
    const { user } = await adminWithKey(t.ctx);
    const b = browserFor(t.ctx, user);
    const noToken = await t.request("/account/keys", { method: "POST", body: form({ name: "x", scopes: "read" }), headers: b.post() });
    expect(noToken.status).toBe(403);
    const foreign = await post(b, "/account/keys", { name: "x", scopes: "read" }, { origin: "https://evil.example" });
    expect(foreign.status).toBe(403);
    expect(listApiKeys(t.ctx.dbh.db, user.id)).toHaveLength(1);
  });

  it("revokes the user's own key at once, and not someone else's", async () => {
    t = testApp();
    const { user, key } = await adminWithKey(t.ctx);
    const other = plainUserWithKey(t.ctx, "u@example.com");
    const b = browserFor(t.ctx, user);
    const mine = listApiKeys(t.ctx.dbh.db, user.id)[0]!;
    const theirs = listApiKeys(t.ctx.dbh.db, other.user.id)[0]!;
    expect((await post(b, `/account/keys/${theirs.id}/revoke`, {})).status).toBe(404);
    expect(authenticateApiKey(t.ctx.dbh.db, other.key)).toBeDefined();
    expect((await post(b, `/account/keys/${mine.id}/revoke`, {})).status).toBe(303);
    expect((await t.request("/api/v1/servers", { headers: { authorization: `Bearer ${key}` } })).status).toBe(401);
    expect((await post(b, `/account/keys/${mine.id}/revoke`, {})).status).toBe(404);
    expect((await post(b, `/account/keys/nope/revoke`, {})).status).toBe(404);
    expect(listAudit(t.ctx.dbh.db, { action: "key.revoke" }, 1, 5).events).toMatchObject([{ target: `key #${mine.id}`, actor: "admin@example.com" }]);
  });
});

describe("/account password and sessions", () => {
  it("changes the password with the current one, ending the other sessions but not this one", async () => {
    t = testApp();
    const { user } = await adminWithKey(t.ctx);
    const here = browserFor(t.ctx, user);
    const elsewhere = browserFor(t.ctx, user);
    const r = await post(here, "/account/password", { current: "admin password 1", password: "a brand new password" });
    expect(r.status).toBe(200);
    expect(await r.text()).toContain("Password changed");
    expect(await verifyPassword(t.ctx.dbh.db, "admin@example.com", "a brand new password")).toBeDefined();
    expect(await verifyPassword(t.ctx.dbh.db, "admin@example.com", "admin password 1")).toBeUndefined();
    expect(findWebSession(t.ctx.dbh.db, here.cookie.split("=")[1]!)).toBeDefined();
    expect(findWebSession(t.ctx.dbh.db, elsewhere.cookie.split("=")[1]!)).toBeUndefined();
  });

  it("refuses a wrong current password and a too-short new one, changing nothing", async () => {
    t = testApp();
    const { user } = await adminWithKey(t.ctx);
    const b = browserFor(t.ctx, user);
    const wrong = await post(b, "/account/password", { current: "not it at all", password: "a brand new password" });
    expect(wrong.status).toBe(422);
    expect(await wrong.text()).toContain("current password is not right");
    const short = await post(b, "/account/password", { current: "admin password 1", password: "short" });
    expect(short.status).toBe(422);
    expect(await short.text()).toContain("new password must be at least 10 characters");
    expect(await verifyPassword(t.ctx.dbh.db, "admin@example.com", "admin password 1")).toBeDefined();
    expect(listAudit(t.ctx.dbh.db, { action: "auth.password_change", outcome: "fail" }, 1, 5).events).toHaveLength(2);
  });

  it("signs out everywhere", async () => {
    t = testApp();
    const { user } = await adminWithKey(t.ctx);
    const a = browserFor(t.ctx, user);
    const b = browserFor(t.ctx, user);
    const r = await post(a, "/logout/everywhere", {});
    expect(r.status).toBe(303);
    expect(r.headers.get("set-cookie")).toContain("Max-Age=0");
    for (const s of [a, b]) expect(findWebSession(t.ctx.dbh.db, s.cookie.split("=")[1]!)).toBeUndefined();
  });
});
