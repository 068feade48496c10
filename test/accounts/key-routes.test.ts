import { afterEach, describe, expect, it } from "bun:test";
import { createApiKey, keyStillValid, listApiKeys, revocationCount, revokeApiKey } from "../../src/accounts/api-keys.ts";
import { testApp } from "../helpers/app.ts";
import { adminWithKey, plainUserWithKey, serverJson } from "../helpers/registry.ts";
import { browserFor, form } from "../ui/ui-helpers.ts";

let t: ReturnType<typeof testApp>;
afterEach(() => t?.close());

const bearer = (key: string) => ({ authorization: `Bearer ${key}`, "content-type": "application/json" });
const json = (key: string, body: unknown, method = "POST") => ({ method, headers: bearer(key), body: JSON.stringify(body) });

describe("a 403 for a missing scope", () => {
  it("says how to get a key that has it: /account, or hearth key create with the scopes", async () => {
    t = testApp();
    const { key } = plainUserWithKey(t.ctx, "pub@example.com", ["read", "connect"]);
    const r = await t.request("/api/v1/servers", json(key, serverJson("pub/x")));
    expect(r.status).toBe(403);
    const body = (await r.json()) as { error: string; missingScope: string };
    expect(body.missingScope).toBe("publish");
    expect(body.error).toBe('this API key lacks the "publish" scope; make a key that has it on your /account page, or on the Hearth\'s host with `hearth key create --user pub@example.com --name NAME --scopes read,connect,publish`');
  });
});

describe("POST /api/v1/keys", () => {
  it("makes a connect-only key from a broader one, stored with its name and scopes", async () => {
    t = testApp();
    const { user, key } = plainUserWithKey(t.ctx, "u@example.com");
    const r = await t.request("/api/v1/keys", json(key, { name: "Cursor: acme/x (hearth install)", scopes: ["connect"], namespace: "acme" }));
    expect(r.status).toBe(201);
    const made = (await r.json()) as { id: number; key: string };
    expect(made.key).toMatch(/^hth_/);
    const row = listApiKeys(t.ctx.dbh.db, user.id).find((k) => k.id === made.id)!;
    expect(row).toMatchObject({ name: "Cursor: acme/x (hearth install)", scopes: ["connect"], namespace: "acme", revokedAt: null });
  });

  it("refuses a scope the calling key lacks, a wider namespace, and keeps the caller's expiry", async () => {
    t = testApp();
    const { user } = plainUserWithKey(t.ctx, "u@example.com");
    const parent = createApiKey(t.ctx.dbh.db, user.id, { name: "c", scopes: ["read", "connect"], namespace: "acme", expiresAt: Date.now() + 60_000 }).key;
    const wider = await t.request("/api/v1/keys", json(parent, { name: "x", scopes: ["connect", "publish"] }));
    expect(wider.status).toBe(403);
    expect(((await wider.json()) as { error: string }).error).toContain('lacks the "publish" scope');
    const elsewhere = await t.request("/api/v1/keys", json(parent, { name: "x", scopes: ["connect"], namespace: "other" }));
    expect(elsewhere.status).toBe(403);
    const ok = await t.request("/api/v1/keys", json(parent, { name: "x", scopes: ["connect"] }));
    expect(ok.status).toBe(201);
    const made = (await ok.json()) as { id: number; namespace: string; expiresAt: string };
    expect(made.namespace).toBe("acme");
    expect(new Date(made.expiresAt).getTime()).toBeLessThanOrEqual(Date.now() + 60_000);
  });
});

