import { afterEach, describe, expect, it } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { HELLO, packFixture } from "../fixtures/installer/build.ts";
import { runHearth, startHearth, type HearthProcess } from "../helpers/hearth-process.ts";
import { descendantsOf, isAlive } from "../helpers/processes.ts";
import { serverJson } from "../helpers/registry.ts";
import { tempDir } from "../helpers/temp.ts";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const PASS = "NODE_EXTRA_CA_CERTS,SSL_CERT_FILE,HTTPS_PROXY,HTTP_PROXY,NO_PROXY";
function hostEnv(): Record<string, string> {
  return Object.fromEntries(PASS.split(",").flatMap((k) => (process.env[k] ? [[k, process.env[k]!]] : [])));
}

describe("hearth serve and its children", () => {
  it("ends every server child on SIGTERM and exits 0; a restart warms the pool again", async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const data = join(t.path, "data");
    await runHearth(["admin", "create", "--data", data, "--email", "ops@example.com", "--password", "twelve chars!!"]);
    const key = (await runHearth(["key", "create", "--data", data, "--user", "ops@example.com", "--name", "t", "--scopes", "read,connect,publish"])).stdout.trim().split("\n").at(-1)!;
    mkdirSync(join(t.path, "pack"));
    const tgz = packFixture(HELLO, join(t.path, "pack"));
    const manifest = join(t.path, "server.json");
    await Bun.write(manifest, JSON.stringify(serverJson("io.github.test/hello", { packages: [{ registryType: "npm", identifier: "hearth-fixture-hello", version: "1.0.0", transport: { type: "stdio" } }] })));
    let h: HearthProcess = await startHearth({ data, args: ["--pass-env", PASS], env: hostEnv() });
    cleanups.push(() => h.stop());
    expect((await runHearth(["publish", manifest, "--artifact", tgz, "--url", h.url, "--key", key])).code).toBe(0);
    const dep = await runHearth(["deploy", "io.github.test/hello", "--url", h.url, "--key", key]);
    expect(dep.stdout).toContain("deployed with 1 tool\n");
    const children = descendantsOf(h.proc.pid).map((p) => p.pid);
    expect(children.length).toBeGreaterThan(0); // the warm pool's child
    expect(await h.stop()).toBe(0);
    for (const pid of children) expect(isAlive(pid)).toBe(false);
    h = await startHearth({ data, args: ["--pass-env", PASS], env: hostEnv() });
    const end = Date.now() + 10_000;
    while (descendantsOf(h.proc.pid).length === 0 && Date.now() < end) await Bun.sleep(50);
    expect(descendantsOf(h.proc.pid).length).toBeGreaterThan(0);
  }, 120_000);
});
