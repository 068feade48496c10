import { afterEach, describe, expect, it } from "bun:test";
import { join } from "node:path";
import { selfLauncher } from "../../src/client/client-entries.ts";
import { encodeConfig } from "../../src/client/config-encoding.ts";
import { buildConnection, clientName, KEY_PLACEHOLDER } from "../../src/ui/connect-snippets.ts";
import { fieldsFor, readFields } from "../../src/ui/schema-fields.ts";
import { testApp } from "../helpers/app.ts";
import { adminWithKey } from "../helpers/registry.ts";
import { form, publish } from "./ui-helpers.ts";

const MAIN = join(import.meta.dir, "../../src/main.ts");
const TSCONFIG = join(import.meta.dir, "../../tsconfig.json");
let t: ReturnType<typeof testApp>;
afterEach(() => t?.close());

// A package with a required secret, an enum with a default, a number and a flag: every kind of field.
const PACKAGE = {
  registryType: "npm",
  identifier: "@example/weather",
  version: "1.0.0",
  transport: { type: "stdio" },
  environmentVariables: [
    { name: "API_KEY", description: "Your weather API key", isRequired: true, isSecret: true },
    { name: "UNITS", description: "Units", choices: ["metric", "imperial"], default: "metric" },
    { name: "RETRIES", format: "number", default: "3" },
    { name: "VERBOSE", format: "boolean" },
  ],
};

async function setup() {
  t = testApp({ "public-url": "https://hearth.example.com" });
  const { user } = await adminWithKey(t.ctx);
  publish(t.ctx, user, "io.github.test/weather", { packages: [PACKAGE] });
}

const post = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  t.request(path, { method: "POST", body: form(fields), headers: { "content-type": "application/x-www-form-urlencoded", ...headers } });

describe("connect form", () => {
  it("is generated from the configSchema: required marks, enums as selects, defaults, secrets as password inputs", async () => {
    await setup();
    const r = await t.request("/io.github.test/weather/connect");
    expect(r.status).toBe(200);
    const body = await r.text();
    expect(body).toMatch(/<input id="f-config_API_KEY" name="config.API_KEY"[^>]*type="password"/);
    expect(body).toContain('<span class="visually-hidden"> (required)</span>');
    expect(body).toMatch(/<select id="f-config_UNITS" name="config.UNITS"[^>]*><option value="" selected>Default \(metric\)<\/option><option value="metric">metric<\/option><option value="imperial">imperial<\/option>/);
    expect(body).toMatch(/<input id="f-config_RETRIES"[^>]*type="number"/);
    expect(body).toContain("Default: 3");
    expect(body).toMatch(/<input type="hidden" name="config.VERBOSE" value="was:"\/><input id="f-config_VERBOSE" name="config.VERBOSE"[^>]*type="checkbox" value="on"\/>/);
  });

  it("shows both URLs and an entry for every client", async () => {
    await setup();
    const body = await (await t.request("/io.github.test/weather/connect")).text();
    expect(body).toContain('value="https://hearth.example.com/io.github.test/weather/mcp"');
    expect(body).toContain(`value="wss://hearth.example.com/io.github.test/weather/ws?api_key=${KEY_PLACEHOLDER}"`);
    for (const title of ["Claude Desktop", "Claude Code", "Cursor", "VS Code", "Windsurf", "Codex", "Gemini CLI", "hearth connect"]) expect(body).toContain(`<h3>${title}</h3>`);
    // Where to get a key: the account page, not a command only the host's operator can run.
    expect(body).toContain('Make a connect-only key on <a href="/account">your account page</a>');
    expect(body).not.toContain("hearth key create");
    expect(body).toContain('href="vscode:mcp/install?');
    expect(body).toContain('href="cursor://anysphere.cursor-deeplink/mcp/install?name=weather&config=');
    expect(body).toContain("Still to fill in: API_KEY.");
  });

  it("updates the snippets as the form changes, putting the config in the URLs", async () => {
    await setup();
    const r = await post("/io.github.test/weather/connect/snippets", { "config.API_KEY": "k-123", "config.UNITS": "imperial", "config.RETRIES": "5", "config.VERBOSE": "", apiKey: "hk_live" }, { "hx-request": "true" });
    expect(r.status).toBe(200);
    const body = await r.text();
    expect(body).not.toContain("<html");
    const config = encodeConfig({ API_KEY: "k-123", UNITS: "imperial", RETRIES: 5 });
    expect(body).toContain(`https://hearth.example.com/io.github.test/weather/mcp?config=${config}`);
    expect(body).toContain("Bearer hk_live");
    expect(body).not.toContain("Still to fill in");
  });

  it("reports values that don't fit the schema instead of making a URL that would be refused", async () => {
    await setup();
    const body = await (await post("/io.github.test/weather/connect/snippets", { "config.API_KEY": "k", "config.RETRIES": "lots" })).text();
    expect(body).toContain("The configuration is not valid yet");
    expect(body).toContain("RETRIES must be a number");
  });

  it("works without JS: the posted form comes back with errors beside fields and never echoes a secret", async () => {
    await setup();
    const r = await post("/io.github.test/weather/connect", { "config.API_KEY": "top-secret-value", "config.RETRIES": "x", "config.UNITS": "imperial" });
    expect(r.status).toBe(200);
    const body = await r.text();
    expect(body).toContain("<html");
    expect(body).toMatch(/class="field has-error"><label for="f-config_RETRIES"/);
    expect(body).toContain('<p class="field-error" id="f-config_RETRIES-err">must be a number</p>');
    expect(body).toMatch(/<option value="imperial" selected>/);
    expect(body).toMatch(/<input id="f-config_API_KEY" name="config.API_KEY"(?![^>]*value=)[^>]*>/);
    expect(body.split("top-secret-value").length - 1).toBe(0);
  });

  it("says a missing required setting is required once the form is submitted", async () => {
    await setup();
    const body = await (await post("/io.github.test/weather/connect", {})).text();
    expect(body).toContain('<p class="field-error" id="f-config_API_KEY-err">is required</p>');
  });

  it("refuses a post from another site", async () => {
    await setup();
    const r = await post("/io.github.test/weather/connect/snippets", {}, { origin: "https://evil.example" });
    expect(r.status).toBe(403);
  });
});

