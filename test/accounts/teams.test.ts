import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { createTeam, namespaceRole, setMember } from "../../src/accounts/teams.ts";
import { listAudit } from "../../src/audit/audit-log.ts";
import { namespaces } from "../../src/db/schema.ts";
import { findServer } from "../../src/registry/catalog.ts";
import { normaliseServerJson } from "../../src/registry/manifest-server-json.ts";
import { publishVersion } from "../../src/registry/publish.ts";
import { eq } from "drizzle-orm";
import { testApp } from "../helpers/app.ts";
import { serverJson } from "../helpers/registry.ts";
import { teamWorld, type TeamWorld } from "../helpers/teams.ts";

let t: ReturnType<typeof testApp>;
let w: TeamWorld;
beforeEach(() => {
  t = testApp();
  w = teamWorld(t.ctx);
});
afterEach(() => t.close());

const json = (auth: string, body: unknown, method = "POST") => ({ method, headers: { authorization: auth, "content-type": "application/json" }, body: JSON.stringify(body) });
const publishAs = (auth: string, name: string, version = "2.0.0") => t.request("/api/v1/servers", json(auth, serverJson(name, { version })));

describe("teams", () => {
  it("creating a team makes its namespace, with the creator as owner", async () => {
    const r = await t.request("/api/v1/teams", json(w.member.bearer, { name: "newco" }));
    expect(r.status).toBe(201);
    expect(await r.json()).toMatchObject({ name: "newco", role: "owner" });
    const ns = t.ctx.dbh.db.select().from(namespaces).where(eq(namespaces.name, "newco")).get()!;
    expect(ns.kind).toBe("team");
    expect(namespaceRole(t.ctx.dbh.db, w.member.user.id, ns)).toBe("owner");
  });

  it("records team creation and member changes in the audit log, with who did them", async () => {
    expect((await t.request("/api/v1/teams", json(w.member.bearer, { name: "auditco" }))).status).toBe(201);
    expect((await t.request("/api/v1/teams/auditco/members", json(w.member.bearer, { email: "outsider@example.com", role: "publisher" }, "PUT"))).status).toBe(200);
    expect((await t.request("/api/v1/teams/auditco/members/outsider%40example.com", { method: "DELETE", headers: { authorization: w.member.bearer } })).status).toBe(204);
    const events = listAudit(t.ctx.dbh.db, { action: "team." }, 1, 10).events.map((e) => [e.action, e.target, e.detail, e.actor.startsWith("member@example.com")]);
    expect(events.sort()).toEqual([
      ["team.create", "auditco", null, true],
      ["team.member_remove", "auditco", "outsider@example.com", true],
      ["team.member_set", "auditco", "outsider@example.com as publisher", true],
    ]);
  });

  it("refuses a reserved, malformed or taken team name", async () => {
    for (const name of ["api", "../etc", "a/b", "", "x".repeat(150), "-lead"]) {
      const r = await t.request("/api/v1/teams", json(w.member.bearer, { name }));
      expect([r.status, name]).toEqual([422, name]);
    }
    const taken = await t.request("/api/v1/teams", json(w.member.bearer, { name: "ACME" }));
    expect(taken.status).toBe(409);
    // Someone else's personal namespace is taken too.
    publishVersion(t.ctx.dbh, w.outsider.user, { manifest: normaliseServerJson(serverJson("solo/tool")) });
    expect((await t.request("/api/v1/teams", json(w.member.bearer, { name: "solo" }))).status).toBe(409);
  });

  it("turns the creator's own personal namespace into the team's, servers and all", () => {
    publishVersion(t.ctx.dbh, w.member.user, { manifest: normaliseServerJson(serverJson("mine/tool")), visibility: "private" });
    createTeam(t.ctx.dbh.db, w.member.user, "mine");
    setMember(t.ctx.dbh.db, w.member.user, "mine", w.outsider.user.email, "member");
    // The new member sees the private server that moved into the team.
    expect(findServer(t.ctx.dbh, { userId: w.outsider.user.id, isAdmin: false }, "mine/tool").role).toBe("member");
  });

  it("lets owners and admins manage members, and no one else", async () => {
    const add = (auth: string, email: string, role = "member") => t.request("/api/v1/teams/acme/members", json(auth, { email, role }, "PUT"));
    expect((await add(w.publisher.bearer, w.outsider.user.email)).status).toBe(403);
    expect((await add(w.member.bearer, w.outsider.user.email)).status).toBe(403);
    // An outsider can't tell the team exists.
    expect((await add(w.outsider.bearer, w.outsider.user.email)).status).toBe(404);
    expect((await add(w.owner.bearer, w.outsider.user.email, "publisher")).status).toBe(200);
    expect((await add(w.admin.bearer, w.outsider.user.email, "member")).status).toBe(200);
    const team = (await (await t.request("/api/v1/teams/acme", { headers: { authorization: w.outsider.bearer } })).json()) as { members: { email: string; role: string }[] };
    expect(team.members).toContainEqual({ email: w.outsider.user.email, role: "member" });
  });

  it("refuses an unknown user, an unknown role and a missing body field with 422", async () => {
    const add = (body: unknown) => t.request("/api/v1/teams/acme/members", json(w.owner.bearer, body, "PUT"));
    expect((await add({ email: "nobody@example.com", role: "member" })).status).toBe(422);
    expect((await add({ email: w.outsider.user.email, role: "boss" })).status).toBe(422);
    expect((await add({ role: "member" })).status).toBe(422);
  });

  it("never leaves a team without an owner", async () => {
    const demote = await t.request("/api/v1/teams/acme/members", json(w.owner.bearer, { email: w.owner.user.email, role: "member" }, "PUT"));
    expect(demote.status).toBe(409);
    const remove = await t.request(`/api/v1/teams/acme/members/${encodeURIComponent(w.owner.user.email)}`, { method: "DELETE", headers: { authorization: w.owner.bearer } });
    expect(remove.status).toBe(409);
    const removeMember = await t.request(`/api/v1/teams/acme/members/${encodeURIComponent(w.member.user.email)}`, { method: "DELETE", headers: { authorization: w.owner.bearer } });
    expect(removeMember.status).toBe(204);
  });

  it("lists a user's own teams, and every team for admins", async () => {
    const names = async (auth: string) => ((await (await t.request("/api/v1/teams", { headers: { authorization: auth } })).json()) as { teams: { name: string }[] }).teams.map((x) => x.name);
    expect(await names(w.member.bearer)).toEqual(["acme"]);
    expect(await names(w.outsider.bearer)).toEqual(["other"]);
    expect(await names(w.admin.bearer)).toEqual(["acme", "other"]);
  });
});

