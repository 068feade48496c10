import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { WebSocketClientTransport } from "@modelcontextprotocol/sdk/client/websocket.js";
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { listAudit } from "../../src/audit/audit-log.ts";
import { commandFromResult } from "../../src/launch/smithery-command.ts";
import { packFixture } from "../fixtures/installer/build.ts";
import { startHosted, type HostedInstance } from "../helpers/hosted.ts";
import { descendantsOf } from "../helpers/processes.ts";
import { tempDir } from "../helpers/temp.ts";

const GREETER = join(import.meta.dir, "../fixtures/installer/smithery-greeter");

let h: HostedInstance;
const packs = tempDir("hearth-packs-");
let tgz: string;
beforeAll(async () => {
  h = await startHosted();
  mkdirSync(join(packs.path, "greeter"));
  tgz = packFixture(GREETER, join(packs.path, "greeter"));
}, 60_000);
afterAll(async () => {
  await h.close();
  packs.cleanup();
});

const auth = () => ({ authorization: `Bearer ${h.key}` });

function smitheryYaml(fn: string, required = false): string {
  return [
    "startCommand:",
    "  type: stdio",
    "  configSchema:",
    "    type: object",
    ...(required ? ["    required: [greeting]"] : []),
    "    properties:",
    "      greeting: {type: string, default: hello}",
    "  commandFunction: |-",
    `    ${fn}`,
    "",
  ].join("\n");
}

async function publish(name: string, yaml: string, withArtifact = true): Promise<Response> {
  const form = new FormData();
  form.set("file", new Blob([yaml]), "smithery.yaml");
  form.set("name", name);
  form.set("version", "1.0.0");
  if (withArtifact) form.set("artifact", Bun.file(tgz), "package.tgz");
  return fetch(`${h.server.url}/api/v1/servers`, { method: "POST", body: form, headers: auth() });
}
async function deploy(name: string): Promise<{ status: number; body: { phase?: string; error?: string; tools?: number } }> {
  const r = await fetch(`${h.server.url}/api/v1/servers/${name}/deploy`, { method: "POST", headers: auth() });
  return { status: r.status, body: await r.json() };
}

