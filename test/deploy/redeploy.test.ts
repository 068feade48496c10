import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { WebSocketClientTransport } from "@modelcontextprotocol/sdk/client/websocket.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "bun:test";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { findUserByEmail } from "../../src/accounts/users.ts";
import { listAudit } from "../../src/audit/audit-log.ts";
import { packFixture } from "../fixtures/installer/build.ts";
import { startHosted, type HostedInstance } from "../helpers/hosted.ts";
import { waitUntil } from "../helpers/processes.ts";
import { serverJson } from "../helpers/registry.ts";
import { browserFor } from "../ui/ui-helpers.ts";
import { tempDir } from "../helpers/temp.ts";

// A redeploy installs and probes the new version beside the serving one and switches only when the
// probe passes: these tests drive real installs of a dependency-free fixture package (offline),
// real probes, and real SDK clients over both bridges.
const FIXTURE = join(import.meta.dir, "../fixtures/installer/versioned-server");
const MAIN = join(import.meta.dir, "../../src/main.ts");

let h: HostedInstance;
const packs = tempDir("hearth-redeploy-");
beforeAll(async () => {
  h = await startHosted();
}, 60_000);
afterAll(async () => {
  await h.close();
  packs.cleanup();
});
afterEach(async () => {
  // Whatever a test started ends with it: only warm pools of deployed servers may remain.
  expect(await waitUntil(() => h.hosting.supervisor.count() === h.hosting.supervisor.poolStats().idle, 10_000)).toBe(true);
});

const auth = () => ({ authorization: `Bearer ${h.key}` });

let packed = 0;
/** packVersion packs the fixture as `version`; `brokenAfter` makes it a build that exits 3 once that file exists. */
function packVersion(version: string, brokenAfter?: string): string {
  const n = ++packed;
  const src = join(packs.path, `src-${n}`);
  const out = join(packs.path, `out-${n}`);
  cpSync(FIXTURE, src, { recursive: true });
  const pkg = JSON.parse(readFileSync(join(src, "package.json"), "utf8")) as Record<string, unknown>;
  writeFileSync(join(src, "package.json"), JSON.stringify({ ...pkg, version, ...(brokenAfter ? { hearthFixture: { brokenAfter } } : {}) }));
  mkdirSync(out);
  return packFixture(src, out);
}

async function publish(name: string, version: string, artifact: string): Promise<void> {
  const form = new FormData();
  const doc = serverJson(name, { version, packages: [{ registryType: "npm", identifier: "hearth-fixture-versioned", version, transport: { type: "stdio" } }] });
  form.set("file", new Blob([JSON.stringify(doc)]), "server.json");
  form.set("artifact", Bun.file(artifact), "package.tgz");
  const r = await fetch(`${h.server.url}/api/v1/servers`, { method: "POST", body: form, headers: auth() });
  expect(r.status, await r.clone().text()).toBe(201);
}

async function deploy(name: string, version: string, path = "deploy"): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(`${h.server.url}/api/v1/servers/${name}/${path}?version=${version}`, { method: "POST", headers: auth() });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

interface DeploymentView {
  state: string;
  version: string;
  error: string | null;
  lastDeploy: { version: string; kind: string; state: string; error: string | null } | null;
  deployedVersions: { version: string; deployedAt: string; serving: boolean }[];
}
async function deploymentOf(name: string): Promise<DeploymentView> {
  return (await (await fetch(`${h.server.url}/api/v1/servers/${name}/deployment`, { headers: auth() })).json()) as DeploymentView;
}

/** clients opens one real SDK client over WebSocket and one over Streamable HTTP. */
async function clients(name: string): Promise<Client[]> {
  const ws = new Client({ name: "ws", version: "1" });
  await ws.connect(new WebSocketClientTransport(new URL(h.wsUrl(name, `api_key=${h.key}`))));
  const http = new Client({ name: "http", version: "1" });
  await http.connect(new StreamableHTTPClientTransport(new URL(h.httpUrl(name)), { requestInit: { headers: auth() } }));
  return [ws, http];
}

