import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { installRunSpec, startArgv } from "../../src/installer/installer.ts";
import type { RunSpec } from "../../src/registry/manifest.ts";
import { isAppError } from "../../src/shared/app-error.ts";
import { BUN, testRoot, writeBytes, zip, type TestRoot, type ZipEntry } from "../fixtures/installer/build.ts";

const FIXTURE = join(import.meta.dir, "../fixtures/installer/hello-bundle");
const base: ZipEntry[] = ["manifest.json", "server/index.js"].map((name) => ({ name, content: readFileSync(join(FIXTURE, name), "utf8") }));
const launch = { runtimeArgs: [], args: [], env: [] };
const sha256 = (b: Uint8Array) => new Bun.CryptoHasher("sha256").update(b).digest("hex");
const rejection = async (p: Promise<unknown>): Promise<Error & { code?: string }> => {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error("expected a rejection");
};

describe(".mcpb bundle installs", () => {
  let t: TestRoot;
  beforeEach(() => {
    t = testRoot();
  });
  afterEach(async () => {
    const left = await t.leftovers();
    t.cleanup();
    expect(left).toEqual({ processes: [], staging: [] });
  });

  it("unpacks a bundle whose sha256 matches and starts it on the runtime with ${__dirname} filled in", async () => {
    const bytes = zip(base);
    const file = writeBytes(t.root, "hello.mcpb", bytes);
    const run: RunSpec = { kind: "mcpb", bundleUrl: "https://example.invalid/hello.mcpb", sha256: sha256(bytes), launch };
    const got = await installRunSpec(run, t.options({ artifactPath: file }));
    const bundleDir = join(got.dir, "bundle");
    expect(got).toMatchObject({ cached: false, version: "1.0.0", command: [BUN], env: { BUN_BE_BUN: "1" }, sha256: sha256(bytes) });
    const start = startArgv(got, run, { greeting: "hi there" });
    expect(start).toEqual({
      argv: [BUN, join(bundleDir, "server/index.js"), "--greeting", "hi there"],
      env: { BUNDLE_DIR: bundleDir, BUN_BE_BUN: "1" },
    });
    const proc = Bun.spawnSync({ cmd: start.argv, env: start.env, stdin: Buffer.from('{"jsonrpc":"2.0","id":1,"method":"tools/list"}\n') });
    const reply = JSON.parse(proc.stdout.toString()) as { result: { tools: { description: string }[] } };
    expect(JSON.parse(reply.result.tools[0]?.description ?? "")).toEqual({ argv: ["--greeting", "hi there"], dir: bundleDir });
  });

  it("refuses a bundle whose sha256 differs, naming both hashes, and keeps nothing", async () => {
    const bytes = zip(base);
    const file = writeBytes(t.root, "hello.mcpb", bytes);
    const wrong = "ab".repeat(32);
    const err = await rejection(installRunSpec({ kind: "mcpb", sha256: wrong, launch }, t.options({ artifactPath: file })));
    expect(isAppError(err) && err.code).toBe("invalid");
    expect(err.message).toBe(`the bundle has sha256 ${sha256(bytes)}, but ${wrong} was expected`);
    expect(existsSync(join(t.cacheDir, "mcpb"))).toBe(false);
  });

  const hostile: [string, ZipEntry[], string][] = [
    ["a ../ entry (zip slip)", [...base, { name: "../escaped.js", content: "pwned" }], "invalid relative path: ../escaped.js"],
    ["an absolute entry", [...base, { name: "/tmp/hearth-escaped.js", content: "pwned" }], "absolute path: /tmp/hearth-escaped.js"],
    ["a symlink to an absolute path", [...base, { name: "server/etc", content: "/etc", symlink: true }], "is a symlink to the absolute path"],
    ["a symlink climbing out", [...base, { name: "server/up", content: "../../..", symlink: true }], "is a symlink pointing out of the package"],
  ];
  for (const [what, entries, message] of hostile) {
    it(`refuses a bundle with ${what}`, async () => {
      const file = writeBytes(t.root, "hostile.mcpb", zip(entries));
      const err = await rejection(installRunSpec({ kind: "mcpb", launch }, t.options({ artifactPath: file })));
      expect(isAppError(err) && err.code).toBe("invalid");
      expect(err.message).toContain(message);
      expect(existsSync(join(t.cacheDir, "mcpb"))).toBe(false);
      expect(existsSync(join(t.root, "escaped.js"))).toBe(false);
    });
  }

  it("refuses a chain of links that only escapes once the kernel resolves it", async () => {
    // "here" is the bundle root; "here/.." is lexically inside (server/..) but really its parent.
    const entries = [...base, { name: "here", content: ".", symlink: true }, { name: "server/out", content: "../here/..", symlink: true }];
    const file = writeBytes(t.root, "chain.mcpb", zip(entries));
    const err = await rejection(installRunSpec({ kind: "mcpb", launch }, t.options({ artifactPath: file })));
    expect(err.message).toContain("points outside its folder");
  });

  it("refuses a bundle without manifest.json", async () => {
    const file = writeBytes(t.root, "bare.mcpb", zip([{ name: "server/index.js", content: "1" }]));
    const err = await rejection(installRunSpec({ kind: "mcpb", launch }, t.options({ artifactPath: file })));
    expect(err.message).toBe("the bundle has no manifest.json at its top level");
  });

  it("refuses a python bundle on a host without python", async () => {
    const manifest = JSON.parse(String(base[0]?.content ?? "{}")) as { server: Record<string, unknown> };
    manifest.server = { type: "python", entry_point: "server/index.js", mcp_config: { command: "python3", args: ["${__dirname}/server/index.js"] } };
    const file = writeBytes(t.root, "py.mcpb", zip([{ name: "manifest.json", content: JSON.stringify(manifest) }, base[1] as ZipEntry]));
    const err = await rejection(installRunSpec({ kind: "mcpb", launch }, t.options({ artifactPath: file })));
    expect(isAppError(err) && err.code).toBe("unavailable");
    expect(err.message).toContain("needs Python");
  });

  it("downloads from bundleUrl once, then reuses the unpacked bundle offline", async () => {
    const bytes = zip(base);
    let hits = 0;
    const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => (hits++, new Response(bytes)) });
    try {
      const run: RunSpec = { kind: "mcpb", bundleUrl: `http://127.0.0.1:${server.port}/hello.mcpb`, sha256: sha256(bytes), launch };
      const first = await installRunSpec(run, t.options());
      const again = await installRunSpec(run, t.options());
      expect([first.cached, again.cached, hits]).toEqual([false, true, 1]);
    } finally {
      await server.stop(true);
    }
  });
});
