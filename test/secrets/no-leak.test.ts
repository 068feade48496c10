import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { WebSocketClientTransport } from "@modelcontextprotocol/sdk/client/websocket.js";
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createApiKey } from "../../src/accounts/api-keys.ts";
import { upsertAdmin } from "../../src/accounts/users.ts";
import { createWebSession } from "../../src/accounts/web-sessions.ts";
import { openInstance } from "../../src/db/instance.ts";
import { setDeploymentState } from "../../src/deploy/deployments.ts";
import { normaliseServerJson } from "../../src/registry/manifest-server-json.ts";
import { publishVersion } from "../../src/registry/publish.ts";
import { newPageId } from "../../src/ui/playground-sessions.ts";
import { startHearth, type HearthProcess } from "../helpers/hearth-process.ts";
import { FIXTURES } from "../helpers/hosted.ts";
import { ENV_PACKAGE } from "../helpers/profiles.ts";
import { serverJson } from "../helpers/registry.ts";
import { tempDir } from "../helpers/temp.ts";

// The secret a user types into a profile (and an owner into a test config). Distinctive, so a
// match anywhere is a leak and never a coincidence.
const SECRET = "sk-live-Zq8WmN4rT7vY2pL9xK3c";
const TEST_SECRET = "sk-test-Hh5Jd2Ww9Pq4Rt7Ys1Uv";
const ENV = "io.github.test/env";
const LEAKY = "io.github.test/leaky";

