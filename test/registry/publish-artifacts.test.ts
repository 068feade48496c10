import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createApiKey } from "../../src/accounts/api-keys.ts";
import { createTeam, setMember } from "../../src/accounts/teams.ts";
import { users } from "../../src/db/schema.ts";
import { openInstance } from "../../src/db/instance.ts";
import { publishCommand } from "../../src/cli/publish.ts";
import { loadConfig } from "../../src/config/config.ts";
import { isAppError } from "../../src/shared/app-error.ts";
import { testApp } from "../helpers/app.ts";
import { serverJson } from "../helpers/registry.ts";
import { teamWorld, type TeamWorld } from "../helpers/teams.ts";
import { tempDir } from "../helpers/temp.ts";
import { tarGz } from "../fixtures/installer/build.ts";

// A refused publish (403, 409, 422) must leave the artifacts store exactly as it was: an upload is
// staged and kept only once its version is stored. Every publish path is tried.

let t: ReturnType<typeof testApp>;
let w: TeamWorld;
let dir: ReturnType<typeof tempDir>;
let data: string;
let tgz: Uint8Array<ArrayBuffer>;
beforeEach(async () => {
  dir = tempDir("hearth-publish-artifacts-");
  data = join(dir.path, "data");
  t = testApp({ data });
  w = teamWorld(t.ctx);
  tgz = await tarGz([{ name: "package/package.json", content: JSON.stringify({ name: "acme-pkg", version: "1.0.0", mcpName: "acme/pkg", bin: "index.js" }) }, { name: "package/index.js", content: "" }]);
});
afterEach(() => {
  t.close();
  dir.cleanup();
});

/** stored lists the artifacts dir, temp files included (a missing dir is an empty store). */
function stored(): string[] {
  const a = join(data, "artifacts");
  return existsSync(a) ? readdirSync(a).sort() : [];
}

const sha = (b: Uint8Array) => new Bun.CryptoHasher("sha256").update(b).digest("hex");

/** multipart posts a manifest (or a package as `file`) with an optional artifact to /api/v1/servers. */
function multipart(bearer: string, file: File, fields: Record<string, string | File> = {}) {
  const body = new FormData();
  body.set("file", file);
  for (const [k, v] of Object.entries(fields)) body.set(k, v);
  return t.request("/api/v1/servers", { method: "POST", body, headers: { authorization: bearer } });
}
const manifestFile = (name: string, extra: Record<string, unknown> = {}) => new File([JSON.stringify(serverJson(name, extra))], "server.json");
const artifactFile = () => new File([tgz], "package.tgz");

describe("POST /api/v1/servers (multipart) stores nothing when it refuses", () => {
  it("403: a manifest with an artifact into someone else's namespace", async () => {
    const r = await multipart(w.outsider.bearer, manifestFile("acme/intruder"), { artifact: artifactFile() });
    expect(r.status).toBe(403);
    expect(stored()).toEqual([]);
  });

  it("403: a package file alone into someone else's namespace, and a member (no publish role) of the team", async () => {
    expect((await multipart(w.outsider.bearer, new File([tgz], "acme-pkg.tgz"))).status).toBe(403);
    expect((await multipart(w.member.bearer, new File([tgz], "acme-pkg.tgz"))).status).toBe(403);
    expect(stored()).toEqual([]);
  });

  it("403: a key limited to one namespace publishing elsewhere", async () => {
    const { key } = createApiKey(t.ctx.dbh.db, w.publisher.user.id, { name: "acme only", scopes: ["publish"], namespace: "acme" });
    const r = await multipart(`Bearer ${key}`, manifestFile("publisher/own"), { artifact: artifactFile() });
    expect(r.status).toBe(403);
    expect((await r.json()).error).toContain('restricted to the namespace "acme"');
    expect(stored()).toEqual([]);
  });

  it("409: a repeated version with an artifact", async () => {
    const r = await multipart(w.publisher.bearer, manifestFile("acme/open"), { artifact: artifactFile() });
    expect(r.status).toBe(409);
    expect(stored()).toEqual([]);
  });

  it("422: an invalid manifest with an artifact, and packages that can't be read or named", async () => {
    expect((await multipart(w.publisher.bearer, manifestFile("acme/bad", { description: 42 }), { artifact: artifactFile() })).status).toBe(422);
    expect((await multipart(w.publisher.bearer, new File(["not a tarball at all"], "junk.tgz"))).status).toBe(422);
    const unnamed = await tarGz([{ name: "package/package.json", content: JSON.stringify({ name: "unnamed", version: "1.0.0" }) }]);
    const r = await multipart(w.publisher.bearer, new File([unnamed], "unnamed.tgz"));
    expect([r.status, await r.text()]).toEqual([422, expect.stringContaining("--name")]);
    expect(stored()).toEqual([]);
  });

  it("keeps an artifact already stored when a refused publish uploads the same bytes", async () => {
    const ok = await multipart(w.publisher.bearer, manifestFile("acme/first"), { artifact: artifactFile() });
    expect(ok.status).toBe(201);
    expect(stored()).toEqual([sha(tgz)]);
    expect((await multipart(w.outsider.bearer, manifestFile("acme/second"), { artifact: artifactFile() })).status).toBe(403);
    expect((await multipart(w.publisher.bearer, manifestFile("acme/first"), { artifact: artifactFile() })).status).toBe(409);
    expect(stored()).toEqual([sha(tgz)]);
  });

  it("stores exactly one artifact, under its hash, for a successful publish (manifest + artifact, and package alone)", async () => {
    const r = await multipart(w.publisher.bearer, new File([tgz], "acme-pkg.tgz"));
    expect(r.status, await r.clone().text()).toBe(201);
    expect(stored()).toEqual([sha(tgz)]);
    const other = await tarGz([{ name: "package/package.json", content: JSON.stringify({ name: "other-pkg", version: "2.0.0" }) }]);
    const r2 = await multipart(w.publisher.bearer, manifestFile("acme/beside"), { artifact: new File([other], "other.tgz") });
    expect(r2.status).toBe(201);
    expect(stored()).toEqual([sha(tgz), sha(other)].sort());
  });
});

