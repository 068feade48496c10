import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parse as parseJsonc } from "jsonc-parser";
import { parse as parseToml } from "smol-toml";
import { createApiKey, keyStillValid, listApiKeys, revokeApiKey } from "../../src/accounts/api-keys.ts";
import { findUserByEmail } from "../../src/accounts/users.ts";
import { runCli } from "../../src/cli/index.ts";
import { clientConfigPath } from "../../src/client/client-paths.ts";
import { clientShape, type ClientId } from "../../src/client/client-entries.ts";
import { keyInEntry } from "../../src/client/install-key.ts";
import { normaliseServerJson } from "../../src/registry/manifest-server-json.ts";
import { publishVersion } from "../../src/registry/publish.ts";
import { runHearth } from "../helpers/hearth-process.ts";
import { startHosted, type HostedInstance } from "../helpers/hosted.ts";
import { serverJson } from "../helpers/registry.ts";
import { tempDir } from "../helpers/temp.ts";

const MAIN = join(import.meta.dir, "../../src/main.ts");
const TSCONFIG = join(import.meta.dir, "../../tsconfig.json");
let h: HostedInstance;
const dirs: { cleanup(): void }[] = [];
beforeAll(async () => {
  h = await startHosted();
  h.deployFixture("io.github.test/echo", "echo-server.ts");
  h.deployFixture("io.github.test/typed", "echo-server.ts", {
    packages: [{ registryType: "npm", identifier: "@t/typed", version: "1.0.0", transport: { type: "stdio" }, environmentVariables: [{ name: "PORT", format: "number", isRequired: true }] }],
  });
  const user = findUserByEmail(h.ctx.dbh.db, "admin@example.com")!;
  publishVersion(h.ctx.dbh, user, { manifest: normaliseServerJson(serverJson("io.github.test/idle")) });
});
afterAll(async () => {
  await h.close();
  for (const d of dirs) d.cleanup();
});

function home(): string {
  const d = tempDir("hearth-home-");
  dirs.push(d);
  return d.path;
}
const fileOf = (id: ClientId, env: Record<string, string>) => clientConfigPath(id, { env, platform: process.platform });
function seed(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}
const quietly = async (argv: string[], env: Record<string, string>) => {
  const log = console.log;
  const err = console.error;
  console.log = console.error = () => {};
  try {
    return await runCli(argv, env);
  } finally {
    console.log = log;
    console.error = err;
  }
};
const install = (client: string, env: Record<string, string>, ...more: string[]) => quietly(["install", "io.github.test/echo", "--client", client, "--url", h.server.url, "--key", h.key, ...more], env);
const uninstall = (client: string, env: Record<string, string>) => quietly(["uninstall", "io.github.test/echo", "--client", client, "--url", h.server.url], env);

const other = { command: "npx", args: ["-y", "other-server"] };
const jsonSeed = (section: string) => `{\n  "theme": "dark",\n  "${section}": {\n    "other": ${JSON.stringify(other)}\n  }\n}\n`;
// Each client: its section, the field holding the remote URL, and the existing file it starts from.
const CASES: { id: ClientId; section: string; urlField?: string; seed?: string }[] = [
  { id: "claude", section: "mcpServers" },
  { id: "claude-code", section: "mcpServers", urlField: "url", seed: `{"numStartups": 3, "projects": {"/src/app": {"mcpServers": {}}}, "mcpServers": {"other": ${JSON.stringify(other)}}}` },
  { id: "cursor", section: "mcpServers", urlField: "url" },
  { id: "vscode", section: "servers", urlField: "url", seed: `// my servers\n{\n\t"servers": {\n\t\t"other": ${JSON.stringify(other)}, // keep me\n\t},\n\t"inputs": []\n}\n` },
  { id: "windsurf", section: "mcpServers", urlField: "serverUrl" },
  { id: "codex", section: "mcp_servers", urlField: "url", seed: `model = "o3"\n\n# my servers\n[mcp_servers.other]\ncommand = "npx"\nargs = ["-y", "other-server"]\n\n[profiles.fast]\nmodel = "mini"\n` },
  { id: "gemini-cli", section: "mcpServers", urlField: "httpUrl" },
  { id: "cline", section: "mcpServers", urlField: "url" },
];