// The secret as bytes in every form it could be written in: plain, hex, and base64 at each of the
// three alignments (the stable middle of an encoding of the secret behind 0, 1 or 2 other bytes).
function forms(secret: string): string[] {
  const b64 = (prefix: string) => {
    const enc = Buffer.from(prefix + secret).toString("base64");
    return enc.slice(Math.ceil(prefix.length / 3) * 4 + 4, -4);
  };
  const out = [secret, Buffer.from(secret).toString("hex"), b64(""), b64("x"), b64("xx")];
  return [...out, ...out.slice(2).map((s) => s.replace(/\+/g, "-").replace(/\//g, "_"))];
}
const ALL = [...forms(SECRET), ...forms(TEST_SECRET)];

function leaks(where: string, bytes: Buffer | string): string[] {
  const buf = typeof bytes === "string" ? Buffer.from(bytes) : bytes;
  return ALL.filter((f) => buf.includes(Buffer.from(f))).map((f) => `${where} contains ${f}`);
}

let dir: ReturnType<typeof tempDir>;
let hearth: HearthProcess;
let key: string;
let cookie: string;
let csrf: string;
const found: string[] = [];

function seed(path: string) {
  const { dbh } = openInstance(path);
  return upsertAdmin(dbh.db, { email: "admin@example.com", password: "admin password 1" }).then(({ user }) => {
    key = createApiKey(dbh.db, user.id, { name: "t", scopes: ["read", "connect", "publish", "admin"] }).key;
    ({ token: cookie, csrfToken: csrf } = createWebSession(dbh.db, user.id));
    cookie = `hearth_session=${cookie}`;
    for (const [name, script] of [[ENV, "env-server.ts"], [LEAKY, "leaky-crash.ts"]] as const) {
      const p = publishVersion(dbh, user, { manifest: normaliseServerJson(serverJson(name, { packages: [ENV_PACKAGE] })) });
      setDeploymentState(dbh, p.serverId, "ready", { versionId: p.versionId, installed: { dir: FIXTURES, cached: true, command: [process.execPath, join(FIXTURES, script)], env: {}, hostVars: {} } });
    }
    dbh.close();
  });
}

const api = (path: string, init: RequestInit = {}) => fetch(`${hearth.url}${path}`, { ...init, headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...init.headers } });
const page = (path: string) => fetch(`${hearth.url}${path}`, { headers: { cookie } });

beforeAll(async () => {
  dir = tempDir("hearth-noleak-");
  await seed(dir.path);
  hearth = await startHearth({ data: dir.path, args: ["--log-level", "debug", "--sandbox", "none"] });
}, 30_000);

afterAll(async () => {
  await hearth?.stop();
  dir?.cleanup();
});

describe("the leak check itself", () => {
  it("finds the secret plain, as hex, and base64/base64url at any offset inside other text", () => {
    for (const prefix of ["", "a", "ab", "abc", '{"API_KEY":"']) {
      const text = `${prefix}${SECRET}"}`;
      for (const enc of [Buffer.from(text).toString("base64"), Buffer.from(text).toString("base64url"), Buffer.from(text).toString("hex"), text]) {
        expect(leaks("probe", `config=${enc}&x`).length).toBeGreaterThan(0);
      }
    }
    expect(leaks("probe", "nothing to see")).toEqual([]);
  });
});

describe("a secret entered in a profile", () => {
  let profileId = "";
  let leakyId = "";

  it("is accepted through the API, the UI form, and as an owner's test config", async () => {
    const r = await api("/api/v1/profiles", { method: "POST", body: JSON.stringify({ server: ENV, name: "api", config: { API_KEY: SECRET, REGION: "us" } }) });
    expect(r.status).toBe(201);
    profileId = ((await r.json()) as { id: string }).id;
    const ui = await fetch(`${hearth.url}/${ENV}/connect/profiles`, {
      method: "POST",
      redirect: "manual",
      body: new URLSearchParams({ _csrf: csrf, profileName: "ui", "config.API_KEY": SECRET }).toString(),
      headers: { cookie, origin: hearth.url, "content-type": "application/x-www-form-urlencoded" },
    });
    expect(ui.status).toBe(303);
    const lk = await api("/api/v1/profiles", { method: "POST", body: JSON.stringify({ server: LEAKY, name: "leaky", config: { API_KEY: SECRET } }) });
    leakyId = ((await lk.json()) as { id: string }).id;
    expect((await api(`/api/v1/servers/${ENV}/test-config`, { method: "PUT", body: JSON.stringify({ config: { API_KEY: TEST_SECRET } }) })).status).toBe(200);
  });

  it("reaches the server's child when connecting with the profile (WS, HTTP, playground)", async () => {
    const ws = new Client({ name: "t", version: "1" });
    await ws.connect(new WebSocketClientTransport(new URL(`${hearth.url.replace(/^http/, "ws")}/${ENV}/ws?profile=${profileId}&api_key=${key}`)));
    const region = await ws.callTool({ name: "env", arguments: { name: "REGION" } });
    expect((region.content as { text: string }[])[0]!.text).toBe("us");
    const len = await ws.callTool({ name: "env", arguments: { name: "API_KEY" } });
    // The child got it (checked by length, so this test's own output can't carry the secret).
    expect((len.content as { text: string }[])[0]!.text.length).toBe(SECRET.length);
    await ws.close();
    const http = new Client({ name: "t", version: "1" });
    const t = new StreamableHTTPClientTransport(new URL(`${hearth.url}/${ENV}/mcp?profile=${profileId}`), { requestInit: { headers: { authorization: `Bearer ${key}` } } });
    await http.connect(t);
    expect((await http.listTools()).tools.map((x) => x.name)).toEqual(["env"]);
    await t.terminateSession();
    await http.close();
    const pg = newPageId();
    const run = await fetch(`${hearth.url}/${ENV}/playground/run`, {
      method: "POST",
      body: new URLSearchParams({ _csrf: csrf, pg, profile: profileId, tool: "env", "arg.name": "REGION" }).toString(),
      headers: { cookie, origin: hearth.url, "content-type": "application/x-www-form-urlencoded", "hx-request": "true" },
    });
    found.push(...leaks("playground result", await run.text()));
    await fetch(`${hearth.url}/${ENV}/playground/close`, { method: "POST", body: new URLSearchParams({ _csrf: csrf, pg }).toString(), headers: { cookie, origin: hearth.url, "content-type": "application/x-www-form-urlencoded" } });
    // A careless server prints its key to stderr and dies: the logs must not keep it.
    const lk = await fetch(`${hearth.url}/${LEAKY}/mcp?profile=${leakyId}`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } } }),
    });
    found.push(...leaks("leaky initialize answer", await lk.text()));
  }, 30_000);

  it("appears in no page and no API response", async () => {
    const pages = ["", "/connect", `/connect?profile=${profileId}`, "/tools", "/playground", "/deployments", "/logs", "/usage"].flatMap((p) => [`/${ENV}${p}`, `/${LEAKY}${p}`]);
    for (const p of [...pages, "/", "/admin"]) {
      const r = await page(p);
      found.push(...leaks(`page ${p} (${r.status})`, await r.text()));
    }
    const apis = [
      "/api/v1/profiles",
      `/api/v1/profiles/${profileId}`,
      `/api/v1/profiles?server=${ENV}`,
      `/api/v1/servers/${ENV}`,
      `/api/v1/servers/${ENV}/test-config`,
      `/api/v1/servers/${ENV}/deployment`,
      `/api/v1/servers/${ENV}/logs`,
      `/api/v1/servers/${LEAKY}/logs`,
      "/api/v1/servers?q=env",
      "/v0.1/servers",
      "/api/openapi.json",
      "/metrics",
    ];
    for (const p of apis) {
      const r = await api(p);
      expect({ p, ok: r.status < 400 }).toEqual({ p, ok: true });
      found.push(...leaks(`API ${p}`, await r.text()));
    }
    const logs = await (await api(`/api/v1/servers/${LEAKY}/logs`)).text();
    expect(logs).toContain("API_KEY=[redacted]");
    expect(found).toEqual([]);
  }, 30_000);

  it("is not in the database, its WAL, logs.db or the process output, in plain or encoded form", async () => {
    // While running, the WAL holds the recent writes: grep it before a clean stop folds it away.
    const files = ["hearth.db", "hearth.db-wal", "logs.db", "logs.db-wal"].map((f) => join(dir.path, f));
    expect(existsSync(files[1]!)).toBe(true);
    expect(readFileSync(files[1]!).length).toBeGreaterThan(0);
    const grepAll = (when: string) => files.filter(existsSync).flatMap((f) => leaks(`${when} ${f}`, readFileSync(f)));
    found.push(...grepAll("running:"));
    expect(await hearth.stop()).toBe(0);
    found.push(...grepAll("stopped:"));
    found.push(...leaks("stdout/stderr", hearth.output()));
    expect(hearth.output()).toContain('"msg":"listening"');
    expect(found).toEqual([]);
  }, 30_000);
});