describe("roles in a team's namespace", () => {
  it("publishing needs publisher or owner there (admins anywhere)", async () => {
    expect((await publishAs(w.member.bearer, "acme/secret")).status).toBe(403);
    expect((await publishAs(w.outsider.bearer, "acme/new")).status).toBe(403);
    expect((await publishAs(w.publisher.bearer, "acme/secret")).status).toBe(201);
    expect((await publishAs(w.owner.bearer, "acme/secret", "3.0.0")).status).toBe(201);
    expect((await publishAs(w.admin.bearer, "acme/secret", "4.0.0")).status).toBe(201);
  });

  it("the official publish endpoint follows the same rule", async () => {
    const post = (auth: string, version: string) => t.request("/v0.1/publish", json(auth, serverJson("acme/secret", { version })));
    expect((await post(w.member.bearer, "5.0.0")).status).toBe(403);
    expect((await post(w.publisher.bearer, "5.0.0")).status).toBe(200);
  });

  it("a team name can't be squatted through a differently cased namespace", async () => {
    expect((await publishAs(w.outsider.bearer, "Acme/tool")).status).toBe(403);
  });

  it("deploying needs publisher or owner; members get 403 and outsiders 404 on a private server", async () => {
    const deploy = (auth: string) => t.request("/api/v1/servers/acme/secret/deploy", { method: "POST", headers: { authorization: auth } });
    expect((await deploy(w.member.bearer)).status).toBe(403);
    expect((await deploy(w.outsider.bearer)).status).toBe(404);
    // Past the checks: this test app hosts nothing, so 503 says authorization passed.
    expect((await deploy(w.publisher.bearer)).status).toBe(503);
    expect((await deploy(w.owner.bearer)).status).toBe(503);
  });
});

