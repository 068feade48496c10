import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterEach, describe, expect, it } from "bun:test";
import { join } from "node:path";
import { findUserByEmail } from "../../src/accounts/users.ts";
import { parseTarget } from "../../src/cli/connect.ts";
import { normaliseServerJson } from "../../src/registry/manifest-server-json.ts";
import { publishVersion } from "../../src/registry/publish.ts";
import { runHearth } from "../helpers/hearth-process.ts";
import { startHosted, type HostedInstance } from "../helpers/hosted.ts";
import { serverJson } from "../helpers/registry.ts";

const MAIN = join(import.meta.dir, "../../src/main.ts");
let h: HostedInstance | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const INIT = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "t", version: "1" } } });

// stdin stays open (an IDE would be attached), so the exit is the connection failure's, not EOF's.
// Over HTTP nothing is sent until the IDE speaks, so `first` is a line written at once.
async function connectOnce(args: string[], first?: string): Promise<{ code: number; stderr: string }> {
  const proc = Bun.spawn([process.execPath, MAIN, "connect", ...args], { stdin: "pipe", stdout: "pipe", stderr: "pipe", env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: "/tmp" } });
  if (first) proc.stdin.write(first + "\n");
  const timer = setTimeout(() => proc.kill("SIGKILL"), 15_000);
  const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(timer);
  proc.stdin.end();
  return { code, stderr };
}

function connectTransport(args: string[]) {
  return new StdioClientTransport({ command: process.execPath, args: [MAIN, "connect", ...args], env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: "/tmp" }, stderr: "pipe" });
}