describe("smithery.yaml commandFunction deploys", () => {
  it("deploys a built package with its smithery.yaml and starts each session from the commandFunction's result for its config", async () => {
    const fn = "(config) => ({ command: 'node', args: ['dist/server.js', '--mode', 'stdio'], env: { GREETING: config.greeting ?? 'hello' } })";
    expect((await publish("io.github.test/greeter", smitheryYaml(fn))).status).toBe(201);
    const d = await deploy("io.github.test/greeter");
    expect(d).toMatchObject({ status: 200, body: { phase: "ready", tools: 1 } });
    const config = Buffer.from(JSON.stringify({ greeting: "bonjour" })).toString("base64");
    const client = new Client({ name: "t", version: "1" });
    await client.connect(new WebSocketClientTransport(new URL(h.wsUrl("io.github.test/greeter", `api_key=${h.key}&config=${config}`))));
    const r = await client.callTool({ name: "greet", arguments: {} });
    expect((r.content as { text: string }[])[0]!.text).toBe("bonjour (--mode stdio)");
    await client.close();
  }, 90_000);

  it("fails the deploy of a commandFunction that throws, saying what it threw", async () => {
    await publish("io.github.test/greeter-throws", smitheryYaml("(config) => { throw new Error('no greeting today') }"));
    const d = await deploy("io.github.test/greeter-throws");
    expect(d.status).toBe(503); // a failed deploy answers 503, whatever failed
    expect(d.body.error).toContain("the commandFunction threw: no greeting today");
    const state = await (await fetch(`${h.server.url}/api/v1/servers/io.github.test/greeter-throws/deployment`, { headers: auth() })).json();
    expect(state).toMatchObject({ state: "failed", error: expect.stringContaining("no greeting today") });
  }, 90_000);

  it("keeps the owner's secret test config out of a commandFunction's error, everywhere it is kept", async () => {
    const yaml = ["startCommand:", "  type: stdio", "  configSchema:", "    type: object", "    properties:", "      token: {type: string}", "  commandFunction: |-", "    (config) => { throw new Error('bad token ' + config.token) }", ""].join("\n");
    expect((await publish("io.github.test/greeter-leaks", yaml)).status).toBe(201);
    const put = await fetch(`${h.server.url}/api/v1/servers/io.github.test/greeter-leaks/test-config`, { method: "PUT", headers: { ...auth(), "content-type": "application/json" }, body: JSON.stringify({ config: { token: "s3cr3t-token-value" } }) });
    expect(put.status).toBe(200);
    const d = await deploy("io.github.test/greeter-leaks");
    expect(d.status).toBe(503);
    expect(d.body.error).toContain("bad token [redacted]");
    const state = await (await fetch(`${h.server.url}/api/v1/servers/io.github.test/greeter-leaks/deployment`, { headers: auth() })).json();
    expect(state).toMatchObject({ state: "failed", error: expect.stringContaining("bad token [redacted]") });
    const audit = listAudit(h.ctx.dbh.db, { action: "server.deploy" }, 1, 50).events.filter((e) => e.target === "io.github.test/greeter-leaks");
    expect(audit.map((e) => e.detail)).toEqual([expect.stringContaining("bad token [redacted]")]);
    expect(JSON.stringify([d.body, state, audit])).not.toContain("s3cr3t-token-value");
  }, 90_000);

  it("fails the deploy of a commandFunction that loops forever after its 2 s timeout, with nothing left running", async () => {
    await publish("io.github.test/greeter-loops", smitheryYaml("(config) => { for (;;) {} }"));
    const started = Date.now();
    const d = await deploy("io.github.test/greeter-loops");
    expect(d.status).toBe(503);
    expect(d.body.error).toContain("did not finish within 2000 ms and was killed");
    expect(Date.now() - started).toBeLessThan(20_000);
    // What is left is the first test's warm pool, never the evaluator (its harness.mjs).
    const cmdline = (pid: number) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8");
      } catch {
        return "";
      }
    };
    expect(descendantsOf(process.pid).filter((p) => cmdline(p.pid).includes("harness.mjs"))).toEqual([]);
    expect(descendantsOf(process.pid).length).toBe(h.hosting.supervisor.count());
  }, 90_000);

  it("fails a deploy whose commandFunction returns junk, naming the bad field", async () => {
    await publish("io.github.test/greeter-junk", smitheryYaml("(config) => ({ args: 'not a list' })"));
    const d = await deploy("io.github.test/greeter-junk");
    expect(d.status).toBe(503);
    expect(d.body.error).toContain("must return {command, args, env}");
  }, 90_000);

  it("refuses a session whose config makes the commandFunction throw with 422, starting nothing", async () => {
    const fn = "(config) => { if (config.greeting === 'boom') throw new Error('not that one'); return { command: 'node', args: ['dist/server.js'], env: { GREETING: config.greeting } } }";
    await publish("io.github.test/greeter-picky", smitheryYaml(fn, true));
    expect((await deploy("io.github.test/greeter-picky")).body).toMatchObject({ phase: "ready" });
    const before = h.hosting.supervisor.count();
    const config = Buffer.from(JSON.stringify({ greeting: "boom" })).toString("base64");
    const r = await fetch(h.wsUrl("io.github.test/greeter-picky", `api_key=${h.key}&config=${config}`).replace(/^ws/, "http"), {
      headers: { upgrade: "websocket", connection: "upgrade", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", "sec-websocket-version": "13", "sec-websocket-protocol": "mcp" },
    });
    expect(r.status).toBe(422);
    expect(await r.text()).toContain("the commandFunction threw: not that one");
    expect(h.hosting.supervisor.count()).toBe(before);
  }, 90_000);

  it("marks a server that crashes at every start failed after its retries, with its stderr tail", async () => {
    const fn = "() => ({ command: 'node', args: ['-e', 'console.error(\\'fatal: no licence key\\'); process.exit(3)'] })";
    await publish("io.github.test/greeter-crashes", smitheryYaml(fn));
    const d = await deploy("io.github.test/greeter-crashes");
    expect(d.status).toBe(503);
    expect(d.body.error).toContain("keeps crashing at start");
    expect(d.body.error).toContain("exited with code 3");
    expect(d.body.error).toContain("fatal: no licence key");
    const state = await (await fetch(`${h.server.url}/api/v1/servers/io.github.test/greeter-crashes/deployment`, { headers: auth() })).json();
    expect(state).toMatchObject({ state: "failed", activeSessions: 0 });
  }, 90_000);

  it("is not deployable without the built package, and says why", async () => {
    expect((await publish("io.github.test/greeter-bare", smitheryYaml("() => ({ command: 'node', args: ['x.js'] })"), false)).status).toBe(201);
    const d = await deploy("io.github.test/greeter-bare");
    expect(d.status).toBe(422);
    expect(d.body.error).toContain("publish the smithery.yaml with the built package as a tarball artifact");
  });
});

describe("commandFromResult", () => {
  const root = join(GREETER);
  it("runs node and bun on the embedded runtime and makes the package's relative paths absolute", () => {
    expect(commandFromResult({ command: "node", args: ["dist/server.js", "--flag", "missing.js"], env: { A: "1" } }, root, "/opt/hearth")).toEqual({
      argv: ["/opt/hearth", join(root, "dist/server.js"), "--flag", "missing.js"],
      env: { A: "1", BUN_BE_BUN: "1" },
    });
  });

  it("refuses npx, a path outside the package, and a command path that is not in it", () => {
    expect(() => commandFromResult({ command: "npx", args: ["-y", "pkg"], env: {} }, root, "/opt/hearth")).toThrow("asks for npx");
    expect(() => commandFromResult({ command: "node", args: ["../memory-hog/bin/hog.js"], env: {} }, root, "/opt/hearth")).toThrow("points outside the package");
    expect(() => commandFromResult({ command: "./bin/nothing", args: [], env: {} }, root, "/opt/hearth")).toThrow("is not a file of the package");
  });
});
