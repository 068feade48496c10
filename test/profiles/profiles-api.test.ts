import { afterEach, describe, expect, it } from "bun:test";
import { createApiKey } from "../../src/accounts/api-keys.ts";
import { SECRET_MASK } from "../../src/secrets/mask.ts";
import { testApp } from "../helpers/app.ts";
import { ENV_PACKAGE, jsonRequest } from "../helpers/profiles.ts";
import { adminWithKey, plainUserWithKey } from "../helpers/registry.ts";
import { publish } from "../ui/ui-helpers.ts";

const NAME = "io.github.test/env";
const SECRET = "sk-live-PROFILE-SECRET-4711";
let t: ReturnType<typeof testApp>;
afterEach(() => t?.close());

async function setup() {
  t = testApp({ "public-url": "https://hearth.example.com" });
  const admin = await adminWithKey(t.ctx, ["read", "connect", "publish"]);
  publish(t.ctx, admin.user, NAME, { packages: [ENV_PACKAGE] });
  const alice = plainUserWithKey(t.ctx, "alice@example.com", ["read", "connect"]);
  const bob = plainUserWithKey(t.ctx, "bob@example.com", ["read", "connect"]);
  return { admin, alice, bob };
}

async function create(auth: Record<string, string>, body: unknown) {
  const r = await t.request("/api/v1/profiles", jsonRequest("POST", body, auth));
  return { status: r.status, body: (await r.json()) as Record<string, any> };
}

