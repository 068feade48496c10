import { afterAll, describe, expect, it } from "bun:test";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync } from "node:fs";
import { join } from "node:path";
import { digest } from "../helpers/digest.ts";
import { runHearth } from "../helpers/hearth-process.ts";
import { ENV_PACKAGE, jsonRequest } from "../helpers/profiles.ts";
import { serverJson } from "../helpers/registry.ts";
import { tempDir } from "../helpers/temp.ts";
import { IMAGE, must, podman, PodmanScope, runDetached, volumePath, withoutPodmanNoise, type RunResult } from "./podman.ts";

// The volume and key mistakes of a container operator, against the real image: each is refused with one
// line naming the fix and a non-zero exit, and the data on the volume is exactly as it was.

const EMAIL = "ops@example.com";

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

/** hearth runs the hearth CLI inside a running container (the image has no shell) and returns its stdout. */
async function hearth(name: string, args: string[]): Promise<string> {
  return must(["exec", name, "/usr/local/bin/hearth", ...args]);
}

function expectOneLineRefusal(r: RunResult, fix: RegExp) {
  expect(r.code).toBe(1);
  expect(r.stdout).toBe("");
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(fix);
}

describe.skipIf(!IMAGE)(`the image refuses a bad volume, port or missing key in one line${SKIP}`, () => {
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

  it("a database holding secrets but no HEARTH_SECRET_KEY (a new container over an old volume): set it", async () => {
    const volume = await scope.volume("nokey");
    const first = await runDetached(scope.name("withkey"), volume, { env: { HEARTH_SECRET_KEY: randomBytes(32).toString("base64") } });
    await hearth(first.name, ["admin", "create", "--email", EMAIL, "--password", "twelve chars!!"]);
    const key = (await hearth(first.name, ["key", "create", "--user", EMAIL, "--name", "ct", "--scopes", "read,connect,publish"])).trim().split("\n").at(-1)!;
    const auth = { authorization: `Bearer ${key}` };
    const name = "io.github.ct/env";
    const pub = await fetch(`${first.url}/api/v1/servers`, jsonRequest("POST", serverJson(name, { packages: [ENV_PACKAGE] }), auth));
    expect(pub.status).toBe(201);
    const profile = await fetch(`${first.url}/api/v1/profiles`, jsonRequest("POST", { server: name, name: "work", config: { API_KEY: "sk-live-CONTAINER-4711" } }, auth));
    expect(profile.status).toBe(201);
    await must(["stop", "-t", "10", first.name]);
    expect((await must(["inspect", first.name, "--format", "{{.State.ExitCode}}"])).trim()).toBe("0");
    const data = await volumePath(volume);
    // The env key was in use, so no key file was written: the volume alone can't open the secrets.
    expect(existsSync(join(data, "secret.key"))).toBe(false);
    const before = digest(data);
    expect(before).toContain("/hearth.db ");
    const r = await once(`${volume}:/data`);
    expectOneLineRefusal(r, /^hearth serve: \/data\/hearth\.db holds encrypted secrets but no key was given: set HEARTH_SECRET_KEY to the key it was written with, or restore \/data\/secret\.key; nothing was changed$/m);
    expect(digest(data)).toBe(before);
  }, 90_000);
});