async function versionsAnswered(cs: Client[]): Promise<string[]> {
  return Promise.all(cs.map(async (c) => JSON.stringify((await c.callTool({ name: "version", arguments: {} })).content)));
}

// An HTTP client's close leaves its session to the idle timeout; ending it (DELETE) frees its child now.
async function closeAll(cs: Client[]): Promise<void> {
  await Promise.all(
    cs.map(async (c) => {
      if (c.transport instanceof StreamableHTTPClientTransport) await c.transport.terminateSession();
      await c.close();
    }),
  );
}

/** hearth runs the real CLI against this instance (a throwaway HOME, so no login store is read). */
async function hearth(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const home = tempDir("hearth-cli-home-");
  try {
    const proc = Bun.spawn([process.execPath, MAIN, ...args, "--url", h.server.url, "--key", h.key], { env: { PATH: process.env.PATH ?? "/usr/bin", HOME: home.path }, stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    return { code, stdout, stderr };
  } finally {
    home.cleanup();
  }
}

describe("redeploy", () => {
  it("keeps the old version answering over WS and /mcp while a broken new version is probed, and after it fails", async () => {
    const name = "io.github.test/keeps";
    const gate = join(packs.path, "keeps-gate");
    await publish(name, "1.0.0", packVersion("1.0.0"));
    expect((await deploy(name, "1.0.0")).status).toBe(200);
    await publish(name, "2.0.0", packVersion("2.0.0", gate));
    const before = await clients(name);
    expect(await versionsAnswered(before)).toEqual(['[{"type":"text","text":"version 1.0.0"}]', '[{"type":"text","text":"version 1.0.0"}]']);

    const failing = deploy(name, "2.0.0");
    // The broken build waits for the gate, so the deploy is certainly still probing here.
    const server = h.ctx.deployer!;
    const serverId = (h.ctx.dbh.sqlite.query("SELECT id FROM servers WHERE qualified_name = ?").get(name) as { id: number }).id;
    expect(await waitUntil(() => server.current(serverId)?.events.some((e) => e.phase === "probing") ?? false, 60_000)).toBe(true);
    const during = await clients(name);
    expect(await versionsAnswered([...before, ...during])).toEqual(Array(4).fill('[{"type":"text","text":"version 1.0.0"}]'));
    const mid = await deploymentOf(name);
    expect(mid).toMatchObject({ state: "ready", version: "1.0.0", lastDeploy: { version: "2.0.0", state: "installing" } });
    expect(server.current(serverId)).toBeDefined();

    writeFileSync(gate, "");
    const failed = await failing;
    expect(failed.status).toBe(503);
    expect(failed.body.error).toContain("keeps crashing at start");
    expect(failed.body).toMatchObject({ version: "2.0.0", serving: "1.0.0", deployment: { state: "ready", version: "1.0.0", lastDeploy: { version: "2.0.0", state: "failed" } } });

    const after = await clients(name);
    expect(await versionsAnswered([...before, ...during, ...after])).toEqual(Array(6).fill('[{"type":"text","text":"version 1.0.0"}]'));
    const view = await deploymentOf(name);
    expect(view).toMatchObject({ state: "ready", version: "1.0.0", error: null, lastDeploy: { version: "2.0.0", kind: "deploy", state: "failed" } });
    expect(view.lastDeploy!.error).toContain("this build is broken");
    const detail = (await (await fetch(`${h.server.url}/api/v1/servers/${name}`)).json()) as { isDeployed: boolean };
    expect(detail.isDeployed).toBe(true);
    await closeAll([...before, ...during, ...after]);
    expect(await waitUntil(() => listAudit(h.ctx.dbh.db, { action: "server.deploy", outcome: "fail" }, 1, 5).events.length === 1, 5000)).toBe(true);
    const [event] = listAudit(h.ctx.dbh.db, { action: "server.deploy", outcome: "fail" }, 1, 5).events;
    expect(event!.target).toBe(name);
    expect(event!.detail).toStartWith("2.0.0: the server keeps crashing at start");
    expect(event!.detail).toEndWith("; 1.0.0 kept serving");
  }, 120_000);

  it("keeps the old version when the new version's package fails to install", async () => {
    const name = "io.github.test/bad-install";
    await publish(name, "1.0.0", packVersion("1.0.0"));
    expect((await deploy(name, "1.0.0")).status).toBe(200);
    const bogus = join(packs.path, "bogus.tgz");
    writeFileSync(bogus, "this is not a tarball");
    await publish(name, "1.1.0", bogus);
    const failed = await deploy(name, "1.1.0");
    expect(failed.status).toBe(503);
    expect(failed.body).toMatchObject({ serving: "1.0.0", deployment: { state: "ready", version: "1.0.0", lastDeploy: { version: "1.1.0", state: "failed" } } });
    const cs = await clients(name);
    expect(await versionsAnswered(cs)).toEqual(Array(2).fill('[{"type":"text","text":"version 1.0.0"}]'));
    await closeAll(cs);
  }, 120_000);

  it("switches new sessions to a working new version, lets open ones finish on the old child, and rebuilds the warm pool", async () => {
    const name = "io.github.test/switches";
    await publish(name, "1.0.0", packVersion("1.0.0"));
    expect((await deploy(name, "1.0.0")).status).toBe(200);
    await publish(name, "2.0.0", packVersion("2.0.0"));
    const old = await clients(name);
    const ok = await deploy(name, "2.0.0");
    expect(ok).toMatchObject({ status: 200, body: { phase: "ready", version: "2.0.0", deployment: "ready" } });
    const fresh = await clients(name);
    expect(await versionsAnswered(fresh)).toEqual(Array(2).fill('[{"type":"text","text":"version 2.0.0"}]'));
    expect(await versionsAnswered(old)).toEqual(Array(2).fill('[{"type":"text","text":"version 1.0.0"}]'));
    const view = await deploymentOf(name);
    expect(view).toMatchObject({ state: "ready", version: "2.0.0", lastDeploy: { version: "2.0.0", state: "ready" } });
    expect(view.deployedVersions).toEqual([
      { version: "2.0.0", deployedAt: expect.any(String), serving: true },
      { version: "1.0.0", deployedAt: expect.any(String), serving: false },
    ]);
    await closeAll([...old, ...fresh]);
    // The pool was rebuilt on 2.0.0: a new session takes a warm child, and it is the new version.
    expect(await waitUntil(() => h.hosting.supervisor.poolStats().idle >= 1, 10_000)).toBe(true);
    const hits = h.hosting.supervisor.poolStats().hits;
    const ws = new Client({ name: "ws", version: "1" });
    await ws.connect(new WebSocketClientTransport(new URL(h.wsUrl(name, `api_key=${h.key}`))));
    expect(h.hosting.supervisor.poolStats().hits).toBe(hits + 1);
    expect(await versionsAnswered([ws])).toEqual(['[{"type":"text","text":"version 2.0.0"}]']);
    await ws.close();
  }, 120_000);

  it("rolls back to an earlier deployed version, and refuses versions that never served or don't exist", async () => {
    const name = "io.github.test/rolls";
    await publish(name, "1.0.0", packVersion("1.0.0"));
    await publish(name, "2.0.0", packVersion("2.0.0"));
    await publish(name, "3.0.0", packVersion("3.0.0"));
    expect((await deploy(name, "1.0.0")).status).toBe(200);
    expect((await deploy(name, "2.0.0")).status).toBe(200);

    const never = await deploy(name, "3.0.0", "rollback");
    expect(never.status).toBe(409);
    expect(never.body.error).toBe(`${name}@3.0.0 was never deployed here, so there is nothing to roll back to: deploy it instead`);
    const missing = await deploy(name, "9.9.9", "rollback");
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe(`${name} has no version 9.9.9, so there is nothing to roll back to`);
    const same = await deploy(name, "2.0.0", "rollback");
    expect(same.status).toBe(409);
    expect(same.body.error).toBe(`${name} already serves 2.0.0`);
    expect((await deploymentOf(name)).version).toBe("2.0.0");

    const back = await deploy(name, "1.0.0", "rollback");
    expect(back).toMatchObject({ status: 200, body: { phase: "ready", version: "1.0.0", message: "rolled back to 1.0.0 with 1 tool" } });
    const cs = await clients(name);
    expect(await versionsAnswered(cs)).toEqual(Array(2).fill('[{"type":"text","text":"version 1.0.0"}]'));
    await closeAll(cs);
    expect(await deploymentOf(name)).toMatchObject({ version: "1.0.0", lastDeploy: { version: "1.0.0", kind: "rollback", state: "ready" } });
    // Without a version, a rollback goes to the newest earlier one: 2.0.0 again.
    const r = await fetch(`${h.server.url}/api/v1/servers/${name}/rollback`, { method: "POST", headers: auth() });
    expect(r.status).toBe(200);
    expect((await deploymentOf(name)).version).toBe("2.0.0");
    expect(await waitUntil(() => listAudit(h.ctx.dbh.db, { action: "server.rollback" }, 1, 5).events.length === 2, 5000)).toBe(true);
    expect(listAudit(h.ctx.dbh.db, { action: "server.rollback" }, 1, 5).events.map((e) => [e.outcome, e.detail])).toEqual([
      ["ok", "2.0.0: rolled back to 2.0.0 with 1 tool"],
      ["ok", "1.0.0: rolled back to 1.0.0 with 1 tool"],
    ]);
  }, 120_000);

  it("refuses a rollback of a server with no earlier version, clearly", async () => {
    const name = "io.github.test/only";
    await publish(name, "1.0.0", packVersion("1.0.0"));
    const undeployed = await fetch(`${h.server.url}/api/v1/servers/${name}/rollback`, { method: "POST", headers: auth() });
    expect(undeployed.status).toBe(409);
    expect(((await undeployed.json()) as { error: string }).error).toBe(`${name} has no earlier deployed version to roll back to`);
    expect((await deploy(name, "1.0.0")).status).toBe(200);
    const r = await fetch(`${h.server.url}/api/v1/servers/${name}/rollback`, { method: "POST", headers: auth() });
    expect(r.status).toBe(409);
    expect(((await r.json()) as { error: string }).error).toBe(`${name} has no earlier deployed version to roll back to`);
  }, 60_000);

  it("hearth deploy of a broken version exits 1 with one sentence naming the version still serving; hearth rollback refuses clearly and goes back", async () => {
    const name = "io.github.test/cli";
    const gate = join(packs.path, "cli-gate");
    writeFileSync(gate, "");
    await publish(name, "1.0.0", packVersion("1.0.0"));
    await publish(name, "2.0.0", packVersion("2.0.0"));
    await publish(name, "3.0.0", packVersion("3.0.0", gate));
    const first = await hearth(["deploy", name, "--version", "1.0.0"]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.trim()).toBe(`${name}: deployed with 1 tool`);
    const broken = await hearth(["deploy", name, "--version", "3.0.0"]);
    expect(broken.code).toBe(1);
    const lastLine = broken.stderr.trim().split("\n").at(-1)!;
    expect(lastLine).toMatch(new RegExp(`^hearth deploy: ${name}@3\\.0\\.0 failed: the server keeps crashing at start \\(.+\\); ${name} still serves 1\\.0\\.0$`));
    expect((await deploymentOf(name)).version).toBe("1.0.0");

    const never = await hearth(["rollback", name, "--version", "2.0.0"]);
    expect(never.code).toBe(1);
    expect(never.stderr.trim()).toBe(`hearth rollback: 409 ${name}@2.0.0 was never deployed here, so there is nothing to roll back to: deploy it instead`);
    const missing = await hearth(["rollback", name, "--version", "7.0.0"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe(`hearth rollback: 404 ${name} has no version 7.0.0, so there is nothing to roll back to`);
    expect((await hearth(["deploy", name, "--version", "2.0.0"])).code).toBe(0);
    const back = await hearth(["rollback", name]);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout.trim()).toBe(`${name}: rolled back to 1.0.0 with 1 tool`);
    expect((await deploymentOf(name)).version).toBe("1.0.0");
  }, 120_000);

  it("shows a failed redeploy and the deployed versions on the Deployments page, and rolls back from its button", async () => {
    const name = "io.github.test/page";
    const gate = join(packs.path, "page-gate");
    writeFileSync(gate, "");
    await publish(name, "1.0.0", packVersion("1.0.0"));
    await publish(name, "2.0.0", packVersion("2.0.0"));
    await publish(name, "3.0.0", packVersion("3.0.0", gate));
    expect((await deploy(name, "1.0.0")).status).toBe(200);
    expect((await deploy(name, "2.0.0")).status).toBe(200);
    expect((await deploy(name, "3.0.0")).status).toBe(503);
    const b = browserFor(h.ctx, findUserByEmail(h.ctx.dbh.db, "admin@example.com")!);
    const page = await (await fetch(`${h.server.url}/${name}/deployments`, { headers: { cookie: b.cookie } })).text();
    expect(page).toContain('<dd id="last-deploy" data-state="failed">');
    expect(page).toContain("Deploy of 3.0.0 failed; the version above kept serving");
    expect(page).toContain("this build is broken");
    expect(page).toContain("<dd>Running</dd>");
    expect(page).toContain(`<input type="hidden" name="_csrf" value="${b.csrf}"/><input type="hidden" name="version" value="1.0.0"/><button type="submit">Roll back to 1.0.0</button>`);
    expect(page).not.toContain("Roll back to 2.0.0");
    expect(page).not.toContain("Roll back to 3.0.0");

    const action = `${h.server.url}/${name}/deployments/rollback`;
    const post = (fields: Record<string, string>, extra: Record<string, string> = {}) =>
      fetch(action, { method: "POST", redirect: "manual", headers: { ...b.post(), origin: h.server.url, ...extra }, body: new URLSearchParams(fields).toString() });
    const refusedFragment = await post({ _csrf: b.csrf, version: "3.0.0" }, { "hx-request": "true" });
    expect(refusedFragment.status).toBe(200);
    expect(await refusedFragment.text()).toContain(`${name}@3.0.0 was never deployed here, so there is nothing to roll back to: deploy it instead`);
    const refusedPage = await post({ _csrf: b.csrf, version: "3.0.0" });
    expect(refusedPage.status).toBe(409);
    expect(await refusedPage.text()).toContain("was never deployed here");
    expect((await post({ version: "1.0.0" })).status).toBe(403);
    expect((await deploymentOf(name)).version).toBe("2.0.0");

    const done = await post({ _csrf: b.csrf, version: "1.0.0" });
    expect(done.status).toBe(303);
    const serverId = (h.ctx.dbh.sqlite.query("SELECT id FROM servers WHERE qualified_name = ?").get(name) as { id: number }).id;
    await h.ctx.deployer!.current(serverId)?.done;
    expect(await deploymentOf(name)).toMatchObject({ state: "ready", version: "1.0.0", lastDeploy: { kind: "rollback", state: "ready" } });
    const cs = await clients(name);
    expect(await versionsAnswered(cs)).toEqual(Array(2).fill('[{"type":"text","text":"version 1.0.0"}]'));
    await closeAll(cs);
    const after = await (await fetch(`${h.server.url}/${name}/deployments`, { headers: { cookie: b.cookie } })).text();
    expect(after).toContain("Roll back to 2.0.0");
    expect(after).not.toContain('id="last-deploy"');
  }, 120_000);
});
