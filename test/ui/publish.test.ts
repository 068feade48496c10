import { afterAll, afterEach, beforeAll, describe, expect, it } from "bun:test";
import { testApp } from "../helpers/app.ts";
import { adminWithKey, plainUserWithKey, serverJson } from "../helpers/registry.ts";
import { tempDir } from "../helpers/temp.ts";
import { browserFor, publish, type Browser } from "./ui-helpers.ts";

let t: ReturnType<typeof testApp>;
let dir: ReturnType<typeof tempDir> | undefined;
afterEach(() => {
  t?.close();
  dir?.cleanup();
  dir = undefined;
});

async function signedIn(): Promise<Browser> {
  dir = tempDir("hearth-ui-publish-");
  t = testApp({ data: dir.path });
  const { user } = await adminWithKey(t.ctx);
  return browserFor(t.ctx, user);
}

function send(b: Browser, fields: Record<string, string | Blob>, headers: Record<string, string> = {}) {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.set(k, v);
  if (!("_csrf" in fields)) body.set("_csrf", b.csrf);
  return t.request("/publish", { method: "POST", body, headers: { cookie: b.cookie, origin: "http://localhost", ...headers } });
}

describe("publish page", () => {
  it("sends anonymous visitors to sign in first", async () => {
    t = testApp();
    const r = await t.request("/publish");
    expect(r.status).toBe(303);
    expect(r.headers.get("location")).toBe("/login?next=%2Fpublish");
  });

  it("shows a form with the CSRF token, a paste box and an upload", async () => {
    const b = await signedIn();
    const body = await (await t.request("/publish", { headers: { cookie: b.cookie } })).text();
    expect(body).toContain(`name="_csrf" value="${b.csrf}"`);
    expect(body).toContain('<textarea id="manifest" name="manifest"');
    expect(body).toContain('<input id="file" name="file" type="file"');
    expect(body).toContain('enctype="multipart/form-data"');
  });

  it("publishes a pasted server.json and goes to the new server's page", async () => {
    const b = await signedIn();
    const r = await send(b, { manifest: JSON.stringify(serverJson("io.github.test/pasted")), visibility: "public" });
    expect(r.status).toBe(303);
    expect(r.headers.get("location")).toBe("/io.github.test/pasted");
    expect((await t.request("/io.github.test/pasted")).status).toBe(200);
  });

  it("publishes an uploaded smithery.yaml under the name given in the form", async () => {
    const b = await signedIn();
    const yaml = "startCommand:\n  type: stdio\n  configSchema:\n    type: object\n  commandFunction: |-\n    (config) => ({ command: 'node', args: ['index.js'] })\n";
    const r = await send(b, { file: new File([yaml], "smithery.yaml"), name: "acme/from-yaml", version: "0.1.0" });
    expect(r.status, await r.clone().text()).toBe(303);
    expect(r.headers.get("location")).toBe("/acme/from-yaml");
  });

  it("answers htmx with HX-Redirect instead of a redirect the fetch would follow", async () => {
    const b = await signedIn();
    const r = await send(b, { manifest: JSON.stringify(serverJson("io.github.test/hx")) }, { "hx-request": "true", "hx-request-type": "partial" });
    expect(r.status).toBe(204);
    expect(r.headers.get("hx-redirect")).toBe("/io.github.test/hx");
  });

  it("shows manifest errors beside the manifest field, keeping what was pasted", async () => {
    const b = await signedIn();
    const doc = { ...serverJson("io.github.test/bad"), version: 42, description: "<b>kept</b>" };
    const r = await send(b, { manifest: JSON.stringify(doc) });
    expect(r.status).toBe(422);
    const body = await r.text();
    const manifestField = body.slice(body.indexOf('<textarea id="manifest"'), body.indexOf('<input id="file"'));
    expect(manifestField).toContain('class="field-error" id="err-manifest"');
    expect(manifestField).toContain("/version");
    expect(manifestField).toContain("&lt;b&gt;kept&lt;/b&gt;");
    expect(body).toContain('aria-invalid="true"');
  });

  it("shows a syntax error in what was pasted", async () => {
    const b = await signedIn();
    const body = await (await send(b, { manifest: "{ not json" })).text();
    expect(body).toContain('id="err-manifest"');
  });

  it("puts a bad name next to the name field", async () => {
    const b = await signedIn();
    const body = await (await send(b, { manifest: JSON.stringify(serverJson("io.github.test/ok")), name: "api/reserved" })).text();
    const nameField = body.slice(body.indexOf('<input id="name"'), body.indexOf('<input id="artifact"'));
    expect(nameField).toContain('id="err-name"');
    expect(nameField).toContain("reserved");
  });

  it("says so when the version exists already, and when nothing was given", async () => {
    const b = await signedIn();
    await send(b, { manifest: JSON.stringify(serverJson("io.github.test/twice")) });
    expect(await (await send(b, { manifest: JSON.stringify(serverJson("io.github.test/twice")) })).text()).toContain("already published");
    expect(await (await send(b, { manifest: "  " })).text()).toContain("paste a server.json or smithery.yaml");
  });

  it("returns only the form to htmx, with its errors", async () => {
    const b = await signedIn();
    const r = await send(b, { manifest: "{}" }, { "hx-request": "true", "hx-request-type": "partial" });
    expect(r.status).toBe(422);
    const body = await r.text();
    expect(body).toStartWith('<form id="publish-form"');
  });

  it("refuses another user's namespace beside the name", async () => {
    const b = await signedIn();
    const { user: alice } = plainUserWithKey(t.ctx, "alice@example.com");
    publish(t.ctx, alice, "alice/tool");
    const bob = plainUserWithKey(t.ctx, "bob@example.com");
    const bb = browserFor(t.ctx, bob.user);
    const r = await send(bb, { manifest: JSON.stringify(serverJson("alice/tool2")), name: "alice/tool2" });
    expect(r.status).toBe(422);
    expect(await r.text()).toContain("belongs to someone else");
    expect(b).toBeDefined();
  });

  it("requires the CSRF token and our own origin", async () => {
    const b = await signedIn();
    expect((await send(b, { manifest: JSON.stringify(serverJson("io.github.test/x")), _csrf: "forged" })).status).toBe(403);
    expect((await send(b, { manifest: JSON.stringify(serverJson("io.github.test/x")) }, { origin: "https://evil.example" })).status).toBe(403);
    expect((await t.request("/io.github.test/x")).status).toBe(404);
  });
});

