import { afterAll, afterEach, beforeAll, describe, expect, it } from "bun:test";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { openSession } from "../../src/bridge/session-open.ts";
import { applySettingsPatch, withDefaults } from "../../src/deploy/settings.ts";
import { principalFor } from "../../src/accounts/web-auth.ts";
import { packFixture } from "../fixtures/installer/build.ts";
import { startHosted, type HostedInstance } from "../helpers/hosted.ts";
import { descendantsOf, waitUntil } from "../helpers/processes.ts";
import { plainUserWithKey, serverJson } from "../helpers/registry.ts";
import { tempDir } from "../helpers/temp.ts";

const HOG = join(import.meta.dir, "../fixtures/installer/memory-hog");

let h: HostedInstance;
const packs = tempDir("hearth-packs-");
let hogTgz: string;
beforeAll(async () => {
  h = await startHosted();
  mkdirSync(join(packs.path, "hog"));
  hogTgz = packFixture(HOG, join(packs.path, "hog"));
}, 60_000);
afterAll(async () => {
  await h.close();
  packs.cleanup();
});
afterEach(async () => {
  // Whatever a test started ends with it: only warm pools of still-deployed fixtures may remain.
  expect(await waitUntil(() => h.hosting.supervisor.count() === h.hosting.supervisor.poolStats().idle, 5000)).toBe(true);
});

const auth = () => ({ authorization: `Bearer ${h.key}` });
const deploymentUrl = (name: string) => `${h.server.url}/api/v1/servers/${name}/deployment`;

async function patch(name: string, body: unknown, headers = auth()) {
  return fetch(deploymentUrl(name), { method: "PATCH", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify(body) });
}
async function settingsOf(name: string) {
  return ((await (await fetch(deploymentUrl(name), { headers: auth() })).json()) as { settings: Record<string, unknown> }).settings;
}
function open(name: string) {
  return openSession(h.ctx, principalFor(h.ctx, new Request("http://x/", { headers: auth() })), name, new URLSearchParams());
}