describe("POST /api/v1/keys: a key makes only keys that can do less", () => {
  it("refuses a connect-only key outright, saying to use /account or a key with more scopes", async () => {
    t = testApp();
    const { user } = plainUserWithKey(t.ctx, "u@example.com");
    const connectOnly = createApiKey(t.ctx.dbh.db, user.id, { name: "Cursor: a/b (hearth install)", scopes: ["connect"] }).key;
    const r = await t.request("/api/v1/keys", json(connectOnly, { name: "copy", scopes: ["connect"] }));
    expect(r.status).toBe(403);
    expect(((await r.json()) as { error: string }).error).toBe(
      'a connect-only API key cannot make keys; make one on your /account page, or with a key that has more scopes than "connect"',
    );
    expect(listApiKeys(t.ctx.dbh.db, user.id)).toHaveLength(2);
  });

  it("refuses a key that would have every scope of the key making it", async () => {
    t = testApp();
    const { user, key } = plainUserWithKey(t.ctx, "u@example.com", ["read", "connect"]);
    const same = await t.request("/api/v1/keys", json(key, { name: "copy", scopes: ["connect", "read"] }));
    expect(same.status).toBe(403);
    expect(((await same.json()) as { error: string }).error).toContain("a key makes only keys with fewer scopes than its own (this one has read, connect)");
    expect((await t.request("/api/v1/keys", json(key, { name: "r", scopes: ["read"] }))).status).toBe(201);
    expect(listApiKeys(t.ctx.dbh.db, user.id)).toHaveLength(2);
  });

  it("refuses a key with the admin scope making another admin key, and lets it make one with less", async () => {
    t = testApp();
    const { user, key } = await adminWithKey(t.ctx, ["admin"]);
    expect((await t.request("/api/v1/keys", json(key, { name: "copy", scopes: ["admin"] }))).status).toBe(403);
    expect((await t.request("/api/v1/keys", json(key, { name: "rc", scopes: ["read", "connect", "publish"] }))).status).toBe(201);
    expect(listApiKeys(t.ctx.dbh.db, user.id)).toHaveLength(2);
  });

  it("still lets a signed-in browser (with its CSRF token) make a key with any scope it may have", async () => {
    t = testApp();
    const { user } = plainUserWithKey(t.ctx, "u@example.com", ["connect"]);
    const b = browserFor(t.ctx, user);
    const r = await t.request("/api/v1/keys", { method: "POST", headers: { cookie: b.cookie, origin: "http://localhost", "x-csrf-token": b.csrf, "content-type": "application/json" }, body: JSON.stringify({ name: "laptop", scopes: ["read", "connect", "publish"] }) });
    expect(r.status).toBe(201);
    const made = (await r.json()) as { id: number };
    expect(listApiKeys(t.ctx.dbh.db, user.id).find((k) => k.id === made.id)).toMatchObject({ scopes: ["read", "connect", "publish"], parentKeyId: null });
  });
});

describe("keys made by keys are tied to the key that made them", () => {
  // parent (read, connect, publish) -> child (read, connect) -> grandchild (connect); a sibling made on /account.
  async function family() {
    const { user, key } = plainUserWithKey(t.ctx, "u@example.com");
    const parentId = listApiKeys(t.ctx.dbh.db, user.id)[0]!.id;
    const child = (await (await t.request("/api/v1/keys", json(key, { name: "child", scopes: ["read", "connect"] }))).json()) as { id: number; key: string };
    const grandchild = (await (await t.request("/api/v1/keys", json(child.key, { name: "grandchild", scopes: ["connect"] }))).json()) as { id: number; key: string };
    const sibling = createApiKey(t.ctx.dbh.db, user.id, { name: "sibling", scopes: ["read"] });
    return { user, key, parentId, child, grandchild, sibling };
  }

  it("records the key that made it", async () => {
    t = testApp();
    const f = await family();
    const rows = listApiKeys(t.ctx.dbh.db, f.user.id);
    expect(rows.find((k) => k.id === f.child.id)!.parentKeyId).toBe(f.parentId);
    expect(rows.find((k) => k.id === f.grandchild.id)!.parentKeyId).toBe(f.child.id);
    expect(rows.find((k) => k.id === f.sibling.id)!.parentKeyId).toBeNull();
  });

  it("DELETE /api/v1/keys/self (what hearth uninstall does) revokes the key, what it made, and what those made", async () => {
    t = testApp();
    const f = await family();
    expect((await t.request("/api/v1/keys/self", { method: "DELETE", headers: bearer(f.key) })).status).toBe(204);
    expect(keyStillValid(t.ctx.dbh.db, f.parentId)).toBe(false);
    expect(keyStillValid(t.ctx.dbh.db, f.child.id)).toBe(false);
    expect(keyStillValid(t.ctx.dbh.db, f.grandchild.id)).toBe(false);
    expect(keyStillValid(t.ctx.dbh.db, f.sibling.id)).toBe(true);
    expect((await t.request("/api/v1/keys/self", { headers: bearer(f.grandchild.key) })).status).toBe(401);
  });

  it("revoking a key in the middle leaves the key that made it working", async () => {
    t = testApp();
    const f = await family();
    expect((await t.request("/api/v1/keys/self", { method: "DELETE", headers: bearer(f.child.key) })).status).toBe(204);
    expect(keyStillValid(t.ctx.dbh.db, f.grandchild.id)).toBe(false);
    expect(keyStillValid(t.ctx.dbh.db, f.parentId)).toBe(true);
  });

  it("revoking on /account revokes the keys it made too", async () => {
    t = testApp();
    const f = await family();
    const b = browserFor(t.ctx, f.user);
    const r = await t.request(`/account/keys/${f.parentId}/revoke`, { method: "POST", body: form({ _csrf: b.csrf }), headers: b.post() });
    expect(r.status).toBe(303);
    expect(keyStillValid(t.ctx.dbh.db, f.child.id)).toBe(false);
    expect(keyStillValid(t.ctx.dbh.db, f.grandchild.id)).toBe(false);
    expect(keyStillValid(t.ctx.dbh.db, f.sibling.id)).toBe(true);
  });

  it("revokeApiKey tells open sessions to re-check, so sessions of the keys it made end too", async () => {
    t = testApp();
    const f = await family();
    const before = revocationCount();
    revokeApiKey(t.ctx.dbh.db, f.parentId);
    expect(revocationCount()).toBeGreaterThan(before);
    expect(keyStillValid(t.ctx.dbh.db, f.grandchild.id)).toBe(false);
  });
});