describe("publish page: Add from npm", () => {
  // A registry of our own (npm's protocol: GET /<name>/<version|tag>), so hostile and missing packages can be served.
  const asked: string[] = [];
  let registry: ReturnType<typeof Bun.serve>;
  beforeAll(() => {
    registry = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch(r) {
        const path = new URL(r.url).pathname;
        asked.push(path);
        if (path === "/@acme%2fmemory/latest") return Response.json({ name: "@acme/memory", version: "1.2.3", description: "Remembers <b>things</b>", mcpName: "acme/memory", bin: { memory: "index.js" } });
        if (path === "/plain/latest") return Response.json({ name: "plain", version: "0.1.0", bin: "cli.js" });
        return new Response("", { status: 404 });
      },
    });
  });
  afterAll(() => registry.stop(true));

  async function withRegistry(): Promise<Browser> {
    dir = tempDir("hearth-ui-publish-npm-");
    t = testApp({ data: dir.path, "npm-registry": registry.url.href });
    const { user } = await adminWithKey(t.ctx);
    return browserFor(t.ctx, user);
  }
  const htmx = { "hx-request": "true", "hx-request-type": "partial" };
  const stored = () => (t.ctx.dbh.sqlite.query("SELECT count(*) AS n FROM servers").get() as { n: number }).n;

  it("shows the field, a server.json example and the schema link", async () => {
    const b = await withRegistry();
    const body = await (await t.request("/publish", { headers: { cookie: b.cookie } })).text();
    expect(body).toContain('<form id="npm-form" class="stack panel" method="get" action="/publish" hx-get="/publish" hx-target="#publish-area"');
    expect(body).toContain('<input id="npm" name="npm"');
    expect(body).toContain('href="https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json"');
    expect(body).toContain("&quot;registryType&quot;: &quot;npm&quot;");
  });

  it("without JS, fills the manifest from the package for review and stores nothing; publishing it then works", async () => {
    const b = await withRegistry();
    const r = await t.request("/publish?npm=%40acme%2Fmemory", { headers: { cookie: b.cookie } });
    expect(r.status).toBe(200);
    const body = await r.text();
    expect(body).toContain("<html");
    expect(body).toContain("Filled in from npm @acme/memory@1.2.3 (the package&#x27;s metadata). Review it, then publish.");
    const manifest = /<textarea id="manifest"[^>]*>([^<]*)<\/textarea>/.exec(body)![1]!.replaceAll("&quot;", '"').replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&");
    expect(JSON.parse(manifest)).toMatchObject({ name: "acme/memory", version: "1.2.3", description: "Remembers <b>things</b>", packages: [{ registryType: "npm", identifier: "@acme/memory", version: "1.2.3" }] });
    expect(body).toContain('<option value="server.json" selected>');
    expect(stored()).toBe(0);
    const published = await send(b, { manifest, format: "server.json", visibility: "public" });
    expect(published.status).toBe(303);
    expect(published.headers.get("location")).toBe("/acme/memory");
  });

  it("with htmx, answers the publish area alone, filled in", async () => {
    const b = await withRegistry();
    const r = await t.request("/publish?npm=plain&npmName=me%2Fplain", { headers: { cookie: b.cookie, ...htmx } });
    expect(r.status).toBe(200);
    const body = await r.text();
    expect(body).toStartWith('<div id="publish-area" class="stack">');
    expect(body).not.toContain("<html");
    expect(body).toContain("&quot;name&quot;: &quot;me/plain&quot;");
    expect(body).toContain('<input id="name" name="name" value="me/plain"');
  });

  it("puts an unknown package, a missing name and a malformed one beside the field, asking the registry nothing for the last", async () => {
    const b = await withRegistry();
    const missing = await t.request("/publish?npm=%40acme%2Fnope", { headers: { cookie: b.cookie, ...htmx } });
    expect(missing.status).toBe(422);
    expect(await missing.text()).toContain(`<ul class="field-error" id="err-npm"><li>there is no npm package @acme/nope on ${registry.url.href.replace(/\/$/, "")}</li></ul>`);
    const unnamed = await t.request("/publish?npm=plain", { headers: { cookie: b.cookie } });
    expect(await unnamed.text()).toContain('<ul class="field-error" id="err-name"><li>plain has no mcpName and no @scope');
    asked.length = 0;
    const bad = await t.request(`/publish?npm=${encodeURIComponent("../../admin")}`, { headers: { cookie: b.cookie, ...htmx } });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain("is not a valid npm package name");
    expect(asked).toEqual([]);
    expect(stored()).toBe(0);
  });

  it("sends anonymous visitors to sign in before asking any registry", async () => {
    await withRegistry();
    asked.length = 0;
    const r = await t.request("/publish?npm=plain");
    expect(r.status).toBe(303);
    expect(asked).toEqual([]);
  });
});
