import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import type { Deployer } from "../../src/deploy/deployer.ts";
import { setDeploymentState } from "../../src/deploy/deployments.ts";
import { LogRing } from "../../src/supervisor/log-ring.ts";
import { createTeam, setMember } from "../../src/accounts/teams.ts";
import { users } from "../../src/db/schema.ts";
import { ToolResult } from "../../views/components/tool-result.tsx";
import { DeployProgressView } from "../../views/pages/server-deployments-page.tsx";
import { LogLine } from "../../views/pages/server-logs-page.tsx";
import { testApp } from "../helpers/app.ts";
import { adminWithKey } from "../helpers/registry.ts";
import { tempDir } from "../helpers/temp.ts";
import { browserFor, form, listTools, publish, type Browser } from "./ui-helpers.ts";

// Every string a publisher, a server or a visitor controls is one of these somewhere below. Each
// page is rendered twice, over a catalog seeded with the hostile strings and over one seeded with
// harmless strings of the same shape: the element structure must be the same, and the hostile
// page must hold nothing a script could run from.
type Strings = { SCRIPT: string; IMG: string; SINGLE: string; JS_URL: string; TEXTAREA: string; HOSTILE: string };
const EVIL: Strings = (() => {
  const SCRIPT = "<script>alert('xss')</script>";
  const IMG = '"><img src=x onerror=alert(1)>';
  const SINGLE = "' onmouseover='alert(1)' x='";
  const TEXTAREA = "</textarea><script>alert(2)</script>";
  return { SCRIPT, IMG, SINGLE, JS_URL: "javascript:alert(1)", TEXTAREA, HOSTILE: `${SCRIPT}${IMG}${SINGLE}${TEXTAREA}` };
})();
const PLAIN: Strings = { SCRIPT: "plain-one", IMG: "plain-two", SINGLE: "plain-three", JS_URL: "not-a-url", TEXTAREA: "plain-four", HOSTILE: "plain-oneplain-twoplain-threeplain-four" };
const NAME = "io.github.evil/xss";
const UNTITLED = "io.github.evil/untitled";

interface Finding {
  what: string;
  detail: string;
}

/**
 * audit parses a page with a real HTML tokenizer (HTMLRewriter, lol-html) and reports anything a
 * hostile string could have become: a script that is not one of ours, an event-handler attribute,
 * a javascript: URL, or an element that loads or changes things (iframe, object, base, meta refresh).
 */
