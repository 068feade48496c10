import { afterEach, describe, expect, it } from "bun:test";
import type { DeployEvent, Deployer, DeployRun } from "../../src/deploy/deployer.ts";
import { setDeploymentState } from "../../src/deploy/deployments.ts";
import { AppError } from "../../src/shared/app-error.ts";
import { LogRing } from "../../src/supervisor/log-ring.ts";
import { progressOf } from "../../src/ui/deploy-progress.ts";
import { testApp } from "../helpers/app.ts";
import { adminWithKey } from "../helpers/registry.ts";
import { browserFor, form, publish, type Browser } from "./ui-helpers.ts";

let t: ReturnType<typeof testApp>;
afterEach(() => t?.close());

const NAME = "io.github.test/echo";

/** fakeRun is a deploy the test drives event by event. */
function fakeRun() {
  const listeners = new Set<(e: DeployEvent) => void>();
  let finish!: (e: DeployEvent) => void;
  const run: DeployRun = {
    events: [],
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    done: new Promise((r) => (finish = r)),
  };
  const emit = (e: DeployEvent) => {
    run.events.push(e);
    for (const fn of listeners) fn(e);
    if (e.phase === "ready" || e.phase === "failed") finish(e);
  };
  return { run, emit, listeners };
}

async function setup(): Promise<{ b: Browser; serverId: number; versionId: number }> {
  t = testApp();
  const { user } = await adminWithKey(t.ctx);
  const p = publish(t.ctx, user, NAME);
  return { b: browserFor(t.ctx, user), serverId: p.serverId, versionId: p.versionId };
}

// Reads an event stream until `until` matches what arrived, then stops reading.
async function readStream(r: Response, until: (text: string) => boolean, during?: () => void): Promise<string> {
  const reader = r.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let poked = false;
  const deadline = Date.now() + 3000;
  while (!until(text) && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value);
    if (!poked && during) {
      poked = true;
      during();
    }
  }
  await reader.cancel();
  return text;
}

describe("deploy progress", () => {
  it("folds deploy events into one progress bar", () => {
    expect(progressOf([])).toMatchObject({ percent: 0, state: "running" });
    const events: DeployEvent[] = [{ phase: "queued", message: "deploying" }, { phase: "install", step: "downloading", percent: 50 }];
    expect(progressOf(events)).toMatchObject({ percent: 30, label: "Downloading", state: "running" });
    events.push({ phase: "probing", message: "listing tools" });
    expect(progressOf(events).percent).toBe(88);
    expect(progressOf([...events, { phase: "ready", message: "deployed with 3 tools", version: "1.0.0", tools: 3, needsConfig: false }])).toMatchObject({ percent: 100, state: "ready" });
    expect(progressOf([...events, { phase: "failed", message: "boom", version: "1.0.0" }])).toMatchObject({ percent: 88, state: "failed", message: "boom" });
  });
});