describe("profiles API", () => {
  it("saves a config, answering with secrets masked and URLs that use the profile", async () => {
    const { alice } = await setup();
    const r = await create(alice.auth, { server: NAME, name: "work", config: { API_KEY: SECRET, REGION: "us" } });
    expect(r.status).toBe(201);
    expect(r.body.id).toMatch(/^prf_[A-Za-z0-9_-]{16}$/);
    expect(r.body.config).toEqual({ API_KEY: SECRET_MASK, REGION: "us" });
    expect(r.body.connections.http).toBe(`https://hearth.example.com/${NAME}/mcp?profile=${r.body.id}`);
    expect(JSON.stringify(r.body)).not.toContain(SECRET);
  });

  it("stores the config encrypted, not as plain text", async () => {
    const { alice } = await setup();
    await create(alice.auth, { server: NAME, name: "work", config: { API_KEY: SECRET } });
    const row = t.ctx.dbh.sqlite.query("SELECT config FROM profiles").get() as { config: string };
    expect(row.config).toStartWith("enc:v1:");
    expect(row.config).not.toContain(SECRET);
    expect(row.config).not.toContain("API_KEY");
  });

  it("lists, reads, renames, merges and deletes, never showing the secret", async () => {
    const { alice } = await setup();
    const { body: p } = await create(alice.auth, { server: NAME, name: "work", config: { API_KEY: SECRET } });
    const list = await (await t.request(`/api/v1/profiles?server=${NAME}`, { headers: alice.auth })).json();
    expect(list.profiles.map((x: { name: string }) => x.name)).toEqual(["work"]);
    const patched = await t.request(`/api/v1/profiles/${p.id}`, jsonRequest("PATCH", { name: "home", config: { REGION: "us" } }, alice.auth));
    expect(patched.status).toBe(200);
    // The secret was not sent again and is kept.
    expect((await patched.json()).config).toEqual({ API_KEY: SECRET_MASK, REGION: "us" });
    const one = await t.request(`/api/v1/profiles/${p.id}`, { headers: alice.auth });
    const text = await one.text();
    expect(text).toContain('"name":"home"');
    expect(text).not.toContain(SECRET);
    expect((await t.request(`/api/v1/profiles/${p.id}`, { method: "DELETE", headers: alice.auth })).status).toBe(204);
    expect((await t.request(`/api/v1/profiles/${p.id}`, { headers: alice.auth })).status).toBe(404);
  });

  it("is invisible to other users (404, as if it did not exist) but usable by admins", async () => {
    const { alice, bob, admin } = await setup();
    const { body: p } = await create(alice.auth, { server: NAME, name: "work", config: { API_KEY: SECRET } });
    for (const [method, body] of [["GET", undefined], ["PATCH", { name: "stolen" }], ["DELETE", undefined]] as const) {
      const r = await t.request(`/api/v1/profiles/${p.id}`, body ? jsonRequest(method, body, bob.auth) : { method, headers: bob.auth });
      expect(r.status).toBe(404);
    }
    expect((await (await t.request("/api/v1/profiles", { headers: bob.auth })).json()).profiles).toEqual([]);
    expect((await t.request(`/api/v1/profiles/${p.id}`, { headers: admin.auth })).status).toBe(200);
  });

  it("keeps a key restricted to another namespace away from the profiles of this one's servers", async () => {
    const { alice } = await setup();
    const { body: p } = await create(alice.auth, { server: NAME, name: "work", config: { API_KEY: SECRET } });
    const { key } = createApiKey(t.ctx.dbh.db, alice.user.id, { name: "elsewhere", scopes: ["read", "connect"], namespace: "io.github.other" });
    const narrow = { authorization: `Bearer ${key}` };
    for (const [method, body] of [["GET", undefined], ["PATCH", { config: { API_KEY: "attacker" } }], ["DELETE", undefined]] as const) {
      const r = await t.request(`/api/v1/profiles/${p.id}`, body ? jsonRequest(method, body, narrow) : { method, headers: narrow });
      expect([method, r.status]).toEqual([method, 403]);
    }
    expect((await create(narrow, { server: NAME, name: "other", config: { API_KEY: "k" } })).status).toBe(403);
    expect((await t.request(`/api/v1/profiles/${p.id}`, { headers: alice.auth })).status).toBe(200);
  });

  it.each([
    ["a config that fails the schema", { server: NAME, name: "x", config: { API_KEY: 42 } }, 422, "API_KEY must be a string"],
    ["a config missing a required secret", { server: NAME, name: "x", config: { REGION: "eu" } }, 422, "API_KEY is required"],
    ["a value outside the enum", { server: NAME, name: "x", config: { API_KEY: "k", REGION: "mars" } }, 422, "REGION must be one of"],
    ["an empty name", { server: NAME, name: "  ", config: { API_KEY: "k" } }, 422, "must not be empty"],
    ["a config that is not an object", { server: NAME, name: "x", config: [1] }, 422, "config"],
    ["an unknown server", { server: "io.github.test/nope", name: "x", config: {} }, 404, "no server named"],
  ])("refuses %s with a clear error and stores nothing", async (_what, body, status, message) => {
    const { alice } = await setup();
    const r = await create(alice.auth, body);
    expect(r.status).toBe(status);
    expect(JSON.stringify(r.body)).toContain(message);
    expect(t.ctx.dbh.sqlite.query("SELECT count(*) AS n FROM profiles").get()).toEqual({ n: 0 });
  });

  it("refuses a second profile with the same name for the same server (409)", async () => {
    const { alice } = await setup();
    await create(alice.auth, { server: NAME, name: "work", config: { API_KEY: "a" } });
    const r = await create(alice.auth, { server: NAME, name: "work", config: { API_KEY: "b" } });
    expect(r.status).toBe(409);
    expect(r.body.error).toContain('already have a profile named "work"');
  });

  it("refuses a PATCH that would make the config invalid, keeping the old one", async () => {
    const { alice } = await setup();
    const { body: p } = await create(alice.auth, { server: NAME, name: "work", config: { API_KEY: SECRET } });
    const r = await t.request(`/api/v1/profiles/${p.id}`, jsonRequest("PATCH", { config: { API_KEY: null } }, alice.auth));
    expect(r.status).toBe(422);
    expect((await (await t.request(`/api/v1/profiles/${p.id}`, { headers: alice.auth })).json()).config.API_KEY).toBe(SECRET_MASK);
  });

  it("needs a signed-in user or a key with the connect scope", async () => {
    await setup();
    expect((await t.request("/api/v1/profiles")).status).toBe(401);
    const reader = plainUserWithKey(t.ctx, "reader@example.com", ["read"]);
    expect((await t.request("/api/v1/profiles", { headers: reader.auth })).status).toBe(403);
  });
});