async function audit(html: string): Promise<Finding[]> {
  const found: Finding[] = [];
  const rewriter = new HTMLRewriter()
    .on("*", {
      element(el) {
        for (const [name, value] of el.attributes) {
          if (/^on/i.test(name)) found.push({ what: "event handler attribute", detail: `<${el.tagName} ${name}="${value}">` });
          if (/^(href|src|action|formaction|xlink:href|data|poster|srcset)$/i.test(name) && /^\s*(javascript|vbscript):/i.test(value)) found.push({ what: "script URL", detail: `<${el.tagName} ${name}="${value}">` });
        }
        if (["iframe", "object", "embed", "base", "frame", "svg", "math", "style", "link"].includes(el.tagName) && !(el.tagName === "link" && /^\/static\//.test(el.getAttribute("href") ?? ""))) {
          found.push({ what: "unexpected element", detail: `<${el.tagName}>` });
        }
        if ((el.tagName === "form" || el.tagName === "button") && /^\s*(https?:)?\/\//i.test(el.getAttribute("action") ?? el.getAttribute("formaction") ?? "")) found.push({ what: "form to another site", detail: el.getAttribute("action") ?? "" });
        if (el.tagName === "meta" && el.getAttribute("http-equiv") && el.getAttribute("content") !== "3") found.push({ what: "meta http-equiv", detail: el.getAttribute("content") ?? "" });
        if (el.tagName === "img") {
          const src = el.getAttribute("src") ?? "";
          if (!/^(https?:\/\/|data:image\/(png|jpeg|gif|webp|avif|bmp|svg\+xml);base64,)/.test(src)) found.push({ what: "img source", detail: src });
        }
      },
    })
    .on("script", {
      element(el) {
        const src = el.getAttribute("src") ?? "";
        if (!src.startsWith("/static/")) found.push({ what: "script not from /static", detail: src || "(inline)" });
      },
      text(t) {
        if (t.text.trim()) found.push({ what: "inline script content", detail: t.text });
      },
    });
  await rewriter.transform(new Response(html)).text();
  return found;
}

/** structure is a page's elements and their attribute names, in order: what markup a string could add. */
async function structure(html: string): Promise<string[]> {
  const out: string[] = [];
  await new HTMLRewriter()
    .on("*", {
      element(el) {
        out.push(`${el.tagName}[${[...el.attributes].map(([n]) => n).sort().join(",")}]`);
      },
    })
    .transform(new Response(html))
    .text();
  return out;
}

/** World is one catalog seeded with one set of strings, and a signed-in admin's browser. */
interface World {
  t: ReturnType<typeof testApp>;
  dir: ReturnType<typeof tempDir>;
  b: Browser;
  s: Strings;
}

async function seed(s: Strings): Promise<World> {
  const { SCRIPT, IMG, SINGLE, JS_URL, TEXTAREA, HOSTILE } = s;
  const dir = tempDir("hearth-ui-xss-");
  const t = testApp({ data: dir.path });
  const { user } = await adminWithKey(t.ctx);
  const p = publish(t.ctx, user, NAME, {
    title: "Evil",
    description: "Desc",
    websiteUrl: "https://example.com/ok",
    packages: [
      {
        registryType: "npm",
        identifier: "@evil/xss",
        version: "1.0.0",
        transport: { type: "stdio" },
        environmentVariables: [
          { name: "API_KEY", description: `key ${HOSTILE}`, isRequired: true, isSecret: true },
          { name: "MODE", description: HOSTILE, choices: [SCRIPT, IMG, JS_URL], default: SCRIPT },
        ],
      },
    ],
  });
  // What a manifest can't say (server.json caps title and description at 100 characters, and
  // checks URLs), said straight to the database.
  t.ctx.dbh.sqlite
    .query("UPDATE servers SET title = ?, description = ?, homepage = ?, repository = ?, icon_url = ?, tags = ? WHERE id = ?")
    .run(`Evil ${HOSTILE}`, `Desc ${HOSTILE}`, JS_URL, ` ${JS_URL}`, JS_URL, JSON.stringify([SCRIPT, IMG]), p.serverId);
  t.ctx.dbh.sqlite.query("UPDATE server_versions SET config_schema = ? WHERE id = ?").run(
    JSON.stringify({
      type: "object",
      required: [SCRIPT],
      properties: {
        [SCRIPT]: { type: "string", title: IMG, description: HOSTILE, default: SCRIPT },
        [IMG]: { enum: [SCRIPT, IMG, 1], title: SINGLE },
        nested: { type: "object", title: TEXTAREA, properties: { [SINGLE]: { type: "boolean", description: SCRIPT } } },
      },
    }),
    p.versionId,
  );
  listTools(
    t.ctx,
    p.versionId,
    [
      {
        name: SCRIPT,
        title: IMG,
        description: HOSTILE,
        annotations: { title: SCRIPT, readOnlyHint: true },
        inputSchema: {
          type: "object",
          required: [IMG],
          properties: {
            [IMG]: { type: "string", title: SCRIPT, description: HOSTILE, enum: [SCRIPT, JS_URL], default: IMG, pattern: SCRIPT },
            [SINGLE]: { type: "array", items: { type: "object", properties: { [TEXTAREA]: { type: "string" } } } },
          },
        },
      },
      { name: IMG, description: SCRIPT, inputSchema: { type: "object", properties: {} } },
    ],
    { prompts: [{ name: SCRIPT, description: IMG, arguments: [{ name: IMG, description: SCRIPT, required: true }] }], resources: [{ uri: JS_URL, name: SCRIPT, mimeType: IMG, description: HOSTILE }] },
  );
  // Untitled, so named by its npm package (a hostile one), with an https icon whose URL is hostile.
  const u = publish(t.ctx, user, UNTITLED);
  t.ctx.dbh.sqlite.query("UPDATE server_versions SET manifest = json_set(manifest, '$.packages[0].identifier', ?) WHERE id = ?").run(HOSTILE, u.versionId);
  t.ctx.dbh.sqlite.query("UPDATE servers SET icon_url = ? WHERE id = ?").run(`https://example.com/${IMG}${SINGLE}`, u.serverId);
  setDeploymentState(t.ctx.dbh, p.serverId, "ready", { versionId: p.versionId, error: HOSTILE });
  const ring = new LogRing();
  ring.push("stderr", HOSTILE);
  ring.push("hearth", SCRIPT);
  t.ctx.logs = new Map([[NAME, ring]]);
  // A team whose member's email is hostile (emails arrive through invitations and imports too).
  createTeam(t.ctx.dbh.db, user, "evilteam");
  t.ctx.dbh.db.insert(users).values({ email: `${HOSTILE}@example.com`.toLowerCase(), passwordHash: "x" }).run();
  setMember(t.ctx.dbh.db, user, "evilteam", `${HOSTILE}@example.com`, "publisher");
  t.ctx.deployer = { current: () => ({ events: [{ phase: "failed", message: HOSTILE }], subscribe: () => () => undefined, done: new Promise(() => undefined) }) } as unknown as Deployer;
  return { t, dir, b: browserFor(t.ctx, user), s };
}

async function page(w: World, path: string, init: RequestInit = {}): Promise<string> {
  const r = await w.t.request(path, { ...init, headers: { cookie: w.b.cookie, ...(init.headers as Record<string, string>) } });
  expect(r.status).toBeLessThan(500);
  return r.text();
}

const post = (w: World, fields: Record<string, string>) => ({ method: "POST", body: form(fields), headers: w.b.post() });

// The settings form's refusal echoes what was typed: make sure the case really reached it.
const refusedForm = (html: string) => (expect(html).toContain('<div class="field has-error">'), html);

const CASES: [string, (w: World) => Promise<string>][] = [
  ["home", (w) => page(w, "/")],
  ["search with a hostile query", (w) => page(w, `/?q=${encodeURIComponent(w.s.HOSTILE)}&tag=${encodeURIComponent(w.s.SCRIPT)}&owner=${encodeURIComponent(w.s.IMG)}`)],
  ["search results fragment", (w) => page(w, "/?q=evil", { headers: { "hx-request": "true", "hx-request-type": "partial" } })],
  ["namespace", (w) => page(w, "/io.github.evil")],
  ["overview", (w) => page(w, `/${NAME}`)],
  ["overview named by its npm package, with an icon", (w) => page(w, `/${UNTITLED}`)],
  ["tools", (w) => page(w, `/${NAME}/tools`)],
  ["connect", (w) => page(w, `/${NAME}/connect`)],
  ["connect posted back", (w) => page(w, `/${NAME}/connect`, post(w, { [`config.${w.s.SCRIPT}`]: w.s.HOSTILE, [`config.${w.s.IMG}`]: w.s.IMG, apiKey: w.s.HOSTILE }))],
  ["connect snippets", (w) => page(w, `/${NAME}/connect/snippets`, post(w, { [`config.${w.s.SCRIPT}`]: w.s.HOSTILE, apiKey: `${w.s.HOSTILE}${w.s.JS_URL}` }))],
  ["playground", (w) => page(w, `/${NAME}/playground?tool=${encodeURIComponent(w.s.SCRIPT)}`)],
  ["playground tool form", (w) => page(w, `/${NAME}/playground/form?tool=${encodeURIComponent(w.s.SCRIPT)}&pg=${"a".repeat(24)}`)],
  ["deployments", (w) => page(w, `/${NAME}/deployments`)],
  ["deployment settings refused", (w) => page(w, `/${NAME}/deployments/settings`, post(w, { _csrf: w.b.csrf, maxSessions: w.s.IMG, idleTimeoutSec: w.s.TEXTAREA, "limits.memoryMiB": w.s.SINGLE, network: w.s.SCRIPT, sandbox: w.s.JS_URL })).then(refusedForm)],
  [
    "deployment settings refused (htmx)",
    (w) => page(w, `/${NAME}/deployments/settings`, { ...post(w, { _csrf: w.b.csrf, maxAgeSec: w.s.SCRIPT, "limits.pids": w.s.IMG }), headers: w.b.post({ "hx-request": "true", "hx-request-type": "partial" }) }).then(refusedForm),
  ],
  ["logs", (w) => page(w, `/${NAME}/logs`)],
  ["logs filtered", (w) => page(w, `/${NAME}/logs?q=${encodeURIComponent(w.s.SCRIPT)}`)],
  [
    "publish with errors",
    (w) => {
      const body = new FormData();
      body.set("_csrf", w.b.csrf);
      body.set("manifest", JSON.stringify({ name: w.s.IMG, description: w.s.TEXTAREA }));
      body.set("name", w.s.HOSTILE);
      return page(w, "/publish", { method: "POST", body, headers: { origin: "http://localhost" } });
    },
  ],
  ["publish filled in from npm (hostile package metadata)", (w) => withNpm(w).then(() => page(w, `/publish?npm=${encodeURIComponent(`@evil/xss@${w === evil ? "evil" : "plain"}`)}`)).then((html) => (expect(html).toContain("Filled in from npm @evil/xss@1.0.0"), html))],
  ["publish from npm refused (hostile input, htmx)", (w) => withNpm(w).then(() => page(w, `/publish?npm=${encodeURIComponent(w.s.HOSTILE)}&npmName=${encodeURIComponent(w.s.IMG)}`, { headers: { "hx-request": "true", "hx-request-type": "partial" } }))],
  ["teams", (w) => page(w, "/teams")],
  ["team members", (w) => page(w, "/teams/evilteam")],
  ["team member refused", (w) => page(w, "/teams/evilteam/members", post(w, { _csrf: w.b.csrf, email: `${w.s.HOSTILE}x`, role: "member" }))],
  ["team name refused", (w) => page(w, "/teams", post(w, { _csrf: w.b.csrf, name: `${w.s.HOSTILE} !` }))],
  ["login", (w) => w.t.request(`/login?next=${encodeURIComponent(`/${w.s.HOSTILE}`)}`).then((r) => r.text())],
  ["login failed", (w) => w.t.request("/login", { method: "POST", body: form({ email: w.s.HOSTILE, password: "x", next: w.s.JS_URL }), headers: { "content-type": "application/x-www-form-urlencoded" } }).then((r) => r.text())],
  ["not found", (w) => page(w, `/${encodeURIComponent(w.s.SCRIPT)}/x`)],
  [
    "tool result",
    async ({ s }) =>
      String(
        ToolResult({
          tool: s.SCRIPT,
          ms: 3,
          result: {
            content: [
              { type: "text", text: s.HOSTILE },
              { type: "image", mimeType: `image/png${s.IMG}`, data: "AAAA" },
              { type: "image", mimeType: "image/png", data: `AAAA${s.IMG}` },
              { type: "resource_link", uri: s.JS_URL, name: s.SCRIPT },
              { type: "resource", resource: { uri: s.SCRIPT, text: s.HOSTILE } },
              { type: s.IMG },
            ],
            structuredContent: { [s.SCRIPT]: s.IMG },
          },
        }),
      ),
  ],
  ["tool error", async ({ s }) => String(ToolResult({ tool: s.IMG, error: s.HOSTILE }))],
  ["deploy progress", async ({ s }) => String(DeployProgressView({ progress: { percent: 50, label: s.SCRIPT, message: s.HOSTILE, state: "failed" }, base: `/${NAME}` }))],
  ["log line", async ({ s }) => String(LogLine({ line: { at: 0, stream: "stderr", text: s.HOSTILE, session: s.IMG } }))],
];

let evil: World;
let plain: World;
// An npm registry serving each world's strings as a package's metadata (dist-tag "evil" or "plain").
let registry: ReturnType<typeof Bun.serve>;
async function withNpm(w: World): Promise<void> {
  w.t.ctx.config = { ...w.t.ctx.config, npmRegistry: registry.url.href.replace(/\/$/, "") };
}
beforeAll(async () => {
  registry = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(r) {
      const tag = /^\/@evil%2fxss\/(evil|plain)$/.exec(new URL(r.url).pathname)?.[1];
      if (!tag) return new Response("", { status: 404 });
      const s = tag === "evil" ? EVIL : PLAIN;
      return Response.json({ name: "@evil/xss", version: "1.0.0", description: s.HOSTILE, mcpName: `io.github.evil/${s.TEXTAREA}`, homepage: `https://example.com/${s.IMG}`, bin: { x: "x.js" } });
    },
  });
  [evil, plain] = await Promise.all([seed(EVIL), seed(PLAIN)]);
});
afterAll(() => {
  registry.stop(true);
  for (const w of [evil, plain]) {
    w.t.close();
    w.dir.cleanup();
  }
});

describe("every page escapes hostile data", () => {
  for (const [label, render] of CASES) {
    it(label, async () => {
      const [bad, good] = await Promise.all([render(evil), render(plain)]);
      expect(await audit(bad)).toEqual([]);
      expect(await structure(bad)).toEqual(await structure(good));
    });
  }

  it("the audit itself catches what it looks for", async () => {
    const bad = `<script>alert(1)</script><img src=x onerror=alert(1)><a href=" javascript:alert(1)">x</a><iframe></iframe><form action="https://evil.example/"></form>`;
    expect(new Set((await audit(bad)).map((f) => f.what))).toEqual(new Set(["inline script content", "script not from /static", "event handler attribute", "img source", "script URL", "unexpected element", "form to another site"]));
  });

  it("drops script URLs from links and icons instead of escaping them", async () => {
    const html = await page(evil, `/${NAME}`);
    expect(html).not.toContain(EVIL.JS_URL);
    expect(html).not.toContain("<img");
  });
});
