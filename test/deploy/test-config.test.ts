import { afterEach, describe, expect, it } from "bun:test";
import { getDeployment } from "../../src/deploy/deployments.ts";
import { probeDeployment } from "../../src/deploy/probe.ts";
import { setTestConfig } from "../../src/deploy/test-config.ts";
import { serverConfigSchema } from "../../src/profiles/server-schema.ts";
import { findServer, getVersionById } from "../../src/registry/catalog.ts";
import { keyringOf } from "../../src/secrets/keyring.ts";
import { SECRET_MASK } from "../../src/secrets/mask.ts";
import { testApp } from "../helpers/app.ts";
import { startHosted, type HostedInstance } from "../helpers/hosted.ts";
import { ENV_PACKAGE, jsonRequest } from "../helpers/profiles.ts";
import { adminWithKey, plainUserWithKey } from "../helpers/registry.ts";
import { browserFor, form, publish } from "../ui/ui-helpers.ts";

const NAME = "io.github.test/env";
const SECRET = "sk-live-TESTCONFIG-SECRET-99";

describe("test config API", () => {
  let t: ReturnType<typeof testApp>;
  afterEach(() => t?.close());

  async function setup() {
    t = testApp();
    const admin = await adminWithKey(t.ctx);
    const owner = plainUserWithKey(t.ctx, "owner@example.com");
    publish(t.ctx, owner.user, NAME, { packages: [ENV_PACKAGE] });
    const other = plainUserWithKey(t.ctx, "other@example.com");
    return { admin, owner, other, path: `/api/v1/servers/${NAME}/test-config` };
  }

  it("stores an owner's test config encrypted and shows its secrets only as set", async () => {
    const { owner, path } = await setup();
    const put = await t.request(path, jsonRequest("PUT", { config: { API_KEY: SECRET } }, owner.auth));
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ config: { API_KEY: SECRET_MASK } });
    const got = await (await t.request(path, { headers: owner.auth })).text();
    expect(got).toContain(SECRET_MASK);
    expect(got).not.toContain(SECRET);
    const row = t.ctx.dbh.sqlite.query("SELECT config FROM server_test_configs").get() as { config: string };
    expect(row.config).toStartWith("enc:v1:");
    expect(row.config).not.toContain(SECRET);
  });

  it("merges: a later PUT without the secret keeps it; DELETE removes it all", async () => {
    const { owner, path } = await setup();
    await t.request(path, jsonRequest("PUT", { config: { API_KEY: SECRET } }, owner.auth));
    expect(await (await t.request(path, jsonRequest("PUT", { config: { REGION: "us" } }, owner.auth))).json()).toMatchObject({ config: { API_KEY: SECRET_MASK, REGION: "us" } });
    expect((await t.request(path, { method: "DELETE", headers: owner.auth })).status).toBe(204);
    expect(await (await t.request(path, { headers: owner.auth })).json()).toEqual({ config: null, updatedAt: null });
  });

  it.each([
    ["anonymous", undefined, 401],
    ["another user", "other", 403],
  ] as const)("refuses %s", async (_who, as, status) => {
    const s = await setup();
    const headers = as ? s[as].auth : {};
    expect((await t.request(s.path, jsonRequest("PUT", { config: { API_KEY: "k" } }, headers))).status).toBe(status);
    expect((await t.request(s.path, { headers })).status).toBe(status);
  });

  it("lets an admin set it", async () => {
    const { admin, path } = await setup();
    expect((await t.request(path, jsonRequest("PUT", { config: { API_KEY: "k" } }, admin.auth))).status).toBe(200);
  });

  it.each([
    ["a value of the wrong type", { config: { API_KEY: 5 } }, "API_KEY must be a string"],
    ["a missing required secret", { config: { REGION: "us" } }, "API_KEY is required"],
    ["a body without config", { nope: 1 }, "config"],
  ])("refuses %s with 422 and stores nothing", async (_what, b, says) => {
    const { owner, path } = await setup();
    const r = await t.request(path, jsonRequest("PUT", b, owner.auth));
    expect(r.status).toBe(422);
    expect(await r.text()).toContain(says);
    expect(t.ctx.dbh.sqlite.query("SELECT count(*) AS n FROM server_test_configs").get()).toEqual({ n: 0 });
  });
});

describe("test config on the Deployments page", () => {
  let t: ReturnType<typeof testApp>;
  afterEach(() => t?.close());

  it("is a form owners save, showing what is stored with secrets masked", async () => {
    t = testApp();
    const owner = plainUserWithKey(t.ctx, "owner@example.com");
    publish(t.ctx, owner.user, NAME, { packages: [ENV_PACKAGE] });
    const b = browserFor(t.ctx, owner.user);
    const before = await (await t.request(`/${NAME}/deployments`, { headers: { cookie: b.cookie } })).text();
    expect(before).toContain("No test config stored");
    expect(before).toContain('name="config.API_KEY"');
    const r = await t.request(`/${NAME}/deployments/test-config`, { method: "POST", body: form({ _csrf: b.csrf, "config.API_KEY": SECRET }), headers: b.post() });
    expect(r.status).toBe(303);
    const after = await (await t.request(`/${NAME}/deployments`, { headers: { cookie: b.cookie } })).text();
    expect(after).toContain(`<dd>${SECRET_MASK}</dd>`);
    expect(after).not.toContain(SECRET);
    expect((await t.request(`/${NAME}/deployments/test-config`, { method: "POST", body: form({ "config.API_KEY": "x" }), headers: b.post() })).status).toBe(403);
    expect((await t.request(`/${NAME}/deployments/test-config/clear`, { method: "POST", body: form({ _csrf: b.csrf }), headers: b.post() })).status).toBe(303);
    expect(await (await t.request(`/${NAME}/deployments`, { headers: { cookie: b.cookie } })).text()).toContain("No test config stored");
  });
});

describe("the tool-list probe", () => {
  let h: HostedInstance | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function probe(script: string) {
    h = await startHosted();
    h.deployFixture(NAME, script, { packages: [ENV_PACKAGE] });
    const server = findServer(h.ctx.dbh, { userId: null, isAdmin: true }, NAME);
    const run = () => {
      const d = getDeployment(h!.ctx.dbh, server.id)!;
      return probeDeployment(h!.ctx, NAME, d, getVersionById(h!.ctx.dbh, d.versionId));
    };
    return { server, run };
  }

  it("says 'needs config' without a test config, and lists the tools with one", async () => {
    const { server, run } = await probe("env-server.ts");
    expect((await run()).snapshot.needsConfig).toBe(true);
    setTestConfig(h!.ctx.dbh, keyringOf(h!.ctx), server.id, serverConfigSchema(h!.ctx.dbh, server.id), { API_KEY: SECRET }, 1);
    const { snapshot } = await run();
    expect(snapshot.needsConfig).toBe(false);
    expect(snapshot.tools.map((x) => (x as { name: string }).name)).toEqual(["env"]);
  });

  it("keeps the test config's values out of the recorded error when the server prints them", async () => {
    const { server, run } = await probe("leaky-crash.ts");
    setTestConfig(h!.ctx.dbh, keyringOf(h!.ctx), server.id, serverConfigSchema(h!.ctx.dbh, server.id), { API_KEY: SECRET }, 1);
    const { snapshot } = await run();
    expect(snapshot.error).toContain("API_KEY=[redacted]");
    expect(snapshot.error).not.toContain(SECRET);
  }, 30_000);
});
