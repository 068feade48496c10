import { afterEach, describe, expect, it } from "bun:test";
import { createApiKey, keyStillValid, listApiKeys } from "../../src/accounts/api-keys.ts";
import { testApp } from "../helpers/app.ts";
import { plainUserWithKey, serverJson } from "../helpers/registry.ts";

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
    const connectOnly = createApiKey(t.ctx.dbh.db, user.id, { name: "c", scopes: ["connect"], namespace: "acme", expiresAt: Date.now() + 60_000 }).key;
    const wider = await t.request("/api/v1/keys", json(connectOnly, { name: "x", scopes: ["connect", "publish"] }));
    expect(wider.status).toBe(403);
    expect(((await wider.json()) as { error: string }).error).toContain('lacks the "publish" scope');
    const elsewhere = await t.request("/api/v1/keys", json(connectOnly, { name: "x", scopes: ["connect"], namespace: "other" }));
    expect(elsewhere.status).toBe(403);
    const ok = await t.request("/api/v1/keys", json(connectOnly, { name: "x", scopes: ["connect"] }));
    expect(ok.status).toBe(201);
    const made = (await ok.json()) as { id: number; namespace: string; expiresAt: string };
    expect(made.namespace).toBe("acme");
    expect(new Date(made.expiresAt).getTime()).toBeLessThanOrEqual(Date.now() + 60_000);
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