describe("hearth connect", () => {
  it("is a stdio MCP server relaying to a hosted server (SDK StdioClientTransport)", async () => {
    h = await startHosted();
    h.deployFixture("io.github.test/echo", "echo-server.ts");
    const client = new Client({ name: "ide", version: "1" });
    await client.connect(connectTransport([`${h.server.url}/io.github.test/echo`, "--key", h.key]));
    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(["add", "echo", "slow"]);
    const r = await client.callTool({ name: "echo", arguments: { message: "from the IDE" } });
    expect(r.content).toEqual([{ type: "text", text: "from the IDE" }]);
    await client.close();
  });

  it("reconnects after the server drops the session and the next call succeeds", async () => {
    h = await startHosted();
    h.deployFixture("io.github.test/echo", "echo-server.ts", {}, { idleTimeoutSec: 1 });
    const client = new Client({ name: "ide", version: "1" });
    await client.connect(connectTransport([`${h.server.url}/io.github.test/echo`, "--key", h.key]));
    await client.callTool({ name: "echo", arguments: { message: "one" } });
    await Bun.sleep(2500); // Hearth closes the idle session (1001); connect re-establishes it
    const r = await client.callTool({ name: "echo", arguments: { message: "two" } });
    expect(r.content).toEqual([{ type: "text", text: "two" }]);
    await client.close();
  });

  it("says why when the session can't open, and exits 2", async () => {
    h = await startHosted();
    h.deployFixture("io.github.test/echo", "echo-server.ts");
    const badKey = await connectOnce([`${h.server.url}/io.github.test/echo`, "--key", "hth_nope"]);
    expect(badKey.code).toBe(2);
    expect(badKey.stderr).toContain("the key was refused");
    const unknown = await connectOnce([`${h.server.url}/io.github.test/none`, "--key", h.key]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("no server io.github.test/none");
    expect((await runHearth(["connect", "io.github.test/echo"])).code).toBe(2);
  });

  it("passes --config (JSON or base64 as the Connect tab writes it) to the session", async () => {
    h = await startHosted();
    h.deployFixture("io.github.test/typed", "echo-server.ts", {
      packages: [{ registryType: "npm", identifier: "@t/typed", version: "1.0.0", transport: { type: "stdio" }, environmentVariables: [{ name: "PORT", format: "number", isRequired: true }] }],
    });
    for (const config of ['{"PORT":8080}', Buffer.from('{"PORT":8080}').toString("base64url")]) {
      const client = new Client({ name: "ide", version: "1" });
      await client.connect(connectTransport([`${h.server.url}/io.github.test/typed`, "--key", h.key, "--config", config]));
      expect((await client.listTools()).tools.length).toBe(3);
      await client.close();
    }
    const wrong = await connectOnce([`${h.server.url}/io.github.test/typed`, "--key", h.key, "--config", '{"PORT":"x"}']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("check --config");
  });

  it("relays over Streamable HTTP with --transport http", async () => {
    h = await startHosted();
    h.deployFixture("io.github.test/echo", "echo-server.ts");
    const client = new Client({ name: "ide", version: "1" });
    try {
      await client.connect(connectTransport([`${h.server.url}/io.github.test/echo`, "--key", h.key, "--transport", "http"]));
      expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(["add", "echo", "slow"]);
      const progress: number[] = [];
      const slow = await client.callTool({ name: "slow", arguments: { steps: 3, delayMs: 100 } }, undefined, { onprogress: (p) => progress.push(p.progress) });
      expect(slow.content).toEqual([{ type: "text", text: "done after 3 steps" }]);
      // The fixture answers right after its last progress. The SDK client handles a notification a
      // microtask later but a response at once, so when lines arrive in one stdio read (a loaded
      // machine) the progress just before the answer is dropped by the client itself; what arrives
      // must be relayed in order.
      expect(progress.length).toBeGreaterThanOrEqual(1);
      expect(progress).toEqual([1, 2, 3].slice(0, progress.length));
    } finally {
      await client.close();
    }
  });

  it("over HTTP, re-establishes a session the server dropped and the next call succeeds", async () => {
    h = await startHosted();
    h.deployFixture("io.github.test/echo", "echo-server.ts", {}, { idleTimeoutSec: 1 });
    const client = new Client({ name: "ide", version: "1" });
    await client.connect(connectTransport([`${h.server.url}/io.github.test/echo`, "--key", h.key, "--transport", "http"]));
    await client.callTool({ name: "echo", arguments: { message: "one" } });
    await Bun.sleep(2500); // Hearth ends the idle session; the next POST gets 404 and connect re-initialises
    const r = await client.callTool({ name: "echo", arguments: { message: "two" } });
    expect(r.content).toEqual([{ type: "text", text: "two" }]);
    await client.close();
  });

  it("over HTTP, shows a refused config's errors one per line", async () => {
    h = await startHosted();
    h.deployFixture("io.github.test/typed", "echo-server.ts", {
      packages: [{ registryType: "npm", identifier: "@t/typed", version: "1.0.0", transport: { type: "stdio" }, environmentVariables: [{ name: "PORT", format: "number", isRequired: true }] }],
    });
    const r = await connectOnce([`${h.server.url}/io.github.test/typed`, "--key", h.key, "--transport", "http", "--config", '{"PORT":"x"}'], INIT);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("the configuration is not valid for io.github.test/typed:\n  PORT: must be a number");
  });

  it("sends --profile as profile= on both transports", async () => {
    const seen: string[] = [];
    const fake = Bun.serve({ port: 0, fetch: (req) => (seen.push(req.url), new Response("no", { status: 404 })) });
    try {
      for (const transport of ["ws", "http"]) {
        const r = await connectOnce([`http://127.0.0.1:${fake.port}/acme/tool`, "--key", "k", "--profile", "p-1", "--transport", transport], INIT);
        expect(r.code).toBe(2);
      }
    } finally {
      await fake.stop(true);
    }
    const first = seen.map((u) => new URL(u)).filter((u) => u.pathname !== "/api/v1/servers/acme/tool");
    expect(first.map((u) => [u.pathname, u.searchParams.get("profile")])).toEqual([["/acme/tool/ws", "p-1"], ["/acme/tool/mcp", "p-1"]]);
  });

  it("exits after --idle-exit with no messages", async () => {
    h = await startHosted();
    h.deployFixture("io.github.test/echo", "echo-server.ts");
    const started = Date.now();
    const r = await connectOnce([`${h.server.url}/io.github.test/echo`, "--key", h.key, "--idle-exit", "1s"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("no messages for 1s; exiting");
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await connectOnce([`${h.server.url}/io.github.test/echo`, "--key", h.key, "--idle-exit", "soon"])).stderr).toContain("give a duration like 30s");
  });

  it("says when the Hearth can't be reached or the server isn't deployed, on both transports", async () => {
    h = await startHosted();
    publishVersion(h.ctx.dbh, findUserByEmail(h.ctx.dbh.db, "admin@example.com")!, { manifest: normaliseServerJson(serverJson("io.github.test/idle")) });
    for (const transport of ["ws", "http"]) {
      const gone = await connectOnce(["http://127.0.0.1:9/acme/tool", "--key", "k", "--transport", transport], INIT);
      expect(gone.code).toBe(2);
      expect(gone.stderr).toContain("cannot reach http://127.0.0.1:9");
      const idle = await connectOnce([`${h.server.url}/io.github.test/idle`, "--key", h.key, "--transport", transport], INIT);
      expect(idle.code).toBe(2);
      expect(idle.stderr).toContain("io.github.test/idle is not deployed");
    }
  });

  it("parses URLs and ns/name targets", () => {
    expect(parseTarget("wss://hub.example.com/acme/github/ws", "http://x")).toEqual({ base: "https://hub.example.com", name: "acme/github" });
    expect(parseTarget("acme/github", "http://127.0.0.1:8080/")).toEqual({ base: "http://127.0.0.1:8080", name: "acme/github" });
    expect(() => parseTarget("acme", "http://x")).toThrow(/namespace\/name/);
  });
});
