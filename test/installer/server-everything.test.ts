import { afterAll, beforeAll, expect, it } from "bun:test";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { InstalledPackage } from "../../src/installer/installed-package.ts";
import { installRunSpec, startArgv } from "../../src/installer/installer.ts";
import type { RunSpec } from "../../src/registry/manifest.ts";
import { BUN, packFixture, testRoot, type TestRoot } from "../fixtures/installer/build.ts";
import { describeOnline } from "../helpers/online.ts";
import { Rpc, useChildren } from "../supervisor/harness.ts";

const PKG = join(import.meta.dir, "../../node_modules/@modelcontextprotocol/server-everything");
const { name, version } = JSON.parse(readFileSync(join(PKG, "package.json"), "utf8")) as { name: string; version: string };
const run: RunSpec = {
  kind: "npm",
  package: name,
  version,
  launch: { runtimeArgs: [], args: [{ kind: "value", template: ["stdio"], repeated: false }], env: [] },
};

// The real thing: the published server, packed from node_modules, installed from bun's cache.
// prefer-offline, not offline: `bun install --frozen-lockfile` caches the dependencies' tarballs but
// not their registry manifests, so on a fresh machine the first install may fetch metadata only.
describeOnline("@modelcontextprotocol/server-everything through the installer", () => {
  const children = useChildren();
  let t: TestRoot;
  let tgz: string;
  let installed: InstalledPackage;
  const times = { coldMs: 0, cachedMs: 0 };

  beforeAll(async () => {
    t = testRoot();
    mkdirSync(join(t.root, "pack"));
    tgz = packFixture(PKG, join(t.root, "pack"));
    let started = performance.now();
    installed = await installRunSpec(run, t.options({ artifactPath: tgz, network: "prefer-offline" }));
    times.coldMs = performance.now() - started;
    started = performance.now();
    const again = await installRunSpec(run, t.options({ artifactPath: tgz, network: "offline" }));
    times.cachedMs = performance.now() - started;
    expect(again.cached).toBe(true);
    console.log(`server-everything install: cold ${times.coldMs.toFixed(0)} ms, cached ${times.cachedMs.toFixed(1)} ms`);
  }, 120_000);
  afterAll(async () => {
    const left = await t.leftovers();
    t.cleanup();
    expect(left).toEqual({ processes: [], staging: [] });
  });

  it("installs the packed tarball with all its dependencies", () => {
    expect(installed).toMatchObject({ cached: false, version, env: { BUN_BE_BUN: "1" } });
    expect(installed.command).toEqual([BUN, join(installed.dir, `node_modules/${name}/dist/index.js`)]);
    for (const dep of ["@modelcontextprotocol/sdk", "express", "zod"]) {
      expect(readFileSync(join(installed.dir, "node_modules", dep, "package.json"), "utf8")).toContain(`"name": "${dep}"`);
    }
  });

  it("starts with spawnChild and answers tools/list over raw JSON-RPC lines", async () => {
    const { argv, env } = startArgv(installed, run, {});
    expect(argv.slice(2)).toEqual(["stdio"]);
    const child = children.spawn({ argv, env, cwd: children.tmp, label: "server-everything" });
    const rpc = new Rpc(child);
    const init = await rpc.initialize();
    expect(init.result).toMatchObject({ serverInfo: { name: expect.stringContaining("everything") } });
    const res = await rpc.request("tools/list");
    const tools = (res.result as { tools: { name: string }[] }).tools.map((x) => x.name);
    expect(tools).toContain("echo");
    expect(rpc.inbox.raw.every((line) => !line.includes("\n"))).toBe(true);
  });
});