describe("client entries", () => {
  const c = buildConnection({ pageUrl: "https://h.example/acme/git-hub", qualifiedName: "acme/git-hub", config: { token: "a'b" }, apiKey: "" });

  it("names the server by its short name", () => {
    expect(clientName("io.github.acme/pg.tools")).toBe("pg-tools");
    expect(clientName("acme/***")).toBe("hearth");
  });

  it("gives parseable JSON for the JSON-configured clients", () => {
    for (const id of ["claude-desktop", "cursor", "vscode", "windsurf", "gemini"]) {
      const s = c.snippets.find((x) => x.id === id)!;
      expect(() => JSON.parse(s.text)).not.toThrow();
    }
    const desktop = JSON.parse(c.snippets.find((x) => x.id === "claude-desktop")!.text);
    // Run from source here: bun and src/main.ts by absolute path, never a bare `hearth` the IDE may not find.
    expect(desktop.mcpServers["git-hub"]).toEqual({ command: process.execPath, args: ["--tsconfig-override", TSCONFIG, MAIN, "connect", "https://h.example/acme/git-hub", "--key", KEY_PLACEHOLDER, "--config", encodeConfig({ token: "a'b" })] });
    expect(c.snippets.find((x) => x.id === "claude-desktop")!.where).toContain("this Hearth runs from source");
    const vscode = JSON.parse(c.snippets.find((x) => x.id === "vscode")!.text);
    expect(vscode.servers["git-hub"]).toMatchObject({ type: "http", url: c.httpUrl, headers: { Authorization: `Bearer ${KEY_PLACEHOLDER}` } });
    expect(JSON.parse(c.snippets.find((x) => x.id === "gemini")!.text).mcpServers["git-hub"].httpUrl).toBe(c.httpUrl);
    expect(JSON.parse(c.snippets.find((x) => x.id === "windsurf")!.text).mcpServers["git-hub"].serverUrl).toBe(c.httpUrl);
  });

  it("runs the compiled binary itself when Hearth is one (the same entry shape install writes)", () => {
    const compiled = buildConnection({ pageUrl: "https://h.example/acme/git-hub", qualifiedName: "acme/git-hub", config: {}, apiKey: "", launcher: { command: "/opt/hearth/hearth", args: [] } });
    expect(JSON.parse(compiled.snippets.find((x) => x.id === "claude-desktop")!.text).mcpServers["git-hub"].command).toBe("/opt/hearth/hearth");
    expect(compiled.snippets.find((x) => x.id === "claude-desktop")!.where).toContain("the command is this Hearth's binary");
    expect(compiled.snippets.find((x) => x.id === "hearth-connect")!.text).toStartWith("/opt/hearth/hearth connect https://h.example/acme/git-hub");
  });

  it("from source, the launcher is bun and src/main.ts by absolute path, with a note saying so", () => {
    expect(selfLauncher()).toEqual({ command: process.execPath, args: ["--tsconfig-override", TSCONFIG, MAIN], note: expect.stringContaining("runs from source") });
  });

  it("writes Codex's TOML with the key in an environment variable", () => {
    const codex = c.snippets.find((x) => x.id === "codex")!.text;
    expect(codex).toContain("[mcp_servers.git-hub]");
    expect(codex).toContain(`url = "${c.httpUrl}"`);
    expect(codex).toContain('bearer_token_env_var = "HEARTH_API_KEY"');
  });

  it("quotes shell commands", () => {
    expect(c.snippets.find((x) => x.id === "claude-code")!.text).toStartWith(`claude mcp add --transport http git-hub '${c.httpUrl}' --header 'Authorization: Bearer ${KEY_PLACEHOLDER}'`);
  });

  it("makes VS Code and Cursor install links", () => {
    expect(JSON.parse(decodeURIComponent(c.deepLinks.vscode.slice("vscode:mcp/install?".length)))).toMatchObject({ name: "git-hub", type: "http", url: c.httpUrl });
    const cursor = new URL(c.deepLinks.cursor);
    expect(cursor.searchParams.get("name")).toBe("git-hub");
    expect(JSON.parse(Buffer.from(cursor.searchParams.get("config")!, "base64").toString())).toEqual({ url: c.httpUrl, headers: { Authorization: `Bearer ${KEY_PLACEHOLDER}` } });
  });
});

