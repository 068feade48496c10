import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { findUserByEmail } from "../../src/accounts/users.ts";
import { httpFailure } from "../../src/client/hub-api.ts";
import { normaliseServerJson } from "../../src/registry/manifest-server-json.ts";
import { publishVersion } from "../../src/registry/publish.ts";
import { runHearth } from "../helpers/hearth-process.ts";
import { startHosted, type HostedInstance } from "../helpers/hosted.ts";
import { serverJson } from "../helpers/registry.ts";

let h: HostedInstance;
const TYPED = { packages: [{ registryType: "npm", identifier: "@t/typed", version: "1.0.0", transport: { type: "stdio" }, environmentVariables: [{ name: "PORT", format: "number", isRequired: true }] }] };
beforeAll(async () => {
  h = await startHosted();
  h.deployFixture("io.github.test/echo", "echo-server.ts");
  h.deployFixture("io.github.test/typed", "echo-server.ts", TYPED);
  publishVersion(h.ctx.dbh, findUserByEmail(h.ctx.dbh.db, "admin@example.com")!, { manifest: normaliseServerJson(serverJson("io.github.test/idle")) });
});
afterAll(() => h.close());
const hearth = (...args: string[]) => runHearth([...args, "--url", h.server.url], { env: { HEARTH_API_KEY: h.key, HOME: "/nonexistent" } });

describe("hearth search, tools, call", () => {
  it("search lists matching servers, and --json gives the API's page", async () => {
    const r = await hearth("search", "echo");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("io.github.test/echo  (deployed");
    expect(r.stdout).toContain("    The echo server");
    const j = await hearth("search", "is:deployed", "--json");
    expect(JSON.parse(j.stdout).servers.map((s: { qualifiedName: string }) => s.qualifiedName).sort()).toEqual(["io.github.test/echo", "io.github.test/typed"]);
    expect(j.stdout.trim().split("\n")).toHaveLength(1);
  });

  it("tools lists the tools with their parameters, over HTTP and over WS", async () => {
    const r = await hearth("tools", "io.github.test/echo");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("echo — Returns its message unchanged.\n    message: string (required)");
    expect(r.stdout).toContain("    steps: integer (optional, default 3)");
    const ws = await hearth("tools", "io.github.test/echo", "--transport", "ws", "--json");
    expect(ws.code).toBe(0);
    const add = JSON.parse(ws.stdout).find((t: { name: string }) => t.name === "add");
    expect(add.inputSchema.properties).toEqual({ a: { type: "number" }, b: { type: "number" } });
  });

  it("call types k=v by the schema and prints pretty JSON (compact with --json)", async () => {
    const r = await hearth("call", "io.github.test/echo", "add", "a=2", "b=40");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('\n  "content": [');
    expect(JSON.parse(r.stdout).content).toEqual([{ type: "text", text: "42" }]);
    const s = await hearth("call", "io.github.test/echo", "echo", "message=123", "--json");
    expect(s.stdout.trim()).toBe(JSON.stringify({ content: [{ type: "text", text: "123" }] }));
    const typed = await hearth("call", "io.github.test/typed", "echo", "message=configured", "--config", '{"PORT":8080}', "--transport", "ws");
    expect(JSON.parse(typed.stdout).content[0].text).toBe("configured");
  });

  it("call refuses bad arguments and unknown tools before calling", async () => {
    const bad = await hearth("call", "io.github.test/echo", "add", "a=two");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("the arguments don't fit add's input schema:\n  a: a must be a number, got \"two\"\n  b: is required (b=…)");
    const unknown = await hearth("call", "io.github.test/echo", "shout");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('io.github.test/echo has no tool "shout"; it has: echo, add, slow');
  });

  it("says what's wrong: URL, key, unknown server, not deployed, invalid config", async () => {
    const gone = await runHearth(["tools", "io.github.test/echo", "--url", "http://127.0.0.1:9", "--key", h.key]);
    expect(gone.stderr).toContain("cannot reach http://127.0.0.1:9");
    const notHearth = await runHearth(["search", "x", "--url", `${h.server.url}/nope/at/all`, "--key", h.key]);
    expect(notHearth.code).toBe(1);
    const key = await runHearth(["tools", "io.github.test/echo", "--url", h.server.url, "--key", "hth_wrong"]);
    expect(key.stderr).toContain("refused the key (from --key)");
    const noKey = await runHearth(["tools", "io.github.test/echo", "--url", h.server.url], { env: { HOME: "/nonexistent" } });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain(`no key for ${h.server.url}: pass --key, set HEARTH_API_KEY, or run \`hearth login ${h.server.url}\``);
    expect((await hearth("tools", "io.github.test/nope")).stderr).toContain("no server io.github.test/nope");
    expect((await hearth("call", "io.github.test/idle", "echo")).stderr).toContain("io.github.test/idle is not deployed");
    const config = await hearth("tools", "io.github.test/typed", "--config", '{"PORT":"x"}');
    expect(config.code).toBe(2);
    expect(config.stderr).toContain("the configuration is not valid for io.github.test/typed:\n  PORT: must be a number");
  });

  it("turns the bridge's own 422 into one readable line per error", async () => {
    const r = await fetch(h.httpUrl("io.github.test/typed", "PORT=x"), {
      method: "POST",
      headers: { authorization: `Bearer ${h.key}`, "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "t", version: "1" } } }),
    });
    expect(r.status).toBe(422);
    const e = httpFailure({ base: h.server.url, key: h.key, keySource: "--key" }, r.status, await r.json(), "io.github.test/typed");
    expect(e.code).toBe("invalid");
    expect(e.details).toEqual([{ pointer: "PORT", message: "must be a number" }]);
  });
});