describe("deployments tab", () => {
  it("shows the state, active sessions and a deploy form with the deployable versions", async () => {
    const { b, serverId, versionId } = await setup();
    setDeploymentState(t.ctx.dbh, serverId, "failed", { versionId, error: "it crashed <badly>" });
    t.ctx.deployer = { current: () => undefined } as unknown as Deployer;
    const r = await t.request(`/${NAME}/deployments`, { headers: { cookie: b.cookie } });
    expect(r.status).toBe(200);
    const body = await r.text();
    expect(body).toContain("<dd>Failed</dd>");
    expect(body).toContain("it crashed &lt;badly&gt;");
    expect(body).toContain('<dd id="active-sessions">0</dd>');
    expect(body).toContain('<option value="1.0.0" selected>1.0.0 (latest) (deployed)</option>');
    expect(body).toContain(`name="_csrf" value="${b.csrf}"`);
  });

  it("starts a deploy and answers htmx with a region that follows its progress", async () => {
    const { b } = await setup();
    const { run } = fakeRun();
    const asked: string[] = [];
    t.ctx.deployer = { current: () => undefined, deploy: (_s: unknown, v: string) => (asked.push(v), run) } as unknown as Deployer;
    const r = await t.request(`/${NAME}/deployments`, { method: "POST", body: form({ _csrf: b.csrf, version: "1.0.0" }), headers: b.post({ "hx-request": "true", "hx-request-type": "partial" }) });
    expect(r.status).toBe(200);
    const body = await r.text();
    expect(asked).toEqual(["1.0.0"]);
    expect(body).toContain(`hx-sse:connect="/${NAME}/deployments/progress"`);
    expect(body).toContain('hx-sse:close="done"');
  });

  it("shows why a version can't be deployed inside the progress region", async () => {
    const { b } = await setup();
    t.ctx.deployer = {
      current: () => undefined,
      deploy: () => {
        throw new AppError("invalid", "this version can't be deployed here");
      },
    } as unknown as Deployer;
    const body = await (await t.request(`/${NAME}/deployments`, { method: "POST", body: form({ _csrf: b.csrf }), headers: b.post({ "hx-request": "true", "hx-request-type": "partial" }) })).text();
    expect(body).toStartWith('<section id="deploy-status"');
    expect(body).toContain("be deployed here");
  });

  it("redirects a plain form post back to the tab, and needs the CSRF token", async () => {
    const { b } = await setup();
    const { run } = fakeRun();
    t.ctx.deployer = { current: () => undefined, deploy: () => run } as unknown as Deployer;
    const r = await t.request(`/${NAME}/deployments`, { method: "POST", body: form({ _csrf: b.csrf }), headers: b.post() });
    expect(r.status).toBe(303);
    expect(r.headers.get("location")).toBe(`/${NAME}/deployments`);
    expect((await t.request(`/${NAME}/deployments`, { method: "POST", body: form({ _csrf: "x" }), headers: b.post() })).status).toBe(403);
  });

  it("streams progress fragments over SSE until the deploy ends, then tells hx-sse to close", async () => {
    const { b } = await setup();
    const { run, emit } = fakeRun();
    emit({ phase: "queued", message: "deploying io.github.test/echo@1.0.0" });
    t.ctx.deployer = { current: () => run } as unknown as Deployer;
    const r = await t.request(`/${NAME}/deployments/progress`, { headers: { cookie: b.cookie } });
    expect(r.headers.get("content-type")).toContain("text/event-stream");
    const text = await readStream(r, (s) => s.includes("event: done"), () => {
      emit({ phase: "install", step: "downloading", percent: 100 });
      emit({ phase: "probing", message: "starting it" });
      emit({ phase: "ready", message: "deployed with 3 tools", version: "1.0.0", tools: 3, needsConfig: false });
    });
    expect(text).toContain('data: <div class="deploy-progress running"');
    expect(text).toContain('value="50"');
    expect(text).toContain('value="100"');
    expect(text).toContain("deployed with 3 tools");
    expect(text).toContain("event: done");
  });
});

describe("logs tab", () => {
  it("shows recent lines, filtered by text and stream, escaped", async () => {
    const { b } = await setup();
    const ring = new LogRing();
    ring.push("hearth", "running as pid 42");
    ring.push("stderr", "listening <script>alert(1)</script>");
    ring.push("stderr", "warning: disk nearly full");
    t.ctx.logs = new Map([[NAME, ring]]);
    const all = await (await t.request(`/${NAME}/logs`, { headers: { cookie: b.cookie } })).text();
    expect(all).toContain("running as pid 42");
    expect(all).toContain("listening &lt;script&gt;alert(1)&lt;/script&gt;");
    const filtered = await (await t.request(`/${NAME}/logs?q=DISK&stream=stderr`, { headers: { cookie: b.cookie } })).text();
    expect(filtered).toContain("warning: disk nearly full");
    expect(filtered).not.toContain("running as pid 42");
    expect(filtered).not.toContain("listening");
  });

  it("follows new lines live over SSE", async () => {
    const { b } = await setup();
    const ring = new LogRing();
    t.ctx.logs = new Map([[NAME, ring]]);
    const page = await (await t.request(`/${NAME}/logs`, { headers: { cookie: b.cookie } })).text();
    expect(page).toContain(`hx-sse:connect="/${NAME}/logs/stream"`);
    const r = await t.request(`/${NAME}/logs/stream?stream=stderr`, { headers: { cookie: b.cookie } });
    const text = await readStream(r, (s) => s.includes("fresh line"), () => {
      ring.push("hearth", "not wanted");
      ring.push("stderr", "fresh line");
    });
    expect(text).toContain('data: <li class="log-line stderr">');
    expect(text).not.toContain("not wanted");
  });

  it("is for owners only", async () => {
    await setup();
    t.ctx.logs = new Map([[NAME, new LogRing()]]);
    expect((await t.request(`/${NAME}/logs/stream`)).status).toBe(401);
  });
});