describe("per-server deployment settings", () => {
  it("deploys with a memory limit; a server that allocates past it fails the deploy saying so, with nothing left running", async () => {
    const form = new FormData();
    form.set("file", new Blob([JSON.stringify(serverJson("io.github.test/hog", { packages: [{ registryType: "npm", identifier: "hearth-fixture-memory-hog", version: "1.0.0", transport: { type: "stdio" } }] }))]), "server.json");
    form.set("artifact", Bun.file(hogTgz), "package.tgz");
    expect((await fetch(`${h.server.url}/api/v1/servers`, { method: "POST", body: form, headers: auth() })).status).toBe(201);
    const r = await fetch(`${h.server.url}/api/v1/servers/io.github.test/hog/deploy`, {
      method: "POST",
      headers: { ...auth(), "content-type": "application/json" },
      body: JSON.stringify({ settings: { limits: { addressSpaceMiB: 1024 } } }),
    });
    const body = (await r.json()) as { error: string };
    expect(r.status, JSON.stringify(body)).toBe(503);
    expect(body.error).toContain("keeps crashing at start");
    expect(body.error).toContain("ran out of memory under its limits (address space 1024 MiB)");
    const state = (await (await fetch(deploymentUrl("io.github.test/hog"), { headers: auth() })).json()) as { state: string; error: string; settings: { limits: Record<string, number> } };
    expect(state.state).toBe("failed");
    expect(state.error).toContain("ran out of memory");
    expect(state.settings.limits.addressSpaceMiB).toBe(1024);
    const logs = (await (await fetch(`${h.server.url}/api/v1/servers/io.github.test/hog/logs?tail=200`, { headers: auth() })).json()) as { lines: { text: string }[] };
    expect(logs.lines.some((l) => l.text.includes("ran out of memory under its limits"))).toBe(true);
    expect(h.hosting.supervisor.count()).toBe(0);
    expect(descendantsOf(process.pid)).toEqual([]);
  }, 90_000);

  it("refuses bad settings with 422 naming each field, and changes nothing", async () => {
    h.deployFixture("io.github.test/echo-bad", "echo-server.ts");
    const before = await settingsOf("io.github.test/echo-bad");
    const cases: [unknown, string][] = [
      [{ sandbox: "docker" }, "sandbox"],
      [{ poolSize: -1 }, "poolSize"],
      [{ maxSessions: "many" }, "maxSessions"],
      [{ limits: { addressSpaceMiB: 100 } }, "limits.addressSpaceMiB"],
      [{ limits: { memory: 5 } }, "limits"],
      [{ colour: "blue" }, "settings"],
      [{ sessionPolicy: "pooled" }, "sessionPolicy"],
      [{ colour: null }, "settings"],
      [{ limits: { memory: null } }, "limits"],
      [{ sandbox: null, network: "bridge" }, "network"],
    ];
    for (const [body, field] of cases) {
      const r = await patch("io.github.test/echo-bad", body);
      expect(r.status).toBe(422);
      const json = (await r.json()) as { details?: { message: string }[] };
      expect(json.details?.some((d) => d.message.startsWith(field))).toBe(true);
    }
    // A whole-settings null has nothing to go back to: refused, not "reset everything".
    const wholeNull = await patch("io.github.test/echo-bad", { settings: null });
    expect(wholeNull.status).toBe(422);
    expect(((await wholeNull.json()) as { details?: { message: string }[] }).details?.[0]?.message).toStartWith("settings:");
    const tooBigPool = await patch("io.github.test/echo-bad", { poolSize: 5, maxSessions: 2 });
    expect(tooBigPool.status).toBe(422);
    expect(await settingsOf("io.github.test/echo-bad")).toEqual(before);
  });

  it("lets only an admin turn the sandbox off; an owner may tighten it", async () => {
    h.deployFixture("io.github.test/echo-owner", "echo-server.ts");
    const owner = plainUserWithKey(h.ctx, "owner@example.com");
    h.ctx.dbh.sqlite.query("UPDATE namespaces SET owner_user_id = ? WHERE id = (SELECT namespace_id FROM servers WHERE qualified_name = ?)").run(owner.user.id, "io.github.test/echo-owner");
    const off = await patch("io.github.test/echo-owner", { sandbox: "none" }, owner.auth);
    expect(off.status).toBe(403);
    expect(((await off.json()) as { error: string }).error).toContain('only an administrator may set sandbox "none"');
    expect((await patch("io.github.test/echo-owner", { sandbox: "auto", network: "none" }, owner.auth)).status).toBe(200);
    expect((await patch("io.github.test/echo-owner", { sandbox: "none" })).status).toBe(200);
    const stranger = plainUserWithKey(h.ctx, "stranger@example.com");
    expect((await patch("io.github.test/echo-owner", { poolSize: 0 }, stranger.auth)).status).toBe(403);
  });

  it("puts settings back to their defaults with null (JSON merge patch), each limit or all of them", async () => {
    const name = "io.github.test/echo-reset";
    h.deployFixture(name, "echo-server.ts", {}, { poolSize: 0 });
    const defaults = await settingsOf(name);
    expect((await patch(name, { settings: { sandbox: "auto", maxSessions: 3, network: "none", limits: { memoryMiB: 256, openFiles: 99, pids: 10 } } })).status).toBe(200);
    const r = await patch(name, { settings: { sandbox: null, maxSessions: null, limits: { memoryMiB: null } } });
    expect(r.status).toBe(200);
    const limits = defaults.limits as Record<string, number>;
    expect(((await r.json()) as { settings: unknown }).settings).toEqual({ ...defaults, network: "none", limits: { ...limits, openFiles: 99, pids: 10 } });
    expect((await settingsOf(name)).sandbox).toBeUndefined();
    expect((await patch(name, { limits: null, network: null })).status).toBe(200);
    expect(await settingsOf(name)).toEqual(defaults);
  });

  it("lets an owner reset the sandbox only where the instance default doesn't turn it off (this instance runs --sandbox none)", async () => {
    const name = "io.github.test/echo-reset-owner";
    h.deployFixture(name, "echo-server.ts", {}, { poolSize: 0 });
    const owner = plainUserWithKey(h.ctx, "reset-owner@example.com");
    h.ctx.dbh.sqlite.query("UPDATE namespaces SET owner_user_id = ? WHERE id = (SELECT namespace_id FROM servers WHERE qualified_name = ?)").run(owner.user.id, name);
    expect((await patch(name, { sandbox: "bwrap" }, owner.auth)).status).toBe(200);
    const off = await patch(name, { sandbox: null, poolSize: 0 }, owner.auth);
    expect(off.status).toBe(403);
    expect(((await off.json()) as { error: string }).error).toContain("would turn the sandbox off");
    expect((await settingsOf(name)).sandbox).toBe("bwrap");
    expect((await patch(name, { sandbox: null })).status).toBe(200);
    expect((await settingsOf(name)).sandbox).toBeUndefined();
    // Already at the instance default (or admin-unsandboxed), a reset loses nothing: the owner may send it.
    expect((await patch(name, { sandbox: null }, owner.auth)).status).toBe(200);
    // Where the instance default is one an owner could pick (auto, bwrap), the reset is theirs.
    const current = withDefaults({ sandbox: "bwrap" });
    expect(applySettingsPatch(current, { sandbox: null }, { admin: false, instanceSandbox: "auto" }).sandbox).toBeUndefined();
    expect(() => applySettingsPatch(current, { sandbox: null }, { admin: false, instanceSandbox: "none" })).toThrow("only an administrator may reset sandbox");
  });

  it("says to deploy first when a server has no deployment to change", async () => {
    h.deployFixture("io.github.test/echo-first", "echo-server.ts");
    h.ctx.dbh.sqlite.query("DELETE FROM deployments WHERE server_id = (SELECT id FROM servers WHERE qualified_name = ?)").run("io.github.test/echo-first");
    const r = await patch("io.github.test/echo-first", { poolSize: 0 });
    expect(r.status).toBe(404);
    expect(((await r.json()) as { error: string }).error).toContain("pass the settings with its first deploy");
  });

  it("honours pool size: the warm pool is resized at once", async () => {
    h.deployFixture("io.github.test/echo-pool", "echo-server.ts");
    expect((await patch("io.github.test/echo-pool", { poolSize: 2 })).status).toBe(200);
    expect(h.hosting.supervisor.count("io.github.test/echo-pool")).toBe(2);
    expect((await patch("io.github.test/echo-pool", { poolSize: 0 })).status).toBe(200);
    expect(await waitUntil(() => h.hosting.supervisor.count("io.github.test/echo-pool") === 0, 5000)).toBe(true);
  });

  it("honours max sessions, idle timeout and max age for new sessions", async () => {
    h.deployFixture("io.github.test/echo-max", "echo-server.ts", {}, { poolSize: 0 });
    expect((await patch("io.github.test/echo-max", { maxSessions: 1, idleTimeoutSec: 42, maxAgeSec: 600 })).status).toBe(200);
    const first = await open("io.github.test/echo-max");
    expect(first).toMatchObject({ idleTimeoutMs: 42_000, maxAgeMs: 600_000 });
    await expect(open("io.github.test/echo-max")).rejects.toThrow("already has its maximum of 1 session; try again shortly");
    await first.lease.release("test done");
  });

  it("honours a per-server sandbox and limits: a server set to bwrap runs sandboxed on an instance started with --sandbox none", async () => {
    h.deployFixture("io.github.test/echo-sandbox", "echo-server.ts", {}, { poolSize: 0 });
    const plain = await open("io.github.test/echo-sandbox");
    expect(plain.lease.sandboxed).toBe(false);
    await plain.lease.release("test done");
    const usable = h.hosting.supervisor["opts"].protections.bwrap.usable;
    const r = await patch("io.github.test/echo-sandbox", { sandbox: usable ? "bwrap" : "auto", limits: { openFiles: 99 } });
    expect(r.status).toBe(200);
    const s = await open("io.github.test/echo-sandbox");
    expect(s.lease.sandboxed).toBe(usable);
    // prlimit sets the limits on itself and then execs, so the leader has them a moment after spawn.
    const limits = () => readFileSync(`/proc/${s.lease.child.pid}/limits`, "utf8");
    expect(await waitUntil(() => /Max open files\s+99\s+99\s/.test(limits()), 3000)).toBe(true);
    expect(limits()).toMatch(/Max address space\s+8589934592\s/);
    await s.lease.release("test done");
  });
});
