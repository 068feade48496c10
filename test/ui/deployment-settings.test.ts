import { afterEach, describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { listAudit } from "../../src/audit/audit-log.ts";
import { users } from "../../src/db/schema.ts";
import { getDeployment, setDeploymentState } from "../../src/deploy/deployments.ts";
import { DEFAULT_SETTINGS } from "../../src/deploy/settings.ts";
import { findServer, getVersion } from "../../src/registry/catalog.ts";
import { testApp } from "../helpers/app.ts";
import { startHosted, type HostedInstance } from "../helpers/hosted.ts";
import { waitUntil } from "../helpers/processes.ts";
import { teamWorld, type Person } from "../helpers/teams.ts";
import { detectProtections } from "../../src/supervisor/sandbox.ts";
import { Supervisor } from "../../src/supervisor/supervisor.ts";
import { tempDir } from "../helpers/temp.ts";
import { browserFor, form } from "./ui-helpers.ts";

const PAGE = "/acme/secret/deployments";
const ACTION = `${PAGE}/settings`;

let t: ReturnType<typeof testApp>;
afterEach(() => t?.close());

// acme/secret (private, published by acme's publisher), deployed with the default settings.
function world(opts: { deployed?: boolean; flags?: Record<string, string> } = {}) {
  t = testApp(opts.flags);
  const w = teamWorld(t.ctx);
  const server = findServer(t.ctx.dbh, { userId: null, isAdmin: true }, "acme/secret");
  if (opts.deployed !== false) setDeploymentState(t.ctx.dbh, server.id, "ready", { versionId: getVersion(t.ctx.dbh, server.id, "latest").id });
  return { w, serverId: server.id, settings: () => getDeployment(t.ctx.dbh, server.id)?.settings };
}

const page = (who: Person) => t.request(PAGE, { headers: { cookie: who.cookie } });
function save(who: Person, fields: Record<string, string>, extra: Record<string, string> = {}) {
  return t.request(ACTION, { method: "POST", body: form({ _csrf: who.csrf, ...fields }), headers: { cookie: who.cookie, origin: "http://localhost", "content-type": "application/x-www-form-urlencoded", ...extra } });
}
const setting = (body: string, name: string) => body.match(new RegExp(`<dd data-setting="${name.replace(".", "\\.")}">(.*?)</dd>`))?.[1];

const HOST = await detectProtections();

describe("cgroup limits on the Deployments page", () => {
  // A real supervisor over this host's protections, with cgroup v2 as a host without delegation reports it.
  async function withSupervisor(cgroupV2: { usable: boolean; writable: boolean; controllers: string[]; path?: string; reason?: string }) {
    const dir = tempDir("hearth-ui-cgroup-");
    const s = new Supervisor({ sessionsDir: `${dir.path}/sessions`, sandbox: "none", protections: { ...HOST, cgroupV2 }, maxChildren: 2 });
    t.ctx.supervisor = s;
    return async () => {
      await s.shutdown(200);
      dir.cleanup();
    };
  }

  it("lists memory and pids as not enforced, with the reason, where cgroup v2 is not delegated", async () => {
    const { w } = world();
    const stop = await withSupervisor({ usable: false, writable: false, controllers: [], reason: "no cgroup v2 hierarchy" });
    try {
      const body = await (await page(w.owner)).text();
      for (const name of ["limits.memoryMiB", "limits.pids"]) expect(setting(body, name)).toContain("not enforced on this host: no cgroup v2 hierarchy");
      for (const name of ["limits.addressSpaceMiB", "limits.openFiles", "maxSessions"]) expect(setting(body, name)).not.toContain("not enforced");
    } finally {
      await stop();
    }
  });

  it.skipIf(!HOST.cgroupV2.usable)(`does not mark them where the supervisor applies them${HOST.cgroupV2.usable ? "" : ` [skipped: ${HOST.cgroupV2.reason}]`}`, async () => {
    const { w } = world();
    const stop = await withSupervisor(HOST.cgroupV2);
    try {
      expect(setting(await (await page(w.owner)).text(), "limits.memoryMiB")).not.toContain("not enforced");
    } finally {
      await stop();
    }
  });
});

describe("deployment settings on the Deployments page", () => {
  it("shows the owner the effective settings, defaults marked, and a form to change them", async () => {
    const { w } = world();
    const r = await page(w.owner);
    expect(r.status).toBe(200);
    const body = await r.text();
    expect(setting(body, "maxSessions")).toBe('<span>20 sessions</span><span class="badge">default</span>');
    expect(setting(body, "sandbox")).toBe('<span>instance default (auto)</span><span class="badge">default</span>');
    expect(setting(body, "limits.memoryMiB")).toBe('<span>1024 MiB</span><span class="badge">default</span>');
    expect(body).toContain(`<form method="post" action="${ACTION}"`);
    expect(body).toContain('name="limits.cpuSeconds"');
    expect(body).toContain('min="1" max="10000" value="20"');
  });

  it("marks only the defaults after a change", async () => {
    const { w } = world();
    expect((await save(w.publisher, { maxSessions: "7", sessionPolicy: "shared" })).status).toBe(303);
    const body = await (await page(w.owner)).text();
    expect(setting(body, "maxSessions")).toBe("<span>7 sessions</span>");
    expect(setting(body, "sessionPolicy")).toBe("<span>shared</span>");
    expect(setting(body, "idleTimeoutSec")).toBe('<span>300 s</span><span class="badge">default</span>');
  });

  it("shows the defaults, and no form, before the first deploy", async () => {
    const { w } = world({ deployed: false });
    const body = await (await page(w.owner)).text();
    expect(setting(body, "poolSize")).toBe('<span>1</span><span class="badge">default</span>');
    expect(body).toContain("These defaults apply from the first deploy");
    expect(body).not.toContain(`action="${ACTION}"`);
    expect((await save(w.owner, { maxSessions: "5" })).status).toBe(404);
  });

  it("is 403 to a team member and 404 to an outsider, page and form alike, and changes nothing", async () => {
    const { w, settings } = world();
    expect((await page(w.member)).status).toBe(403);
    expect((await page(w.outsider)).status).toBe(404);
    expect((await save(w.member, { maxSessions: "5" })).status).toBe(403);
    expect((await save(w.outsider, { maxSessions: "5" })).status).toBe(404);
    expect(settings()).toEqual(DEFAULT_SETTINGS);
  });

  it("saves a valid change through the API's merge, audits it, and redirects back", async () => {
    const { w, settings } = world();
    const r = await save(w.owner, { maxSessions: "8", poolSize: "2", idleTimeoutSec: "60", network: "none", sandbox: "bwrap", "limits.memoryMiB": "256", "limits.cpuSeconds": "600" });
    expect(r.status).toBe(303);
    expect(r.headers.get("location")).toBe(PAGE);
    expect(settings()).toEqual({ ...DEFAULT_SETTINGS, maxSessions: 8, poolSize: 2, idleTimeoutSec: 60, network: "none", sandbox: "bwrap", limits: { ...DEFAULT_SETTINGS.limits, memoryMiB: 256, cpuSeconds: 600 } });
    const [entry] = listAudit(t.ctx.dbh.db, { action: "settings.change" }, 1, 10).events;
    expect(entry).toMatchObject({ actor: "owner@example.com", target: "acme/secret", outcome: "ok" });
    expect(JSON.parse(entry!.detail!)).toEqual({ maxSessions: 8, idleTimeoutSec: 60, network: "none", poolSize: 2, sandbox: "bwrap", limits: { memoryMiB: 256, cpuSeconds: 600 } });
  });

  it("records nothing when the form is saved unchanged", async () => {
    const { w, settings } = world();
    const shown = await (await page(w.owner)).text();
    const fields = Object.fromEntries([...shown.matchAll(/<input id="ds-[^"]+" name="([^"]+)" type="number"[^>]* value="(\d+)"/g)].map((m) => [m[1]!, m[2]!]));
    expect(Object.keys(fields)).toHaveLength(10);
    expect((await save(w.owner, { ...fields, network: "host", sessionPolicy: "per-session", sandbox: "" })).status).toBe(303);
    expect(settings()).toEqual(DEFAULT_SETTINGS);
    expect(listAudit(t.ctx.dbh.db, { action: "settings.change" }, 1, 10).events).toEqual([]);
  });

  it.each([
    ["a word for a number", { maxSessions: "many" }, "maxSessions"],
    ["a fraction", { idleTimeoutSec: "7.5" }, "idleTimeoutSec"],
    ["a limit below its floor", { "limits.addressSpaceMiB": "100" }, "limits.addressSpaceMiB"],
    ["an unknown choice", { network: "bridge" }, "network"],
    ["an unknown sandbox", { sandbox: "docker" }, "sandbox"],
    ["a pool larger than max sessions", { poolSize: "5", maxSessions: "3" }, "poolSize"],
  ])("refuses %s with 422, the error beside its field and the typed value kept, and changes nothing", async (_what, fields, field) => {
    const { w, settings } = world();
    const r = await save(w.owner, { ...fields, "limits.openFiles": "2048" });
    expect(r.status).toBe(422);
    const body = await r.text();
    const id = `ds-${field.replace(".", "-")}`;
    expect(body).toMatch(new RegExp(`<div class="field has-error"><label for="${id}">[\\s\\S]*?<p class="field-error" id="${id}-err">[^<]+</p></div>`));
    expect(body).toContain('<div class="alert error" role="alert">');
    expect(body).toContain("<details open>");
    expect(body).toContain('name="maxAgeSec" type="number" inputmode="numeric" step="1" min="10" max="2678400" value="3600"');
    if (field !== "sandbox" && field !== "network") expect(body).toContain(`value="${(fields as Record<string, string>)[field]}"`);
    expect(body).toContain('value="2048"');
    expect(settings()).toEqual(DEFAULT_SETTINGS);
  });

  it("answers htmx with the panel alone: refused with 422, saved with a notice and the state panel out of band", async () => {
    const { w, settings } = world();
    const hx = { "hx-request": "true", "hx-request-type": "partial" };
    const bad = await save(w.owner, { maxSessions: "0" }, hx);
    expect(bad.status).toBe(422);
    const badBody = await bad.text();
    expect(badBody).toStartWith('<section class="panel stack deploy-settings" id="deploy-settings"');
    expect(badBody).toContain('id="ds-maxSessions-err"');
    const ok = await save(w.owner, { maxSessions: "4" }, hx);
    expect(ok.status).toBe(200);
    const okBody = await ok.text();
    expect(okBody).toContain("Settings saved.");
    expect(okBody).toContain('<section class="panel" id="deploy-state" hx-swap-oob="true">');
    expect(okBody).toContain("4 sessions, idle 300 s");
    expect(settings()?.maxSessions).toBe(4);
  });

  it("says one session in the singular in the state panel and the settings list", async () => {
    const { w } = world();
    expect((await save(w.owner, { maxSessions: "1" })).status).toBe(303);
    const body = await (await page(w.owner)).text();
    expect(body).toContain("1 session, idle 300 s");
    expect(setting(body, "maxSessions")).toBe("<span>1 session</span>");
    expect(body).not.toContain("1 sessions");
  });

  it("offers sandbox none to admins only, and refuses it from a publisher or owner", async () => {
    const { w, settings } = world();
    expect(await (await page(w.owner)).text()).not.toContain('<option value="none">none (no sandbox)</option>');
    expect(await (await page(w.admin)).text()).toContain('<option value="none">none (no sandbox)</option>');
    for (const who of [w.owner, w.publisher]) {
      const r = await save(who, { sandbox: "none" });
      expect(r.status).toBe(403);
      expect(await r.text()).toContain("only an administrator may set sandbox");
    }
    expect(settings()?.sandbox).toBeUndefined();
    expect((await save(w.admin, { sandbox: "none" })).status).toBe(303);
    expect(settings()?.sandbox).toBe("none");
  });

  it("lets an owner save other settings of a server an admin unsandboxed, keeping it unsandboxed", async () => {
    const { w, settings } = world();
    expect((await save(w.admin, { sandbox: "none" })).status).toBe(303);
    const body = await (await page(w.owner)).text();
    expect(body).toContain('<option value="none" selected>none (no sandbox)</option>');
    expect((await save(w.owner, { sandbox: "none", maxSessions: "9" })).status).toBe(303);
    expect(settings()).toMatchObject({ sandbox: "none", maxSessions: 9 });
  });

  it("puts settings back to their defaults: the sandbox's instance default, and number fields cleared", async () => {
    const { w, settings } = world();
    expect((await save(w.owner, { sandbox: "bwrap", maxSessions: "8", "limits.memoryMiB": "256", "limits.openFiles": "999" })).status).toBe(303);
    const before = await (await page(w.owner)).text();
    expect(before).toContain('<option value="">instance default (auto)</option>');
    expect((await save(w.owner, { sandbox: "", maxSessions: "", "limits.memoryMiB": "", "limits.openFiles": "999" })).status).toBe(303);
    expect(settings()).toEqual({ ...DEFAULT_SETTINGS, limits: { ...DEFAULT_SETTINGS.limits, openFiles: 999 } });
    const [entry] = listAudit(t.ctx.dbh.db, { action: "settings.change" }, 1, 10).events;
    expect(JSON.parse(entry!.detail!)).toEqual({ maxSessions: null, sandbox: null, limits: { memoryMiB: null } });
    const body = await (await page(w.owner)).text();
    expect(setting(body, "sandbox")).toBe('<span>instance default (auto)</span><span class="badge">default</span>');
    expect(setting(body, "limits.memoryMiB")).toBe('<span>1024 MiB</span><span class="badge">default</span>');
    expect(body).toContain('<option value="" selected>instance default (auto)</option>');
  });

  it("leaves a field that isn't sent alone, and clearing one already at its default changes nothing", async () => {
    const { w, settings } = world();
    expect((await save(w.owner, { maxSessions: "8" })).status).toBe(303);
    expect((await save(w.owner, { poolSize: "", sandbox: "" })).status).toBe(303);
    expect(settings()).toEqual({ ...DEFAULT_SETTINGS, maxSessions: 8 });
    expect(listAudit(t.ctx.dbh.db, { action: "settings.change" }, 1, 10).events).toHaveLength(1);
  });

  it("on a --sandbox none instance, offers and allows the sandbox reset to admins only (it would turn the sandbox off)", async () => {
    const { w, settings } = world({ flags: { sandbox: "none" } });
    expect((await save(w.owner, { sandbox: "bwrap" })).status).toBe(303);
    expect(await (await page(w.owner)).text()).not.toContain("instance default (none)</option>");
    const r = await save(w.owner, { sandbox: "" });
    expect(r.status).toBe(403);
    expect(await r.text()).toContain("only an administrator may reset sandbox");
    expect(settings()?.sandbox).toBe("bwrap");
    expect(await (await page(w.admin)).text()).toContain('<option value="">instance default (none)</option>');
    expect((await save(w.admin, { sandbox: "" })).status).toBe(303);
    expect(settings()?.sandbox).toBeUndefined();
  });

  it("needs the session's CSRF token", async () => {
    const { w, settings } = world();
    const r = await t.request(ACTION, { method: "POST", body: form({ _csrf: "forged", maxSessions: "5" }), headers: { cookie: w.owner.cookie, origin: "http://localhost", "content-type": "application/x-www-form-urlencoded" } });
    expect(r.status).toBe(403);
    expect(settings()).toEqual(DEFAULT_SETTINGS);
  });
});

describe("the settings form on a hosting Hearth", () => {
  let h: HostedInstance | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it("resizes the server's warm pool of real children at once, as PATCH does", async () => {
    h = await startHosted();
    const name = "io.github.test/echo-form-pool";
    h.deployFixture(name, "echo-server.ts");
    const admin = h.ctx.dbh.db.select().from(users).where(eq(users.role, "admin")).get()!;
    const b = browserFor(h.ctx, admin);
    const post = (poolSize: string) => fetch(`${h!.server.url}/${name}/deployments/settings`, { method: "POST", body: form({ _csrf: b.csrf, poolSize }), headers: b.post({ origin: h!.server.url }), redirect: "manual" });
    expect((await post("2")).status).toBe(303);
    expect(await waitUntil(() => h!.hosting.supervisor.count(name) === 2, 5000)).toBe(true);
    expect((await post("0")).status).toBe(303);
    expect(await waitUntil(() => h!.hosting.supervisor.count(name) === 0, 5000)).toBe(true);
  }, 30_000);
});
