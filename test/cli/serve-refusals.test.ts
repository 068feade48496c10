import { afterEach, describe, expect, it } from "bun:test";
import { chmodSync } from "node:fs";
import { join } from "node:path";
import { ROOT, runHearth } from "../helpers/hearth-process.ts";
import { digest } from "../helpers/digest.ts";
import { tempDir } from "../helpers/temp.ts";

// The volume mistakes an operator makes: each must be refused with one line that names the fix,
// a non-zero exit, and the data dir exactly as it was.

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

/** An instance with an admin, as a restart would find it; its parent is world-searchable for uid 10001. */
async function existingInstance(): Promise<string> {
  const t = tempDir();
  cleanups.push(t.cleanup);
  chmodSync(t.path, 0o755);
  const data = join(t.path, "data");
  const r = await runHearth(["admin", "create", "--data", data, "--email", "ops@example.com", "--password", "twelve chars!!"]);
  expect(r.code).toBe(0);
  return data;
}

function expectOneLineRefusal(r: { code: number; stdout: string; stderr: string }, fix: RegExp) {
  expect(r.code).toBe(1);
  expect(r.stdout).toBe("");
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(fix);
}

const isRoot = process.getuid?.() === 0;
const setpriv = Bun.which("setpriv");
// uid 10001 must be able to read this checkout and run bun (a clone under a 0700 temp dir can't).
const readableAs10001 =
  isRoot && setpriv !== null && Bun.spawnSync([setpriv, "--reuid", "10001", "--regid", "10001", "--clear-groups", process.execPath, "--version"], { cwd: "/" }).exitCode === 0 &&
  Bun.spawnSync([setpriv, "--reuid", "10001", "--regid", "10001", "--clear-groups", "test", "-r", join(ROOT, "src/main.ts")]).exitCode === 0;
const bwrap = Bun.which("bwrap");

describe("hearth serve refuses a bad start in one line, touching nothing", () => {
  it("a port already in use names --port", async () => {
    const data = await existingInstance();
    const before = digest(data);
    using holder = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("taken") });
    const r = await runHearth(["serve", "--data", data, "--port", String(holder.port)]);
    expectOneLineRefusal(r, new RegExp(`port ${holder.port} on 127.0.0.1 is already in use: stop the other process or pass --port`));
    expect(digest(data)).toBe(before);
  });

  it.skipIf(!readableAs10001)(
    `a data dir owned by another user names the chown to run${readableAs10001 ? "" : " [skipped: needs root, setpriv, and a checkout and bun that uid 10001 can read]"}`,
    async () => {
      const data = await existingInstance();
      const before = digest(data);
      const asHearth = [setpriv!, "--reuid", "10001", "--regid", "10001", "--clear-groups", process.execPath, join(ROOT, "src/main.ts")];
      const env = { HOME: "/tmp", BUN_RUNTIME_TRANSPILER_CACHE_PATH: "0" };
      const r = await runHearth(["serve", "--data", data, "--port", "0"], { cmd: asHearth, env });
      expectOneLineRefusal(r, new RegExp(`data dir ${data} is owned by uid 0 and not writable by uid 10001.*chown -R 10001:10001 ${data}`));
      // A writable dir holding a root-owned database is refused the same way, not half-way through start-up.
      chmodSync(data, 0o777);
      const r2 = await runHearth(["serve", "--data", data, "--port", "0"], { cmd: asHearth, env });
      expectOneLineRefusal(r2, new RegExp(`${data}/hearth.db in the data dir is owned by uid 0 .*chown -R 10001:10001`));
      chmodSync(data, 0o700);
      expect(digest(data)).toBe(before);
    },
  );

  it.skipIf(!isRoot || !bwrap)(
    `a read-only data dir says to mount it read-write${!isRoot || !bwrap ? " [skipped: needs root and bwrap for a read-only bind mount]" : ""}`,
    async () => {
      const data = await existingInstance();
      const before = digest(data);
      const readOnly = [bwrap!, "--dev-bind", "/", "/", "--ro-bind", data, data, process.execPath, join(ROOT, "src/main.ts")];
      const r = await runHearth(["serve", "--data", data, "--port", "0"], { cmd: readOnly });
      expectOneLineRefusal(r, /data dir .* is on a read-only filesystem: mount it read-write \(in a container, drop :ro from the volume\)/);
      expect(digest(data)).toBe(before);
    },
  );
});