const KEY = /hth_[A-Za-z0-9]{12}_[A-Za-z0-9]{40}/;
// The key install wrote into an entry, as the Hearth's database has it.
function keyRow(entry: unknown) {
  const key = KEY.exec(JSON.stringify(entry))?.[0];
  if (!key) return undefined;
  return listApiKeys(h.ctx.dbh.db).find((k) => key.startsWith(`hth_${k.prefix}_`));
}
const mode = (file: string) => statSync(file).mode & 0o777;
const SELF = [process.execPath, "--tsconfig-override", TSCONFIG, MAIN];

function read(id: ClientId, file: string): Record<string, Record<string, Record<string, unknown>>> {
  const text = readFileSync(file, "utf8");
  if (id === "codex") return parseToml(text) as Record<string, Record<string, Record<string, unknown>>>;
  // VS Code's file is JSONC (comments, trailing commas), read as VS Code reads it; the rest are strict JSON.
  return id === "vscode" ? parseJsonc(text, [], { allowTrailingComma: true }) : JSON.parse(text);
}

describe("hearth install --client", () => {
  for (const c of CASES) {
    it(`${c.id}: adds the server beside the existing ones, is idempotent, and uninstall undoes it`, async () => {
      const env = { HOME: home() };
      const file = fileOf(c.id, env);
      const original = c.seed ?? jsonSeed(c.section);
      seed(file, original);
      expect(await install(c.id, env)).toBe(0);
      const doc = read(c.id, file);
      expect(doc[c.section]!.other).toEqual(other);
      const entry = doc[c.section]!.echo as Record<string, unknown>;
      const row = keyRow(entry);
      if (c.urlField) expect(entry[c.urlField]).toBe(`${h.server.url}/io.github.test/echo/mcp`);
      else expect(entry).toEqual({ command: process.execPath, args: ["--tsconfig-override", TSCONFIG, MAIN, "connect", `${h.server.url}/io.github.test/echo`, "--key", expect.stringMatching(KEY)] });
      if (c.id === "codex") expect(entry.bearer_token_env_var).toBe("HEARTH_API_KEY");
      else if (c.urlField) expect(entry.headers).toEqual({ Authorization: expect.stringMatching(/^Bearer hth_/) });
      expect(JSON.stringify(entry)).not.toContain(h.key);
      if (c.id !== "codex") {
        expect(row).toMatchObject({ scopes: ["connect"], namespace: "io.github.test", revokedAt: null });
        expect(row!.name).toStartWith(`${clientShape(c.id)!.title}: io.github.test/echo`);
      }
      expect(readFileSync(`${file}.hearth-backup`, "utf8")).toBe(original);
      expect(mode(file)).toBe(0o600);
      expect(mode(`${file}.hearth-backup`)).toBe(0o600);

      const after = readFileSync(file, "utf8");
      expect(await install(c.id, env)).toBe(0);
      expect(readFileSync(file, "utf8")).toBe(after);

      expect(await uninstall(c.id, env)).toBe(0);
      const back = read(c.id, file);
      expect(back[c.section]!.echo).toBeUndefined();
      expect(back[c.section]!.other).toEqual(other);
      if (row) {
        expect(keyStillValid(h.ctx.dbh.db, row.id)).toBe(false);
        expect(readFileSync(`${file}.hearth-backup`, "utf8")).not.toMatch(KEY);
        expect(readFileSync(`${file}.hearth-backup`, "utf8")).toContain("REMOVED_BY_HEARTH_UNINSTALL");
      }
      expect(await uninstall(c.id, env)).toBe(0);
    });
  }

  it("keeps the user's comments and layout (JSONC and TOML)", async () => {
    const env = { HOME: home() };
    for (const id of ["vscode", "codex"] as const) {
      const c = CASES.find((x) => x.id === id)!;
      seed(fileOf(id, env), c.seed!);
      expect(await install(id, env)).toBe(0);
      const text = readFileSync(fileOf(id, env), "utf8");
      expect(text).toStartWith(c.seed!.split("\n").slice(0, 3).join("\n"));
      expect(text).toContain(id === "vscode" ? "// keep me" : "# my servers\n[mcp_servers.other]");
      if (id === "codex") expect((parseToml(text) as { profiles: unknown }).profiles).toEqual({ fast: { model: "mini" } });
    }
  });

  it("creates the config file when the client has none yet", async () => {
    const env = { HOME: home() };
    expect(await install("cursor", env)).toBe(0);
    expect(Object.keys(read("cursor", fileOf("cursor", env)).mcpServers!)).toEqual(["echo"]);
    expect(existsSync(`${fileOf("cursor", env)}.hearth-backup`)).toBe(false);
  });

  it("writes a remote entry that a real MCP client can use", async () => {
    const env = { HOME: home() };
    expect(await install("cursor", env)).toBe(0);
    const entry = read("cursor", fileOf("cursor", env)).mcpServers!.echo as { url: string; headers: Record<string, string> };
    const client = new Client({ name: "ide", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(new URL(entry.url), { requestInit: { headers: entry.headers } }));
    expect((await client.callTool({ name: "echo", arguments: { message: "via cursor's entry" } })).content).toEqual([{ type: "text", text: "via cursor's entry" }]);
    await client.close();
  });

  it("writes a stdio entry (--stdio) whose command line is a working `hearth connect`", async () => {
    const env = { HOME: home() };
    expect(await install("windsurf", env, "--stdio")).toBe(0);
    const entry = read("windsurf", fileOf("windsurf", env)).mcpServers!.echo as { command: string; args: string[] };
    // From source: bun and src/main.ts by absolute path, so the IDE needs no hearth on its PATH; the
    // client starts it from another working directory (here HOME), as IDEs do.
    expect([entry.command, ...entry.args.slice(0, 3)]).toEqual(SELF);
    const client = new Client({ name: "ide", version: "1" });
    await client.connect(new StdioClientTransport({ command: entry.command, args: entry.args, cwd: env.HOME, env: { PATH: process.env.PATH ?? "/usr/bin", HOME: env.HOME }, stderr: "pipe" }));
    expect((await client.listTools()).tools.map((t) => t.name)).toContain("echo");
    await client.close();
  });

  it("puts the config and profile in the entry", async () => {
    const env = { HOME: home() };
    const code = await quietly(["install", "io.github.test/typed", "--client", "gemini-cli", "--url", h.server.url, "--key", h.key, "--config", '{"PORT":8080}'], env);
    expect(code).toBe(0);
    const url = new URL(read("gemini-cli", fileOf("gemini-cli", env)).mcpServers!.typed!.httpUrl as string);
    expect(JSON.parse(Buffer.from(url.searchParams.get("config")!, "base64url").toString())).toEqual({ PORT: 8080 });
    expect(await quietly(["install", "io.github.test/echo", "--client", "claude", "--url", h.server.url, "--key", h.key, "--profile", "p1"], env)).toBe(0);
    expect(read("claude", fileOf("claude", env)).mcpServers!.echo!.args).toEqual(["--tsconfig-override", TSCONFIG, MAIN, "connect", `${h.server.url}/io.github.test/echo`, "--key", expect.stringMatching(KEY), "--profile", "p1"]);
  });

  it("refuses to replace an entry of the same name that Hearth didn't write, unless --force", async () => {
    const env = { HOME: home() };
    seed(fileOf("cursor", env), JSON.stringify({ mcpServers: { echo: other } }));
    expect(await install("cursor", env)).toBe(1);
    expect(read("cursor", fileOf("cursor", env)).mcpServers!.echo).toEqual(other);
    expect(await install("cursor", env, "--force")).toBe(0);
    expect(await install("cursor", env, "--name", "echo-2")).toBe(0);
    expect(Object.keys(read("cursor", fileOf("cursor", env)).mcpServers!)).toEqual(["echo", "echo-2"]);
  });
});

describe("hearth install: the key it writes", () => {
  it("never writes the user's own key: a connect-only key per client, reused when run again", async () => {
    const env = { HOME: home() };
    expect(await install("cursor", env)).toBe(0);
    expect(await install("claude", env)).toBe(0);
    const cursor = keyRow(read("cursor", fileOf("cursor", env)).mcpServers!.echo)!;
    const claude = keyRow(read("claude", fileOf("claude", env)).mcpServers!.echo)!;
    expect(cursor.id).not.toBe(claude.id);
    expect(cursor.name).toBe("Cursor: io.github.test/echo (hearth install)");
    expect(claude.name).toBe("Claude Desktop: io.github.test/echo (hearth install)");
    const before = listApiKeys(h.ctx.dbh.db).length;
    expect(await install("cursor", env)).toBe(0);
    expect(listApiKeys(h.ctx.dbh.db).length).toBe(before);
  });

  it("the key it writes is tied to the key it ran with, makes no keys, and dies with its parent", async () => {
    const env = { HOME: home() };
    const user = findUserByEmail(h.ctx.dbh.db, "admin@example.com")!;
    const parent = createApiKey(h.ctx.dbh.db, user.id, { name: "laptop", scopes: ["read", "connect"] });
    expect(await quietly(["install", "io.github.test/echo", "--client", "cursor", "--url", h.server.url, "--key", parent.key], env)).toBe(0);
    const row = keyRow(read("cursor", fileOf("cursor", env)).mcpServers!.echo)!;
    expect(row.parentKeyId).toBe(parent.id);
    const written = keyInEntry(read("cursor", fileOf("cursor", env)).mcpServers!.echo)!;
    const copy = await fetch(`${h.server.url}/api/v1/keys`, { method: "POST", headers: { authorization: `Bearer ${written}`, "content-type": "application/json" }, body: JSON.stringify({ name: row.name, scopes: ["connect"] }) });
    expect(copy.status).toBe(403);
    revokeApiKey(h.ctx.dbh.db, parent.id);
    expect(keyStillValid(h.ctx.dbh.db, row.id)).toBe(false);
  });

  it("makes a new key when the one in the entry was revoked on /account", async () => {
    const env = { HOME: home() };
    expect(await install("cursor", env)).toBe(0);
    const first = keyRow(read("cursor", fileOf("cursor", env)).mcpServers!.echo)!;
    h.ctx.dbh.sqlite.query("UPDATE api_keys SET revoked_at = ? WHERE id = ?").run(Date.now(), first.id);
    expect(await install("cursor", env)).toBe(0);
    const second = keyRow(read("cursor", fileOf("cursor", env)).mcpServers!.echo)!;
    expect(second.id).not.toBe(first.id);
    expect(second.revokedAt).toBeNull();
  });

  it("uninstall --keep-key leaves the key valid, but still out of the backup", async () => {
    const env = { HOME: home() };
    expect(await install("cursor", env)).toBe(0);
    const row = keyRow(read("cursor", fileOf("cursor", env)).mcpServers!.echo)!;
    expect(await quietly(["uninstall", "io.github.test/echo", "--client", "cursor", "--keep-key"], env)).toBe(0);
    expect(keyStillValid(h.ctx.dbh.db, row.id)).toBe(true);
    expect(readFileSync(`${fileOf("cursor", env)}.hearth-backup`, "utf8")).not.toMatch(KEY);
  });

  it("uninstall leaves alone a key install did not make (the user's own, written by an older Hearth)", async () => {
    const env = { HOME: home() };
    seed(fileOf("cursor", env), JSON.stringify({ mcpServers: { echo: { url: `${h.server.url}/io.github.test/echo/mcp`, headers: { Authorization: `Bearer ${h.key}` } } } }));
    expect(await uninstall("cursor", env)).toBe(0);
    expect((await fetch(`${h.server.url}/api/v1/me`, { headers: { authorization: `Bearer ${h.key}` } })).status).toBe(200);
  });

  it("a key without the connect scope can't install, and the 403 says how to get one", async () => {
    const env = { HOME: home() };
    const user = findUserByEmail(h.ctx.dbh.db, "admin@example.com")!;
    const { createApiKey } = await import("../../src/accounts/api-keys.ts");
    const readOnly = createApiKey(h.ctx.dbh.db, user.id, { name: "ro", scopes: ["read"] }).key;
    const r = await runHearth(["install", "io.github.test/echo", "--client", "cursor", "--url", h.server.url, "--key", readOnly], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('lacks the "connect" scope; make a key that has it on your /account page');
    expect(existsSync(fileOf("cursor", env))).toBe(false);
  });
});

describe("hearth install: bad input", () => {
  const cli = (args: string[], env: Record<string, string>) => runHearth(args, { env });

  it("refuses a malformed JSON file, says where it's broken, and touches nothing", async () => {
    const env = { HOME: home() };
    const broken = '{\n  "mcpServers": {\n    "other": {"command": "npx",,}\n  }\n}\n';
    seed(fileOf("cursor", env), broken);
    const r = await cli(["install", "io.github.test/echo", "--client", "cursor", "--url", h.server.url, "--key", h.key], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${fileOf("cursor", env)} is not valid JSON (line 3, column 32: PropertyNameExpected`);
    expect(r.stderr).toContain("nothing was changed");
    expect(readFileSync(fileOf("cursor", env), "utf8")).toBe(broken);
    expect(existsSync(`${fileOf("cursor", env)}.hearth-backup`)).toBe(false);
    expect((await cli(["uninstall", "io.github.test/echo", "--client", "cursor"], env)).code).toBe(2);
  });

  it("refuses a malformed TOML file with its line and column", async () => {
    const env = { HOME: home() };
    const broken = 'model = "o3"\n[mcp_servers.other\ncommand = "npx"\n';
    seed(fileOf("codex", env), broken);
    const r = await cli(["install", "io.github.test/echo", "--client", "codex", "--url", h.server.url, "--key", h.key], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not valid TOML \(line 2, column \d+/);
    expect(readFileSync(fileOf("codex", env), "utf8")).toBe(broken);
  });

  it("lists the known clients for an unknown one", async () => {
    const r = await cli(["install", "io.github.test/echo", "--client", "emacs", "--url", h.server.url, "--key", h.key], { HOME: home() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown client "emacs"; known clients: claude, claude-code, cursor, vscode, windsurf, codex, gemini-cli, cline');
    const http = await cli(["install", "io.github.test/echo", "--client", "claude", "--http", "--url", h.server.url, "--key", h.key], { HOME: home() });
    expect(http.code).toBe(2);
    expect(http.stderr).toContain("Claude Desktop only starts stdio servers; drop --http");
  });

  it("says what is wrong with the URL, the key, the server and the config", async () => {
    const env = { HOME: home() };
    const base = ["--client", "cursor", "--key", h.key];
    const unreachable = await cli(["install", "io.github.test/echo", ...base, "--url", "http://127.0.0.1:9"], env);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain("cannot reach http://127.0.0.1:9");
    const badKey = await cli(["install", "io.github.test/echo", "--client", "cursor", "--url", h.server.url, "--key", "hth_wrong"], env);
    expect(badKey.code).toBe(1);
    expect(badKey.stderr).toContain("refused the key (from --key)");
    const missing = await cli(["install", "io.github.test/nope", ...base, "--url", h.server.url], env);
    expect(missing.stderr).toContain("no server io.github.test/nope");
    const idle = await cli(["install", "io.github.test/idle", ...base, "--url", h.server.url], env);
    expect(idle.stderr).toContain("io.github.test/idle is not deployed");
    const config = await cli(["install", "io.github.test/typed", ...base, "--url", h.server.url, "--config", '{"PORT":"eighty"}'], env);
    expect(config.code).toBe(2);
    expect(config.stderr).toContain("the configuration is not valid for io.github.test/typed:\n  PORT: must be a number");
    const required = await cli(["install", "io.github.test/typed", ...base, "--url", h.server.url], env);
    expect(required.stderr).toContain("\n  PORT: is required");
    expect(existsSync(fileOf("cursor", env))).toBe(false);
  });

  it("lists clients with their config files under the given home", async () => {
    const env = { HOME: home() };
    const r = await cli(["list", "clients"], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`cursor       Cursor          http   ${env.HOME}/.cursor/mcp.json (not there yet)`);
    expect(r.stdout.trim().split("\n")).toHaveLength(8);
  });
});
