import { afterAll, describe, expect, it } from "bun:test";
import { chmodSync } from "node:fs";
import { join } from "node:path";
import { digest } from "../helpers/digest.ts";
import { runHearth } from "../helpers/hearth-process.ts";
import { tempDir } from "../helpers/temp.ts";
import { IMAGE, podman, PodmanScope, runDetached, volumePath, withoutPodmanNoise, type RunResult } from "./podman.ts";

// The volume mistakes of a container operator, against the real image: each is refused with one
// line naming the fix and a non-zero exit, and the data on the volume is exactly as it was.

const SKIP = IMAGE ? "" : " [skipped: set HEARTH_CONTAINER_IMAGE to a built image; `bash .ci/container.sh` builds one and runs this]";
const scope = new PodmanScope();
const dirs = tempDir("hearth-ct-dirs-");
afterAll(async () => {
  await scope.cleanup();
  dirs.cleanup();
}, 60_000);

/** once runs the image in the foreground, like `docker run --rm`, and returns what it said. */
async function once(mount: string, args: string[] = []): Promise<RunResult> {
  const r = await podman(["run", "--rm", "--no-healthcheck", "--pull=never", "--name", scope.name("once"), "-v", mount, IMAGE, ...args]);
  return { ...r, stderr: withoutPodmanNoise(r.stderr) };
}

function expectOneLineRefusal(r: RunResult, fix: RegExp) {
  expect(r.code).toBe(1);
  expect(r.stdout).toBe("");
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(fix);
}

describe.skipIf(!IMAGE)(`the image refuses a bad volume or port in one line${SKIP}`, () => {
  it("a read-only volume holding a database: mount it read-write", async () => {
    const volume = await scope.volume("ro");
    expect((await once(`${volume}:/data`, ["admin", "create", "--email", "ops@example.com", "--password", "twelve chars!!"])).code).toBe(0);
    const before = digest(await volumePath(volume));
    const r = await once(`${volume}:/data:ro`);
    expectOneLineRefusal(r, /^hearth serve: data dir \/data is on a read-only filesystem: mount it read-write \(in a container, drop :ro from the volume\)/);
    expect(digest(await volumePath(volume))).toBe(before);
  }, 60_000);

  it("a bind-mounted data dir owned by root: chown it to 10001", async () => {
    const data = join(dirs.path, "root-owned");
    expect((await runHearth(["admin", "create", "--data", data, "--email", "ops@example.com", "--password", "twelve chars!!"])).code).toBe(0);
    chmodSync(dirs.path, 0o755);
    chmodSync(data, 0o755);
    const before = digest(data);
    const r = await once(`${data}:/data`);
    expectOneLineRefusal(r, /^hearth serve: data dir \/data is owned by uid 0 and not writable by uid 10001, which Hearth runs as: chown -R 10001:10001 \/data/);
    expect(digest(data)).toBe(before);
  }, 60_000);

  it("a port already taken (a second serve in the same container): pass --port", async () => {
    const volume = await scope.volume("port");
    const running = await runDetached(scope.name("port"), volume);
    const r = await podman(["exec", running.name, "/usr/local/bin/hearth", "serve"]);
    expectOneLineRefusal(r, /^hearth serve: port 8080 on 0\.0\.0\.0 is already in use: stop the other process or pass --port \(HEARTH_PORT\)$/m);
    expect((await fetch(`${running.url}/healthz`)).ok).toBe(true);
  }, 60_000);
});
