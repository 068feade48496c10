import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { installRunSpec } from "../../src/installer/installer.ts";
import { inspectTarball } from "../../src/installer/tarball.ts";
import type { RunSpec } from "../../src/registry/manifest.ts";
import { isAppError } from "../../src/shared/app-error.ts";
import { tarGz, testRoot, writeBytes, type TarEntry, type TestRoot } from "../fixtures/installer/build.ts";

const launch = { runtimeArgs: [], args: [], env: [] };
const pkgJson = JSON.stringify({ name: "hearth-fixture-tar", version: "2.0.0", bin: { "tar-server": "server.js" } });
const good: TarEntry[] = [
  { name: "package/package.json", content: pkgJson },
  { name: "package/server.js", content: "console.log('tar-server');\n" },
];
const rejection = async (p: Promise<unknown>): Promise<Error & { code?: string }> => {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error("expected a rejection");
};

describe("tarball installs", () => {
  let t: TestRoot;
  beforeEach(() => {
    t = testRoot();
  });
  afterEach(async () => {
    const left = await t.leftovers();
    t.cleanup();
    expect(left).toEqual({ processes: [], staging: [] });
  });

  const hostile: [string, TarEntry[], string][] = [
    ["a ../ entry", [...good, { name: "package/../../escaped.js", content: "pwned" }], `entry "package/../../escaped.js" has a '..' path segment`],
    ["an absolute entry", [...good, { name: "/tmp/hearth-escaped.js", content: "pwned" }], `entry "/tmp/hearth-escaped.js" has an absolute path`],
    ["a symlink to an absolute path", [...good, { name: "package/etc", type: "symlink", linkname: "/etc" }], "is a symlink to the absolute path"],
    ["a symlink climbing out", [...good, { name: "package/lib/up", type: "symlink", linkname: "../../../etc" }], "is a symlink pointing out of the package"],
    ["a hard link out", [...good, { name: "package/passwd", type: "link", linkname: "../etc/passwd" }], "is a hard link to"],
    ["a device", [...good, { name: "package/tty", type: "character-device" }], "is a character-device"],
  ];

  for (const [what, entries, message] of hostile) {
    it(`refuses a tarball with ${what}, leaving nothing behind`, async () => {
      const file = writeBytes(t.root, "hostile.tgz", await tarGz(entries));
      const run: RunSpec = { kind: "tarball", url: "https://example.invalid/x.tgz", launch };
      const err = await rejection(installRunSpec(run, t.options({ artifactPath: file })));
      expect(isAppError(err) && err.code).toBe("invalid");
      expect(err.message).toContain(message);
      expect(existsSync(join(t.cacheDir, "tgz"))).toBe(false);
      expect(existsSync(join(t.root, "escaped.js"))).toBe(false);
    });
  }

  it("accepts a symlink that stays inside the package", async () => {
    const file = writeBytes(t.root, "ok.tgz", await tarGz([...good, { name: "package/alias.js", type: "symlink", linkname: "server.js" }]));
    await expect(inspectTarball(file)).resolves.toMatchObject({ entries: 3 });
  });

  it("refuses a file that is not a tarball", async () => {
    const file = join(t.root, "junk.tgz");
    writeFileSync(file, Bun.gzipSync(new TextEncoder().encode("this is not a tar archive at all".repeat(40))));
    const err = await rejection(inspectTarball(file));
    expect(isAppError(err) && err.code).toBe("invalid");
    expect(err.message).toMatch(/^the file is not a valid tarball/);
  });

  it("refuses a tarball that unpacks past its limit", async () => {
    const file = writeBytes(t.root, "big.tgz", await tarGz([...good, { name: "package/zeros", content: "\0".repeat(200_000) }]));
    const err = await rejection(inspectTarball(file, { maxEntries: 100, maxUnpackedBytes: 100_000 }));
    expect(isAppError(err) && err.code).toBe("too_large");
  });

  describe("from a URL", () => {
    let server: ReturnType<typeof Bun.serve>;
    let bytes: Uint8Array<ArrayBuffer>;
    let hits = 0;
    beforeEach(async () => {
      bytes = await tarGz(good);
      hits = 0;
      server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => (hits++, new Response(bytes)) });
    });
    afterEach(async () => {
      await server.stop(true);
    });
    const sha = () => new Bun.CryptoHasher("sha256").update(bytes).digest("hex");

    it("downloads, checks the declared sha256, installs, and then reuses without downloading", async () => {
      const run: RunSpec = { kind: "tarball", url: `http://127.0.0.1:${server.port}/pkg.tgz`, sha256: sha(), launch };
      const got = await installRunSpec(run, t.options());
      expect(got).toMatchObject({ cached: false, version: "2.0.0", sha256: sha() });
      expect(readFileSync(got.command[1] as string, "utf8")).toContain("tar-server");
      const again = await installRunSpec(run, t.options());
      expect(again.cached).toBe(true);
      expect(hits).toBe(1);
    });

    it("refuses a download whose sha256 differs, naming both hashes", async () => {
      const wrong = "0".repeat(64);
      const run: RunSpec = { kind: "tarball", url: `http://127.0.0.1:${server.port}/pkg.tgz`, sha256: wrong, launch };
      const err = await rejection(installRunSpec(run, t.options()));
      expect(err.message).toBe(`the tarball has sha256 ${sha()}, but ${wrong} was expected`);
      expect(readdirSync(t.cacheDir).filter((d) => d !== ".staging")).toEqual([]);
    });
  });
});