describe("a cap on live keys per user", () => {
  const CAP = 100; // MAX_LIVE_KEYS_PER_USER in api-keys.ts, as README documents it
  it(`refuses key number ${CAP + 1}, naming the cap and /account; revoked and expired keys don't count`, async () => {
    t = testApp();
    const { user, key } = plainUserWithKey(t.ctx, "u@example.com");
    const db = t.ctx.dbh.db;
    const old = createApiKey(db, user.id, { name: "old", scopes: ["read"] });
    revokeApiKey(db, old.id);
    const expired = createApiKey(db, user.id, { name: "expired", scopes: ["read"], expiresAt: Date.now() + 60_000 });
    t.ctx.dbh.sqlite.query("UPDATE api_keys SET expires_at = 1 WHERE id = ?").run(expired.id);
    for (let i = 1; i < CAP; i++) createApiKey(db, user.id, { name: `k${i}`, scopes: ["read"] });
    const r = await t.request("/api/v1/keys", json(key, { name: "one more", scopes: ["connect"] }));
    expect(r.status).toBe(409);
    expect(((await r.json()) as { error: string }).error).toBe(
      `you already have ${CAP} live API keys, the most one user may have; revoke the ones you no longer use on your /account page (or with \`hearth key revoke\` on the Hearth's host), then try again`,
    );
    expect(listApiKeys(db, user.id)).toHaveLength(CAP + 2);
    const b = browserFor(t.ctx, user);
    const page = await t.request("/account/keys", { method: "POST", body: form({ _csrf: b.csrf, name: "laptop", scopes: "read" }), headers: b.post() });
    expect(page.status).toBe(409);
    expect(await page.text()).toContain(`the most one user may have; revoke the ones you no longer use on your /account page`);
    const other = plainUserWithKey(t.ctx, "other@example.com");
    expect((await t.request("/api/v1/keys", json(other.key, { name: "fine", scopes: ["connect"] }))).status).toBe(201);
  });
});

describe("/api/v1/keys/self", () => {
  it("tells a connect-only key its own name and scopes, then revokes it", async () => {
    t = testApp();
    const { user } = plainUserWithKey(t.ctx, "u@example.com");
    const made = createApiKey(t.ctx.dbh.db, user.id, { name: "Claude Desktop: a/b (hearth install)", scopes: ["connect"] });
    const me = await t.request("/api/v1/keys/self", { headers: bearer(made.key) });
    expect(await me.json()).toEqual({ id: made.id, name: "Claude Desktop: a/b (hearth install)", scopes: ["connect"], namespace: null });
    expect((await t.request("/api/v1/keys/self", { method: "DELETE", headers: bearer(made.key) })).status).toBe(204);
    expect(keyStillValid(t.ctx.dbh.db, made.id)).toBe(false);
    expect((await t.request("/api/v1/keys/self", { headers: bearer(made.key) })).status).toBe(401);
  });
});
