import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { InstallProgress } from "../../src/installer/install-options.ts";
import { installRunSpec, startArgv } from "../../src/installer/installer.ts";
import type { RunSpec } from "../../src/registry/manifest.ts";
import { isAppError } from "../../src/shared/app-error.ts";
import { describeOnline } from "../helpers/online.ts";
import { BUN, HELLO, MARK, packFixture, testRoot, type TestRoot } from "../fixtures/installer/build.ts";

const launch = { runtimeArgs: [], args: [], env: [] };
const hello: RunSpec = { kind: "npm", package: "hearth-fixture-hello", version: "1.0.0", launch };
const rejection = async (p: Promise<unknown>): Promise<Error & { code?: string }> => {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error("expected a rejection");
};

describe("installRunSpec for npm packages", () => {
  let t: TestRoot;
  let tgz: string;
  beforeEach(() => {
    t = testRoot();
    mkdirSync(join(t.root, "pack"));
    tgz = packFixture(HELLO, join(t.root, "pack"));
  });
  afterEach(async () => {
    const left = await t.leftovers();
    t.cleanup();
    expect(left).toEqual({ processes: [], staging: [] });
  });

  // A stand-in runtime that counts how often an install child was started, then acts as bun.
  function countingRuntime(): { path: string; count(): number } {
    const path = join(t.root, "counting-bun");
    const log = join(t.root, "runs.log");
    writeFileSync(path, `#!/bin/sh\necho run >> '${log}'\nexec '${BUN}' "$@"\n`);
    chmodSync(path, 0o755);
    return { path, count: () => (existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean).length : 0) };
  }

  it("installs an uploaded npm pack tarball with its dependency and runs its bin on the runtime", async () => {
    const phases: InstallProgress["phase"][] = [];
    const got = await installRunSpec(hello, t.options({ artifactPath: tgz, onProgress: (p) => phases.push(p.phase) }));
    expect(got.cached).toBe(false);
    expect(got.version).toBe("1.0.0");
    expect(got.command).toEqual([BUN, join(got.dir, "node_modules/hearth-fixture-hello/bin/hello.js")]);
    expect(got.env).toEqual({ BUN_BE_BUN: "1" });
    expect(existsSync(join(got.dir, "node_modules/ms/package.json"))).toBe(true);
    expect(existsSync(join(got.dir, ".hearth-install.json"))).toBe(true);
    expect([...new Set(phases)]).toEqual(["resolving", "extracting", "installing", "verifying", "done"]);
  });

  it("runs no lifecycle script of an untrusted package", async () => {
    const got = await installRunSpec(hello, t.options({ artifactPath: tgz }));
    expect(existsSync(join(got.dir, "node_modules/hearth-fixture-hello/postinstall-ran"))).toBe(false);
  });

  it("runs the lifecycle script of a package the operator trusts", async () => {
    const got = await installRunSpec(hello, t.options({ artifactPath: tgz, trustedDependencies: ["hearth-fixture-hello"] }));
    expect(existsSync(join(got.dir, "node_modules/hearth-fixture-hello/postinstall-ran"))).toBe(true);
  });

  it("reuses a complete folder offline, without starting any child", async () => {
    const first = await installRunSpec(hello, t.options({ artifactPath: tgz }));
    const started = performance.now();
    const again = await installRunSpec(hello, t.options({ artifactPath: tgz, runtime: "/nonexistent/bun", network: "offline" }));
    expect(performance.now() - started).toBeLessThan(500);
    expect(again).toMatchObject({ dir: first.dir, cached: true, command: ["/nonexistent/bun", first.command[1]] });
  });

  it("installs once for concurrent callers of the same package and version", async () => {
    const runtime = countingRuntime();
    const all = await Promise.all([1, 2, 3, 4].map(() => installRunSpec(hello, t.options({ artifactPath: tgz, runtime: runtime.path }))));
    expect(new Set(all.map((r) => r.dir)).size).toBe(1);
    expect(runtime.count()).toBe(1);
  });

  it("keeps one complete folder when two processes race for it", async () => {
    const script = join(t.root, "race.ts");
    const installer = join(import.meta.dir, "../../src/installer/installer.ts");
    const opts = t.options({ artifactPath: tgz });
    writeFileSync(script, `import { installRunSpec } from ${JSON.stringify(installer)};\n` +
      `const r = await installRunSpec(${JSON.stringify(hello)}, ${JSON.stringify(opts)});\nconsole.log(JSON.stringify(r));\n`);
    const procs = [1, 2].map(() => Bun.spawn({ cmd: [BUN, script], env: { PATH: "/usr/bin:/bin", [MARK]: t.mark }, stdout: "pipe", stderr: "pipe" }));
    const outs = await Promise.all(procs.map(async (p) => ({ code: await p.exited, out: await new Response(p.stdout).text() })));
    expect(outs.map((o) => o.code)).toEqual([0, 0]);
    const dirs = outs.map((o) => (JSON.parse(o.out) as { dir: string }).dir);
    expect(dirs[0]).toBe(dirs[1] as string);
    expect(readdirSync(join(t.cacheDir, "tgz"))).toHaveLength(1);
    expect(existsSync(join(dirs[0] as string, "node_modules/hearth-fixture-hello/bin/hello.js"))).toBe(true);
  });

  it("never takes a half folder for a complete one, and sweeps a dead installer's staging", async () => {
    const first = await installRunSpec(hello, t.options({ artifactPath: tgz }));
    // What a crash leaves: the marker is written last, so a half folder has none.
    writeFileSync(join(first.dir, ".hearth-install.json"), "");
    writeFileSync(join(first.dir, "half-written"), "junk");
    mkdirSync(join(t.cacheDir, ".staging/999999999-dead"), { recursive: true });
    const again = await installRunSpec(hello, t.options({ artifactPath: tgz }));
    expect(again).toMatchObject({ dir: first.dir, cached: false });
    expect(existsSync(join(again.dir, "half-written"))).toBe(false);
  });

  it("leaves no folder when the installer is SIGKILLed half-way, and installs cleanly afterwards", async () => {
    const script = join(t.root, "crash.ts");
    const installer = join(import.meta.dir, "../../src/installer/installer.ts");
    writeFileSync(script, `import { installRunSpec } from ${JSON.stringify(installer)};\n` +
      `await installRunSpec(${JSON.stringify(hello)}, { ...${JSON.stringify(t.options({ artifactPath: tgz }))}, ` +
      `onProgress: (p) => p.phase === "installing" && console.log("installing") });\n`);
    const proc = Bun.spawn({ cmd: [BUN, script], env: { PATH: "/usr/bin:/bin", [MARK]: t.mark }, stdout: "pipe" });
    const reader = proc.stdout.getReader();
    let seen = "";
    while (!seen.includes("installing")) seen += new TextDecoder().decode((await reader.read()).value);
    proc.kill("SIGKILL");
    await proc.exited;
    await t.leftovers();
    expect(existsSync(join(t.cacheDir, "tgz")) ? readdirSync(join(t.cacheDir, "tgz")) : []).toEqual([]);
    const got = await installRunSpec(hello, t.options({ artifactPath: tgz }));
    expect(got.cached).toBe(false);
  });

  it("cancels on abort, killing the install child and removing its staging folder", async () => {
    const ac = new AbortController();
    const err = await rejection(
      installRunSpec(hello, t.options({ artifactPath: tgz, signal: ac.signal, onProgress: (p) => p.phase === "installing" && ac.abort() })),
    );
    expect(isAppError(err) && err.message).toBe("the install was cancelled");
    expect(existsSync(join(t.cacheDir, "tgz")) ? readdirSync(join(t.cacheDir, "tgz")) : []).toEqual([]);
  });

  it("keeps installing for the other callers when one of them aborts", async () => {
    const ac = new AbortController();
    const quitter = installRunSpec(hello, t.options({ artifactPath: tgz, signal: ac.signal, onProgress: (p) => p.phase === "installing" && ac.abort() }));
    const stayer = installRunSpec(hello, t.options({ artifactPath: tgz }));
    expect((await rejection(quitter)).message).toBe("the install was cancelled");
    expect((await stayer).cached).toBe(false);
  });

  it("runs on node when the manifest asks for it and the host has node, else on the runtime", async () => {
    const node = "/usr/bin/node";
    const onNode = await installRunSpec(hello, t.options({ artifactPath: tgz, nodePath: node, runtimeHint: "npx" }));
    expect([onNode.command[0], onNode.env]).toEqual([node, {}]);
    const noHint = await installRunSpec(hello, t.options({ artifactPath: tgz, nodePath: node }));
    expect([noHint.command[0], noHint.env]).toEqual([BUN, { BUN_BE_BUN: "1" }]);
  });

  it("refuses to resolve an unpinned version when installs are offline", async () => {
    const err = await rejection(installRunSpec({ kind: "npm", package: "is-number", version: null, launch }, t.options({ network: "offline" })));
    expect(err.message).toBe("is-number@latest is not pinned, and resolving it needs the registry, but installs are offline");
  });

  it("installs nothing for a host command, and starts it as argv", async () => {
    const run: RunSpec = { kind: "command", command: "uvx", requires: "uv", launch: { runtimeArgs: [], args: [{ kind: "value", template: ["mcp-server-time"], repeated: false }], env: [] } };
    const got = await installRunSpec(run, t.options());
    expect(startArgv(got, run, {})).toEqual({ argv: ["uvx", "mcp-server-time"], env: {} });
  });

  it("kills a hung install child at its timeout and reports it", async () => {
    const hung = join(t.root, "hung-bun");
    writeFileSync(hung, "#!/bin/sh\nsleep 30 & sleep 30\n");
    chmodSync(hung, 0o755);
    const err = await rejection(installRunSpec(hello, t.options({ artifactPath: tgz, runtime: hung, timeoutMs: 300 })));
    expect(isAppError(err) && err.code).toBe("unavailable");
    expect(err.message).toContain("timed out after 300 ms");
  });

  it("refuses an uploaded tarball of another package", async () => {
    const other: RunSpec = { ...hello, package: "some-other-package" } as RunSpec;
    const err = await rejection(installRunSpec(other, t.options({ artifactPath: tgz })));
    expect(err.message).toBe("the uploaded tarball is hearth-fixture-hello, not some-other-package");
  });

  it("refuses package names and versions that could act as paths or URLs", async () => {
    const bad = [{ package: "../etc", version: "1.0.0" }, { package: "ok", version: "file:/etc" }, { package: "ok", version: "../../x" }];
    for (const b of bad) {
      const err = await rejection(installRunSpec({ kind: "npm", launch, ...b }, t.options()));
      expect(isAppError(err) && err.code).toBe("invalid");
    }
  });

  it("maps config to argv and env with no shell, the install's env on top", async () => {
    const got = await installRunSpec(hello, t.options({ artifactPath: tgz }));
    const run: RunSpec = {
      ...hello,
      launch: {
        runtimeArgs: [],
        args: [{ kind: "named", flag: "--name", template: [{ param: "name" }], repeated: false }],
        env: [{ name: "GREETING", template: ["hi ", { param: "name" }] }, { name: "BUN_BE_BUN", template: ["0"] }],
      },
    } as RunSpec;
    expect(startArgv(got, run, { name: "a; rm -rf /" })).toEqual({
      argv: [...got.command, "--name", "a; rm -rf /"],
      env: { GREETING: "hi a; rm -rf /", BUN_BE_BUN: "1" },
    });
  });
});

describeOnline("installRunSpec against the npm registry", () => {
  let t: TestRoot;
  beforeEach(() => {
    t = testRoot();
  });
  afterEach(async () => {
    const left = await t.leftovers();
    t.cleanup();
    expect(left).toEqual({ processes: [], staging: [] });
  });

  it("resolves a null version to the latest release and pins the folder to it", async () => {
    const got = await installRunSpec({ kind: "npm", package: "is-number", version: null, launch }, t.options({ network: "online" }));
    expect(got.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(got.dir).toBe(join(t.cacheDir, `npm/is-number@${got.version}`));
    expect(got.command).toEqual([BUN, join(got.dir, "node_modules/is-number/index.js")]);
  });

  it("fails for a package that does not exist, quoting bun install's own error lines", async () => {
    const run: RunSpec = { kind: "npm", package: "@hearth-test-nonexistent/no-such-package-zz", version: "1.0.0", launch };
    const err = await rejection(installRunSpec(run, t.options({ network: "online" })));
    expect(isAppError(err) && err.code).toBe("not_found");
    expect(err.message).toContain("failed with exit code 1");
    expect(err.message).toMatch(/404/);
    expect(existsSync(join(t.cacheDir, "npm"))).toBe(false);
  });
});