describe("private servers", () => {
  const search = async (auth: string | undefined, q: string) => {
    const r = await t.request(`/api/v1/servers?q=${encodeURIComponent(q)}`, auth ? { headers: { authorization: auth } } : {});
    return ((await r.json()) as { servers: { qualifiedName: string }[] }).servers.map((s) => s.qualifiedName).sort();
  };

  it("appear in search (FTS and listing) for the team's members and admins only", async () => {
    for (const q of ["", "things", "secret", "owner:acme"]) {
      expect(await search(w.member.bearer, q)).toContain("acme/secret");
      expect(await search(w.admin.bearer, q)).toContain("acme/secret");
      expect(await search(w.outsider.bearer, q)).not.toContain("acme/secret");
      expect(await search(undefined, q)).not.toContain("acme/secret");
    }
    expect(await search(w.outsider.bearer, "")).toEqual(["acme/open", "other/hidden"]);
  });

  it("are in the official list for members only", async () => {
    const names = async (auth: string) => ((await (await t.request("/v0.1/servers", { headers: { authorization: auth } })).json()) as { servers: { server: { name: string } }[] }).servers.map((s) => s.server.name);
    expect(await names(w.member.bearer)).toContain("acme/secret");
    expect(await names(w.outsider.bearer)).not.toContain("acme/secret");
  });

  it("answer outsiders exactly as a server that doesn't exist", async () => {
    for (const [hidden, missing] of [
      ["/api/v1/servers/acme/secret", "/api/v1/servers/acme/nosuch"],
      ["/v0.1/servers/acme%2Fsecret/versions", "/v0.1/servers/acme%2Fnosuch/versions"],
      ["/api/v1/servers/acme/secret/logs", "/api/v1/servers/acme/nosuch/logs"],
    ] as const) {
      const a = await t.request(hidden, { headers: { authorization: w.outsider.bearer } });
      const b = await t.request(missing, { headers: { authorization: w.outsider.bearer } });
      expect(a.status).toBe(404);
      expect(b.status).toBe(404);
      expect((await a.text()).replace("secret", "X")).toBe((await b.text()).replace("nosuch", "X"));
    }
  });
});

describe("a key restricted to a namespace", () => {
  it("publishes, deploys and connects only there", async () => {
    const { createApiKey } = await import("../../src/accounts/api-keys.ts");
    const { setDeploymentState } = await import("../../src/deploy/deployments.ts");
    const { getVersion } = await import("../../src/registry/catalog.ts");
    // The owner of acme also has a personal namespace; the key is for acme only.
    publishVersion(t.ctx.dbh, w.owner.user, { manifest: normaliseServerJson(serverJson("ownerself/tool")) });
    const { key } = createApiKey(t.ctx.dbh.db, w.owner.user.id, { name: "ci", scopes: ["publish", "connect"], namespace: "acme" });
    const auth = `Bearer ${key}`;
    expect((await publishAs(auth, "acme/secret", "6.0.0")).status).toBe(201);
    expect((await publishAs(auth, "ownerself/tool")).status).toBe(403);
    expect((await publishAs(auth, "fresh/tool")).status).toBe(403);
    const deploy = (name: string) => t.request(`/api/v1/servers/${name}/deploy`, { method: "POST", headers: { authorization: auth } });
    expect((await deploy("acme/secret")).status).toBe(503);
    expect((await deploy("ownerself/tool")).status).toBe(403);
    const own = findServer(t.ctx.dbh, { userId: null, isAdmin: true }, "ownerself/tool");
    setDeploymentState(t.ctx.dbh, own.id, "ready", { versionId: getVersion(t.ctx.dbh, own.id, "latest").id });
    const init = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "t", version: "1" } } });
    const mcp = await t.request("/ownerself/tool/mcp", { method: "POST", body: init, headers: { authorization: auth, accept: "application/json, text/event-stream", "content-type": "application/json" } });
    expect(mcp.status).toBe(403);
  });
});
