import { afterAll, afterEach, beforeAll, describe, expect, it } from "bun:test";
import { findUserByEmail } from "../../src/accounts/users.ts";
import { DEFAULT_PLAYGROUND, newPageId, PlaygroundSessions } from "../../src/ui/playground-sessions.ts";
import type { HostedInstance } from "../helpers/hosted.ts";
import { waitUntil } from "../helpers/processes.ts";
import { browserFor, form, startWithEcho, type Browser } from "./ui-helpers.ts";

const NAME = "io.github.test/echo";
let h: HostedInstance;
let b: Browser;

beforeAll(async () => {
  h = await startWithEcho(NAME);
  b = browserFor(h.ctx, findUserByEmail(h.ctx.dbh.db, "admin@example.com")!);
}, 30_000);
afterAll(async () => {
  await h.close();
});

const children = () => h.hosting.supervisor.count(NAME);
let pageIds: string[] = [];
afterEach(async () => {
  // Each test's sessions are ended, so the next starts from no children.
  for (const pg of pageIds) await send("close", { pg });
  pageIds = [];
  await waitUntil(() => children() === 0, 5000);
});

function pg(): string {
  const id = newPageId();
  pageIds.push(id);
  return id;
}

function send(path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(`${h.server.url}/${NAME}/playground/${path}`, {
    method: "POST",
    body: form({ _csrf: b.csrf, ...fields }),
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: b.cookie, origin: h.server.url, ...headers },
  });
}

const htmx = { "hx-request": "true", "hx-request-type": "partial" };

describe("playground page", () => {
  it("lists the tools and shows the first tool's form, generated from its input schema", async () => {
    const r = await fetch(`${h.server.url}/${NAME}/playground`, { headers: { cookie: b.cookie } });
    expect(r.status).toBe(200);
    const body = await r.text();
    expect(body).toMatch(/<input type="hidden" name="pg" value="[A-Za-z0-9_-]{16,64}"/);
    for (const tool of ["echo", "add", "slow"]) expect(body).toContain(`?tool=${tool}`);
    expect(body).toContain('name="arg.message"');
    expect(body).toMatch(/name="arg.message"[^>]*required/);
  });

  it("shows the chosen tool's form, whole or as a fragment", async () => {
    const page = await (await fetch(`${h.server.url}/${NAME}/playground?tool=add`, { headers: { cookie: b.cookie } })).text();
    expect(page).toContain('name="arg.a"');
    const r = await fetch(`${h.server.url}/${NAME}/playground/form?tool=slow&pg=${pg()}`, { headers: { cookie: b.cookie, ...htmx } });
    const frag = await r.text();
    expect(frag).toStartWith('<fieldset class="tool-args">');
    expect(frag).toContain('name="arg.steps"');
    expect(frag).toContain("Default: 3");
  });

  it("asks anonymous visitors to sign in", async () => {
    const body = await (await fetch(`${h.server.url}/${NAME}/playground`)).text();
    expect(body).toContain("to try this server");
    expect(body).not.toContain('name="pg"');
  });
});

describe("running tools", () => {
  it("runs echo in a real session and shows the result with its duration", async () => {
    const id = pg();
    const r = await send("run", { pg: id, tool: "echo", "arg.message": "hello <b>world</b>" }, htmx);
    expect(r.status).toBe(200);
    const body = await r.text();
    expect(body).toStartWith('<div class="result" data-tool="echo">');
    expect(body).toContain("hello &lt;b&gt;world&lt;/b&gt;");
    expect(body).toMatch(/<span class="badge">[\d.]+ ms<\/span>/);
    expect(children()).toBe(1);
  });

  it("keeps one session per page visit across calls, and ends it when the page says goodbye", async () => {
    const id = pg();
    await send("run", { pg: id, tool: "echo", "arg.message": "one" }, htmx);
    const second = await (await send("run", { pg: id, tool: "add", "arg.a": "2", "arg.b": "3" }, htmx)).text();
    expect(second).toContain("<code>5</code>");
    expect(children()).toBe(1);
    const other = pg();
    await send("run", { pg: other, tool: "echo", "arg.message": "two" }, htmx);
    expect(children()).toBe(2);
    expect((await send("close", { pg: id })).status).toBe(204);
    expect(await waitUntil(() => children() === 1, 5000)).toBe(true);
  });

  it("shows a tool's error and a bad argument inline, not as a failed page", async () => {
    const id = pg();
    const missing = await (await send("run", { pg: id, tool: "add", "arg.a": "x", "arg.b": "1" }, htmx)).text();
    expect(missing).toContain('class="result failed"');
    expect(missing).toContain("a must be a number");
    const unknown = await (await send("run", { pg: id, tool: "nope" }, htmx)).text();
    expect(unknown).toContain("no tool named nope");
    const invalid = await (await send("run", { pg: id, tool: "echo" }, htmx)).text();
    expect(invalid).toContain('class="result failed"');
  });

  it("works without JS: the result comes back in the whole page", async () => {
    const id = pg();
    const r = await send("run", { pg: id, tool: "echo", "arg.message": "plain form" });
    const body = await r.text();
    expect(body).toContain("<html");
    expect(body).toContain("plain form");
    expect(body).toContain(`value="${id}"`);
  });

  it("refuses without the CSRF token or from another origin", async () => {
    expect((await send("run", { pg: pg(), tool: "echo", "arg.message": "x", _csrf: "forged" })).status).toBe(403);
    expect((await send("run", { pg: pg(), tool: "echo", "arg.message": "x" }, { origin: "https://evil.example" })).status).toBe(403);
    expect(children()).toBe(0);
  });
});