describe("schema fields", () => {
  const schema = {
    type: "object",
    required: ["name"],
    properties: {
      name: { type: "string", title: "Name" },
      count: { type: "integer" },
      ratio: { type: "number" },
      on: { type: "boolean", default: true },
      mode: { enum: ["a", 2, null] },
      nested: { type: "object", properties: { deep: { type: "string" } } },
      tags: { type: "array", items: { type: "string" } },
      password: { type: "string" },
      __proto__: { type: "string" },
    },
  };

  it("picks a control per type and marks credential-like names secret", () => {
    const kinds = Object.fromEntries(fieldsFor(schema, "c.").map((f) => [f.key, f.kind]));
    expect(kinds).toMatchObject({ name: "text", count: "integer", ratio: "number", on: "boolean", mode: "enum", nested: "group", tags: "json", password: "secret" });
  });

  it("reads the form back typed, leaving empty fields out and reporting bad ones", () => {
    const fields = fieldsFor(schema, "c.");
    const fd = new FormData();
    for (const [k, v] of Object.entries({ "c.name": "x", "c.count": "2.5", "c.ratio": "0.5", "c.on": "false", "c.mode": "2", "c.nested.deep": "d", "c.tags": '["a"]', "c.password": "pw" })) fd.set(k, v);
    const r = readFields(fields, fd);
    expect(r.value).toEqual({ name: "x", ratio: 0.5, on: false, mode: 2, nested: { deep: "d" }, tags: ["a"], password: "pw" });
    expect(r.errors).toEqual({ "c.count": "must be a whole number" });
    expect(r.echo["c.password"]).toBeUndefined();
    expect(Object.getPrototypeOf(r.value)).toBe(Object.prototype);
  });
});
