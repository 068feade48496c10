import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { credentialsPath, resolveKey, saveLogin } from "../../src/client/credentials.ts";
import { ROOT, runHearth } from "../helpers/hearth-process.ts";
import { startHosted, type HostedInstance } from "../helpers/hosted.ts";
import { tempDir } from "../helpers/temp.ts";

let h: HostedInstance;
const dirs: { cleanup(): void }[] = [];
beforeAll(async () => {
  h = await startHosted();
  h.deployFixture("io.github.test/echo", "echo-server.ts");
});
afterAll(async () => {
  await h.close();
  for (const d of dirs) d.cleanup();
});
function userEnv(): Record<string, string> {
  const d = tempDir("hearth-home-");
  dirs.push(d);
  return { HOME: d.path, XDG_CONFIG_HOME: join(d.path, "xdg") };
}

describe("hearth login / logout", () => {
  it("checks the key, keeps it with mode 0600 under XDG_CONFIG_HOME, and later commands use it", async () => {
    const env = userEnv();
    const r = await runHearth(["login", h.server.url, "--key", h.key], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`logged in to ${h.server.url} as admin@example.com`);
    const file = join(env.XDG_CONFIG_HOME!, "hearth", "credentials.json");
    expect(credentialsPath(env)).toBe(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, "utf8")).instances[h.server.url].key).toBe(h.key);
    // No --url and no --key: the login's instance and key.
    const install = await runHearth(["install", "io.github.test/echo", "--client", "cursor"], { env });
    expect(install.code).toBe(0);
    const entry = JSON.parse(readFileSync(join(env.HOME!, ".cursor", "mcp.json"), "utf8")).mcpServers.echo;
    // The login's key made the entry's key: a connect-only one for Cursor, never the login's own.
    expect(entry).toEqual({ url: `${h.server.url}/io.github.test/echo/mcp`, headers: { Authorization: expect.stringMatching(/^Bearer hth_/) } });
    expect(entry.headers.Authorization).not.toBe(`Bearer ${h.key}`);
    const call = await runHearth(["call", "io.github.test/echo", "echo", "message=logged in"], { env });
    expect(call.code).toBe(0);
    expect(JSON.parse(call.stdout).content).toEqual([{ type: "text", text: "logged in" }]);
  });

  it("reads the key from stdin when no flag or env gives one", async () => {
    const env = userEnv();
    const proc = Bun.spawn([process.execPath, join(ROOT, "src/main.ts"), "login", `${h.server.url}/`], { env: { PATH: process.env.PATH ?? "/usr/bin", ...env }, stdin: "pipe", stdout: "pipe", stderr: "pipe" });
    proc.stdin.write(`${h.key}\n`);
    proc.stdin.end();
    const [out, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
    expect(code).toBe(0);
    expect(out).toContain("logged in");
    expect(resolveKey(undefined, env, h.server.url)).toEqual({ key: h.key, source: "login" });
  });

  it("refuses a wrong key or an unreachable URL and stores nothing", async () => {
    const env = userEnv();
    const bad = await runHearth(["login", h.server.url, "--key", "hth_wrong"], { env });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`${h.server.url} refused the key (from --key)`);
    const gone = await runHearth(["login", "http://127.0.0.1:9", "--key", h.key], { env });
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain("cannot reach http://127.0.0.1:9");
    const notUrl = await runHearth(["login", "hub.example.com", "--key", h.key], { env });
    expect(notUrl.code).toBe(2);
    expect(notUrl.stderr).toContain("hub.example.com is not a URL");
    expect(existsSync(credentialsPath(env))).toBe(false);
  });

  it("logout forgets the instance (the default one when none is named)", async () => {
    const env = userEnv();
    saveLogin(env, "https://a.example", "hth_a");
    saveLogin(env, "https://b.example/", "hth_b");
    const named = await runHearth(["logout", "https://a.example"], { env });
    expect(named.stdout).toContain("logged out of https://a.example");
    expect(resolveKey(undefined, env, "https://a.example")).toBeUndefined();
    expect((await runHearth(["logout"], { env })).stdout).toContain("logged out of https://b.example");
    expect((await runHearth(["logout"], { env })).stdout).toContain("not logged in anywhere");
    expect(statSync(credentialsPath(env)).mode & 0o777).toBe(0o600);
  });

  it("takes the key from the flag, then HEARTH_API_KEY, then the login store", () => {
    const env = userEnv();
    saveLogin(env, "https://a.example", "hth_store");
    expect(resolveKey("hth_flag", { ...env, HEARTH_API_KEY: "hth_env" }, "https://a.example")).toEqual({ key: "hth_flag", source: "--key" });
    expect(resolveKey(undefined, { ...env, HEARTH_API_KEY: "hth_env" }, "https://a.example")).toEqual({ key: "hth_env", source: "HEARTH_API_KEY" });
    expect(resolveKey(undefined, env, "https://a.example/")).toEqual({ key: "hth_store", source: "login" });
    expect(resolveKey(undefined, env, "https://other.example")).toBeUndefined();
  });
});