describe("playground sessions", () => {
  it("end after the idle timeout, releasing the child", async () => {
    const sessions = new PlaygroundSessions(h.ctx, { ...DEFAULT_PLAYGROUND, idleMs: 300 });
    const principal = { kind: "session" as const, user: findUserByEmail(h.ctx.dbh.db, "admin@example.com")!, csrfToken: "x", token: "x" };
    const s = await sessions.session(newPageId(), principal, NAME, {});
    expect((await sessions.callTool(s, "echo", { message: "hi" })).result).toMatchObject({ content: [{ type: "text", text: "hi" }] });
    expect(sessions.size).toBe(1);
    expect(await waitUntil(() => sessions.size === 0 && children() === 0, 5000)).toBe(true);
  });

  it("keep a user to a few at once, closing the least recently used", async () => {
    const sessions = new PlaygroundSessions(h.ctx, { ...DEFAULT_PLAYGROUND, perUser: 2 });
    const principal = { kind: "session" as const, user: findUserByEmail(h.ctx.dbh.db, "admin@example.com")!, csrfToken: "x", token: "x" };
    for (let i = 0; i < 3; i++) await sessions.session(newPageId(), principal, NAME, {});
    expect(await waitUntil(() => sessions.size === 2 && children() === 2, 5000)).toBe(true);
    await sessions.closeAll();
  });
});

describe("a server that lists tools only once configured", () => {
  const NEEDS = "io.github.test/needs-config";

  it("takes the configuration, lists the tools live, and runs one with it", async () => {
    const { getDeployment } = await import("../../src/deploy/deployments.ts");
    const { probeDeployment } = await import("../../src/deploy/probe.ts");
    const { findServer, getVersionById } = await import("../../src/registry/catalog.ts");
    h.deployFixture(NEEDS, "echo-server.ts", {
      packages: [{ registryType: "npm", identifier: "@example/needs", version: "1.0.0", transport: { type: "stdio" }, environmentVariables: [{ name: "API_KEY", isRequired: true, isSecret: true }] }],
    });
    const server = findServer(h.ctx.dbh, { userId: null, isAdmin: true }, NEEDS);
    const d = getDeployment(h.ctx.dbh, server.id)!;
    expect((await probeDeployment(h.ctx, NEEDS, d, getVersionById(h.ctx.dbh, d.versionId))).snapshot.needsConfig).toBe(true);

    const page = await (await fetch(`${h.server.url}/${NEEDS}/playground`, { headers: { cookie: b.cookie } })).text();
    expect(page).toContain("List tools");
    expect(page).toMatch(/<details class="panel config" open>/);
    expect(page).toContain('name="config.API_KEY"');

    const id = pg();
    const post = (path: string, fields: Record<string, string>) =>
      fetch(`${h.server.url}/${NEEDS}/playground/${path}`, { method: "POST", body: form({ _csrf: b.csrf, pg: id, ...fields }), headers: { "content-type": "application/x-www-form-urlencoded", cookie: b.cookie, origin: h.server.url, ...htmx } });
    const refused = await (await post("tools", {})).text();
    expect(refused).toContain("API_KEY");
    expect(refused).toContain('class="alert error"');
    const picker = await (await post("tools", { "config.API_KEY": "k-1" })).text();
    for (const tool of ["echo", "add", "slow"]) expect(picker).toContain(`?tool=${tool}`);
    const form2 = await (await fetch(`${h.server.url}/${NEEDS}/playground/form?tool=echo&pg=${id}`, { headers: { cookie: b.cookie, ...htmx } })).text();
    expect(form2).toContain('name="arg.message"');
    const result = await (await post("run", { "config.API_KEY": "k-1", tool: "echo", "arg.message": "configured" })).text();
    expect(result).toContain("configured");
    expect(h.hosting.supervisor.count(NEEDS)).toBe(1);
    await fetch(`${h.server.url}/${NEEDS}/playground/close`, { method: "POST", body: form({ _csrf: b.csrf, pg: id }), headers: { "content-type": "application/x-www-form-urlencoded", cookie: b.cookie, origin: h.server.url } });
    expect(await waitUntil(() => h.hosting.supervisor.count(NEEDS) === 0, 5000)).toBe(true);
  });
});