describe("the other publish paths leave the store as it was when they refuse", () => {
  it("POST /api/v1/servers as JSON and raw body, /v0.1/publish and /v0/publish: 403, 409, 422", async () => {
    const json = (path: string, bearer: string, body: unknown) => t.request(path, { method: "POST", body: JSON.stringify(body), headers: { authorization: bearer, "content-type": "application/json" } });
    for (const path of ["/api/v1/servers", "/v0.1/publish", "/v0/publish"]) {
      expect((await json(path, w.outsider.bearer, serverJson("acme/x"))).status).toBe(403);
      expect((await json(path, w.publisher.bearer, serverJson("acme/open"))).status).toBe(409);
      expect((await json(path, w.publisher.bearer, serverJson("acme/x", { description: 42 }))).status).toBe(422);
    }
    expect((await json("/api/v1/servers", w.outsider.bearer, { manifest: serverJson("acme/x") })).status).toBe(403);
    expect(stored()).toEqual([]);
  });

  it("the /publish form: refused (shown as 422) stores nothing; published stores one", async () => {
    const send = (who: TeamWorld["admin"], name: string) => {
      const body = new FormData();
      body.set("_csrf", who.csrf);
      body.set("manifest", JSON.stringify(serverJson(name)));
      body.set("artifact", artifactFile());
      return t.request("/publish", { method: "POST", body, headers: { cookie: who.cookie, origin: "http://localhost" } });
    };
    const refused = await send(w.outsider, "acme/intruder");
    expect([refused.status, await refused.text()]).toEqual([422, expect.stringContaining("belongs to someone else")]);
    expect((await send(w.publisher, "acme/open")).status).toBe(422);
    expect(stored()).toEqual([]);
    expect((await send(w.publisher, "acme/via-form")).status).toBe(303);
    expect(stored()).toEqual([sha(tgz)]);
  });
});

describe("hearth publish (offline)", () => {
  // The CLI opens the data dir's own database, so this instance is seeded there, not in t.
  async function offline(positional: string, flags: { as: string; artifact?: string }) {
    return publishCommand.run({ config: loadConfig({ flags: { data }, env: {} }), flags: { private: false, "dry-run": false, ...flags }, positionals: [positional], configFlagsGiven: new Set(), env: {} }).catch((e: unknown) => e);
  }

  it("refuses another's namespace, a repeated version and a bad package without storing, then publishes one", async () => {
    const { dbh } = openInstance(data);
    try {
      const [dev, ops] = ["dev@example.com", "ops@example.com"].map((email) => dbh.db.insert(users).values({ email, passwordHash: "x", role: "user" }).returning().get());
      createTeam(dbh.db, dev!, "acme");
      setMember(dbh.db, dev!, "acme", ops!.email, "member");
    } finally {
      dbh.close();
    }
    const pkg = join(dir.path, "acme-pkg.tgz");
    const manifest = join(dir.path, "server.json");
    const junk = join(dir.path, "junk.tgz");
    writeFileSync(pkg, tgz);
    writeFileSync(manifest, JSON.stringify(serverJson("acme/cli")));
    writeFileSync(junk, "not a tarball");
    const forbidden = await offline(pkg, { as: "ops@example.com" });
    expect(isAppError(forbidden) && forbidden.code).toBe("forbidden");
    const beside = await offline(manifest, { as: "ops@example.com", artifact: pkg });
    expect(isAppError(beside) && beside.code).toBe("forbidden");
    expect(isAppError(await offline(junk, { as: "dev@example.com" }))).toBe(true);
    expect(stored()).toEqual([]);
    expect(await offline(manifest, { as: "dev@example.com", artifact: pkg })).toBe(0);
    expect(stored()).toEqual([sha(tgz)]);
    const again = await offline(manifest, { as: "dev@example.com", artifact: junk });
    expect(isAppError(again) && again.code).toBe("conflict");
    expect(stored()).toEqual([sha(tgz)]);
  });
});
