import { afterEach, describe, expect, it } from "bun:test";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { importCatalog } from "../../src/registry/catalog-import.ts";
import { searchServers } from "../../src/registry/search.ts";
import { ANONYMOUS } from "../../src/registry/visibility.ts";
import { testApp } from "../helpers/app.ts";
import { runHearth } from "../helpers/hearth-process.ts";
import { adminWithKey, serverJson } from "../helpers/registry.ts";
import { tempDir } from "../helpers/temp.ts";

const CATALOG = join(import.meta.dir, "../../../shared/corpus/catalog-373.json");
const hasCatalog = existsSync(CATALOG);
if (!hasCatalog) console.warn(`skipping the real-catalog import: ${CATALOG} is absent (the shared corpus is not checked out beside the project)`);

let t: ReturnType<typeof testApp>;
const cleanups: (() => void)[] = [];
afterEach(() => {
  t?.close();
  for (const c of cleanups.splice(0)) c();
});

describe("importCatalog", () => {
  it("accepts the good entries, rejects the bad ones with reasons, duplicates included, in one transaction", async () => {
    t = testApp();
    const { user } = await adminWithKey(t.ctx);
    const docs = [serverJson("io.github.a/one"), { name: "io.github.a/bad" }, serverJson("io.github.a/two"), serverJson("io.github.a/one"), serverJson("api/reserved")];
    const report = importCatalog(t.ctx.dbh, user, JSON.stringify(docs));
    expect(report.accepted).toBe(2);
    expect(report.rejected.map((r) => [r.index, r.name])).toEqual([[1, "io.github.a/bad"], [3, "io.github.a/one"], [4, "api/reserved"]]);
    expect(report.rejected[1]!.reason).toContain("already published");
    expect(searchServers(t.ctx.dbh, ANONYMOUS, "").total).toBe(2);
  });

  it("accepts the official API's list shape too", async () => {
    t = testApp();
    const { user } = await adminWithKey(t.ctx);
    const report = importCatalog(t.ctx.dbh, user, JSON.stringify({ servers: [{ server: serverJson("io.github.a/one"), _meta: {} }] }));
    expect(report.accepted).toBe(1);
  });

  it("refuses what is not a catalog without writing anything", async () => {
    t = testApp();
    const { user } = await adminWithKey(t.ctx);
    expect(() => importCatalog(t.ctx.dbh, user, "{nope")).toThrow(/not valid JSON/);
    expect(() => importCatalog(t.ctx.dbh, user, '{"a":1}')).toThrow(/JSON array of server.json documents/);
    expect(searchServers(t.ctx.dbh, ANONYMOUS, "").total).toBe(0);
  });

  it.skipIf(!hasCatalog)("imports the real 373-server catalog", async () => {
    t = testApp();
    const { user } = await adminWithKey(t.ctx);
    const report = importCatalog(t.ctx.dbh, user, await Bun.file(CATALOG).text());
    expect(report.accepted + report.rejected.length).toBe(373);
    expect(report.accepted).toBeGreaterThan(300);
    expect(searchServers(t.ctx.dbh, ANONYMOUS, "github").total).toBeGreaterThan(0);
  });
});

describe("hearth import-catalog and hearth publish (offline)", () => {
  it("import and publish against a data dir, with counts and exit codes", async () => {
    const d = tempDir();
    cleanups.push(d.cleanup);
    const data = join(d.path, "data");
    expect((await runHearth(["admin", "create", "--data", data, "--email", "ops@example.com", "--password", "twelve chars!!"])).code).toBe(0);
    const file = join(d.path, "catalog.json");
    writeFileSync(file, JSON.stringify([serverJson("io.github.a/one"), { name: "broken" }]));
    const imp = await runHearth(["import-catalog", file, "--data", data]);
    expect(imp.code).toBe(0);
    expect(imp.stdout).toContain("accepted 1, rejected 1");
    expect(imp.stderr).toContain("rejected #1 broken");
    const manifest = join(d.path, "server.json");
    writeFileSync(manifest, JSON.stringify(serverJson("io.github.a/two")));
    const pub = await runHearth(["publish", manifest, "--data", data]);
    expect(pub.stdout).toContain("published io.github.a/two@1.0.0 (latest)");
    const again = await runHearth(["publish", manifest, "--data", data]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already published");
    const smithery = join(d.path, "smithery.yaml");
    writeFileSync(smithery, "startCommand:\n  type: stdio\n  configSchema: {type: object}\n  commandFunction: |-\n    (config) => ({command: 'node', args: ['index.js']})\n");
    const noName = await runHearth(["publish", smithery, "--data", data, "--version", "1.0.0"]);
    expect(noName.code).toBe(2);
    const named = await runHearth(["publish", smithery, "--data", data, "--version", "1.0.0", "--name", "acme/tool"]);
    expect(named.stdout).toContain("published acme/tool@1.0.0");
  });
});

describe("publishing a package file on its own", () => {
  it("publishes an npm pack tarball from its package.json and an .mcpb bundle from its manifest.json", async () => {
    const { mkdirSync } = await import("node:fs");
    const { HELLO, packFixture, zip } = await import("../fixtures/installer/build.ts");
    const d = tempDir();
    cleanups.push(d.cleanup);
    const data = join(d.path, "data");
    await runHearth(["admin", "create", "--data", data, "--email", "ops@example.com", "--password", "twelve chars!!"]);
    mkdirSync(join(d.path, "pack"));
    const tgz = packFixture(HELLO, join(d.path, "pack"));
    const unnamed = await runHearth(["publish", tgz, "--data", data]);
    expect(unnamed.code).toBe(2);
    expect(unnamed.stderr).toContain("--name namespace/name");
    const pub = await runHearth(["publish", tgz, "--data", data, "--name", "acme/hello"]);
    expect(pub.stdout).toContain("published acme/hello@1.0.0");
    const manifest = { manifest_version: "0.2", name: "hello-bundle", version: "2.0.0", description: "A bundled server", author: { name: "t" }, server: { type: "node", entry_point: "server/index.js", mcp_config: { command: "node", args: ["${__dirname}/server/index.js"] } } };
    const bundle = join(d.path, "hello.mcpb");
    writeFileSync(bundle, zip([{ name: "manifest.json", content: JSON.stringify(manifest) }, { name: "server/index.js", content: "console.log('hi')" }]));
    const b = await runHearth(["publish", bundle, "--data", data, "--name", "acme/bundle"]);
    expect(b.stderr).toBe("");
    expect(b.stdout).toContain("published acme/bundle@2.0.0");
    writeFileSync(join(d.path, "junk.mcpb"), "not a zip");
    const junk = await runHearth(["publish", join(d.path, "junk.mcpb"), "--data", data, "--name", "acme/junk"]);
    expect(junk.code).toBe(2);
    expect(junk.stderr).toContain("not a readable zip");
  });
});
