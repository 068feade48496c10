import { afterEach, describe, expect, it } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createApiKey } from "../../src/accounts/api-keys.ts";
import { upsertAdmin } from "../../src/accounts/users.ts";
import { testApp } from "../helpers/app.ts";
import { form } from "../ui/ui-helpers.ts";
import { pathFor, ROUTES, requestFor, world } from "./authz-routes.ts";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
function fresh() {
  const x = world();
  cleanups.push(() => x.t.close());
  return x;
}

// Everything a state-changing request could have changed, as one comparable value.
function fingerprint(t: ReturnType<typeof testApp>): string {
  const q = (sql: string) => JSON.stringify(t.ctx.dbh.sqlite.query(sql).all());
  return [
    q("SELECT name FROM teams ORDER BY id"),
    q("SELECT team_id, user_id, role FROM team_members ORDER BY team_id, user_id"),
    q("SELECT server_id, version FROM server_versions ORDER BY id"),
    q("SELECT count(*) AS n FROM web_sessions"),
    q("SELECT name, kind, team_id, owner_user_id FROM namespaces ORDER BY id"),
  ].join("\n");
}

describe("session fixation", () => {
  async function signIn(t: ReturnType<typeof testApp>, planted: string) {
    // The form is fetched first (a live planted session would skip it), then posted with the planted cookie.
    const page = await t.request("/login");
    const formCookie = page.headers.getSetCookie()[0]!.split(";")[0]!;
    const token = /name="_login" value="([^"]+)"/.exec(await page.text())![1]!;
    return t.request("/login", {
      method: "POST",
      body: form({ email: "victim@example.com", password: "victim password 1", _login: token }),
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://localhost", cookie: `hearth_session=${planted}; ${formCookie}` },
    });
  }
  const me = (t: ReturnType<typeof testApp>, token: string) => t.request("/api/v1/me", { headers: { cookie: `hearth_session=${token}` } });

  it("a session id chosen by an attacker before sign-in is never honoured after it", async () => {
    const { t } = fresh();
    await upsertAdmin(t.ctx.dbh.db, { email: "victim@example.com", password: "victim password 1" });
    const planted = "attacker-chosen-session-id-0123456789abcdef";
    const r = await signIn(t, planted);
    expect(r.status).toBe(303);
    const issued = /hearth_session=([^;]+)/.exec(r.headers.getSetCookie().join("\n"))![1]!;
    expect(issued).not.toBe(planted);
    expect((await me(t, planted)).status).toBe(401);
    expect(((await (await me(t, issued)).json()) as { email: string }).email).toBe("victim@example.com");
  });

  it("an attacker's own live session planted in the victim's browser never becomes the victim's", async () => {
    const { t, w } = fresh();
    await upsertAdmin(t.ctx.dbh.db, { email: "victim@example.com", password: "victim password 1" });
    const attackerToken = w.outsider.cookie.slice("hearth_session=".length);
    const r = await signIn(t, attackerToken);
    const issued = /hearth_session=([^;]+)/.exec(r.headers.getSetCookie().join("\n"))![1]!;
    expect(issued).not.toBe(attackerToken);
    // Signing in ends whatever session the browser already carried, so the planted token is dead.
    expect((await me(t, attackerToken)).status).toBe(401);
    expect(((await (await me(t, issued)).json()) as { email: string }).email).toBe("victim@example.com");
  });
});

describe("CSRF", () => {
  // Every state-changing form of the app (setup is guarded by its one-time token; sign-in by its own double-submit cookie).
  const forms = Object.entries(ROUTES).filter(([, row]) => row.method === "POST" && row.form && !["/setup", "/login"].includes(row.path));

  for (const [route, row] of forms) {
    it(`${route} refuses another origin and a missing token, changing nothing`, async () => {
      const x = fresh();
      const { t, w } = x;
      const path = pathFor(x, row);
      const before = fingerprint(t);
      const legit = requestFor(w, row, "admin", 0);
      const headers = legit.headers as Record<string, string>;
      for (const origin of ["https://evil.example", "null", "http://localhost.evil.example"]) {
        const r = await t.request(path, { ...legit, headers: { ...headers, origin } });
        expect([origin, r.status]).toEqual([origin, 403]);
      }
      // The Connect tab's snippet forms change nothing on the server and are open to anonymous
      // visitors, and an invitation is accepted before any session exists (its unguessable link is
      // the token): Origin only.
      if (!/\/connect(\/snippets)?$/.test(row.path) && !row.path.startsWith("/invite/")) {
        const body = new URLSearchParams(String(legit.body));
        body.delete("_csrf");
        expect((await t.request(path, { ...legit, body: body.toString() })).status).toBe(403);
        body.set("_csrf", w.outsider.csrf); // someone else's valid token
        expect((await t.request(path, { ...legit, body: body.toString() })).status).toBe(403);
      }
      expect(fingerprint(t)).toBe(before);
    });
  }
});

describe("search injection", () => {
  // acme/secret's description: what a leaked result would show (queries may echo the name itself).
  const SECRET_TEXT = "acme/secret does things";
  const HOSTILE = [
    `'; DROP TABLE servers; --`,
    `" OR 1=1 --`,
    `secret" OR "1"="1`,
    `NEAR(secret acme) OR *`,
    `secret*`,
    `{facets}: private`,
    `facets:private`,
    `owner:acme' OR '1'='1`,
    `owner:acme/secret`,
    `tag:") OR 1=1 --`,
    `is:deployed AND visibility:private`,
    `\u0000secret`,
    `%' OR 1=1 --`,
    `secret) OR (1`,
    `-secret ^acme`,
  ];

  it("hostile queries are words, never SQL or FTS syntax, and private servers stay hidden", async () => {
    const { t, w } = fresh();
    for (const q of HOSTILE) {
      for (const auth of [undefined, w.outsider.bearer]) {
        const r = await t.request(`/api/v1/servers?q=${encodeURIComponent(q)}`, auth ? { headers: { authorization: auth } } : {});
        expect([q, r.status]).toEqual([q, 200]);
        expect(await r.text()).not.toContain(SECRET_TEXT);
        const official = await t.request(`/v0.1/servers?search=${encodeURIComponent(q)}`, auth ? { headers: { authorization: auth } } : {});
        expect([q, official.status]).toEqual([q, 200]);
        expect(await official.text()).not.toContain(SECRET_TEXT);
        for (const sort of ["relevance", "name", "recent", "popular"]) {
          const page = await t.request(`/?q=${encodeURIComponent(q)}&sort=${sort}`, auth ? { headers: { cookie: w.outsider.cookie } } : {});
          expect([q, sort, page.status]).toEqual([q, sort, 200]);
          expect(await page.text()).not.toContain(SECRET_TEXT);
        }
      }
    }
    expect((t.ctx.dbh.sqlite.query("SELECT count(*) AS n FROM servers").get() as { n: number }).n).toBe(3);
  });

  it("the team's member still finds its private server with the same words", async () => {
    const { t, w } = fresh();
    for (const q of ['"secret"*', "secret'--", "secret)"]) {
      const r = await t.request(`/api/v1/servers?q=${encodeURIComponent(q)}`, { headers: { authorization: w.member.bearer } });
      expect([q, await r.text()]).toEqual([q, expect.stringContaining("acme/secret does things")]);
    }
  });
});

describe("path traversal", () => {
  it("refuses traversal in server names on publish (422 with a pointer), whoever asks", async () => {
    const { t, w } = fresh();
    for (const name of ["acme/..", "../acme", "acme/../../etc", "acme/x/../y", "./x", "acme/.", "..%2Facme/x", "acme/x%00", "acme\\..\\x"]) {
      const r = await t.request("/api/v1/servers", { method: "POST", headers: { authorization: w.admin.bearer, "content-type": "application/json" }, body: JSON.stringify({ name, description: "x", version: "1.0.0" }) });
      expect([name, r.status]).toEqual([name, 422]);
    }
  });

  it("refuses traversal in team names, and traversal in paths finds nothing", async () => {
    const { t, w } = fresh();
    for (const name of ["..", ".", "a/../b", "..%2F..", "acme/..", "\\..\\"]) {
      const r = await t.request("/api/v1/teams", { method: "POST", headers: { authorization: w.admin.bearer, "content-type": "application/json" }, body: JSON.stringify({ name }) });
      expect([name, r.status]).toEqual([name, 422]);
    }
    for (const path of ["/api/v1/teams/..%2Facme", "/api/v1/servers/..%2Facme/secret", "/teams/..%2F..%2Fetc", "/acme/..%2Fsecret", "/v0.1/servers/acme%2F..%2Fsecret/versions", "/static/..%2F..%2Fpackage.json", "/static/%2e%2e%2fpackage.json"]) {
      const r = await t.request(path, { headers: path.startsWith("/teams") ? { cookie: w.admin.cookie } : { authorization: w.admin.bearer } });
      expect([path, r.status]).toEqual([path, 404]);
    }
    const del = await t.request("/api/v1/teams/acme/members/..%2F..%2Fowner%40example.com", { method: "DELETE", headers: { authorization: w.admin.bearer } });
    expect(del.status).toBe(404);
  });

  it("stores uploads by content hash: a hostile file name can't choose where bytes land", async () => {
    const { tempDir } = await import("../helpers/temp.ts");
    const dir = tempDir("hearth-traversal-");
    cleanups.push(dir.cleanup);
    const t = testApp({ data: join(dir.path, "data") });
    cleanups.push(() => t.close());
    const { user } = await upsertAdmin(t.ctx.dbh.db, { email: "a@example.com", password: "admin password 1" });
    const { createApiKey } = await import("../../src/accounts/api-keys.ts");
    const { key } = createApiKey(t.ctx.dbh.db, user.id, { name: "k", scopes: ["publish"] });
    const body = new FormData();
    body.set("file", new File([JSON.stringify({ name: "acme/up", description: "x", version: "1.0.0", packages: [{ registryType: "npm", identifier: "up", version: "1.0.0", transport: { type: "stdio" } }] })], "../../../escaped.json"));
    body.set("artifact", new File(["not really a tarball"], "../../../escaped.tgz"));
    const r = await t.request("/api/v1/servers", { method: "POST", body, headers: { authorization: `Bearer ${key}` } });
    expect(r.status).toBeLessThan(500);
    const { readdirSync } = await import("node:fs");
    expect(readdirSync(dir.path)).toEqual(["data"]);
    for (const f of readdirSync(join(dir.path, "data", "artifacts"))) expect(f).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("API keys and Authorization headers", () => {
  it("compares key hashes, CSRF tokens, sign-in form tokens and setup tokens with timingSafeEqual", () => {
    const src = (f: string) => readFileSync(join(import.meta.dir, "..", "..", "src", f), "utf8");
    // Code review, pinned: each secret comparison goes through timingSafeEqual and never through ===.
    const api = src("accounts/api-keys.ts");
    const auth = api.slice(api.indexOf("export function authenticateApiKey"), api.indexOf("/** revokeApiKey"));
    expect(auth).toContain("timingSafeEqual(given, stored)");
    expect(auth).not.toMatch(/hash\s*[!=]==|[!=]==\s*\w*\.hash/);
    expect(src("ui/csrf.ts")).toMatch(/timingSafeEqual\(x, y\)/);
    expect(src("ui/login-routes.ts")).toMatch(/timingSafeEqual\(Buffer\.from\(a\), Buffer\.from\(b\)\)/);
    expect(src("accounts/setup-token.ts")).toMatch(/timingSafeEqual\(a, b\)/);
  });

  it("a key with the right prefix and a wrong secret is refused", async () => {
    const { t, w } = fresh();
    const real = w.keys.read;
    const forged = real.slice(0, -6) + (real.endsWith("AAAAAA") ? "BBBBBB" : "AAAAAA");
    expect((await t.request("/api/v1/me", { headers: { authorization: `Bearer ${real}` } })).status).toBe(200);
    expect((await t.request("/api/v1/me", { headers: { authorization: `Bearer ${forged}` } })).status).toBe(401);
  });

  it("oversized and malformed Authorization headers are 401 (never anonymous, never 500)", async () => {
    const { t, w } = fresh();
    const key = w.keys.read;
    const bad = [
      `Bearer ${"a".repeat(600)}`,
      `Bearer ${"hth_".padEnd(64 * 1024, "x")}`,
      "Bearer",
      "Bearer ",
      `Bearer ${key} extra`,
      `Bearer ${key}, Bearer ${key}`,
      `Bearer ${key}é`,
      `Bearer "${key}"`,
      `Bearer\u00a0${key}`,
      `Bearer ${key.toUpperCase()}`,
      `Bearer hth_${"A".repeat(12)}_${"B".repeat(40)}`,
      "Bearer ' OR 1=1 --",
    ];
    for (const h of bad) {
      // Public data too: a bad credential is refused, not quietly downgraded to anonymous.
      const r = await t.request("/api/v1/servers", { headers: { authorization: h } });
      expect([h.slice(0, 40), r.status]).toEqual([h.slice(0, 40), 401]);
    }
    const longQuery = await t.request(`/api/v1/servers?api_key=${"x".repeat(32 * 1024)}`);
    expect(longQuery.status).toBe(401);
    for (const ok of [`bearer ${key}`, `Bearer  ${key}  `, `BEARER\t${key}`]) expect((await t.request("/api/v1/me", { headers: { authorization: ok } })).status).toBe(200);
    // Another scheme (a proxy's Basic auth) is not ours: ignored, not refused.
    expect((await t.request("/api/v1/servers", { headers: { authorization: "Basic dXNlcjpwYXNz" } })).status).toBe(200);
    expect((await t.request("/api/v1/me", { headers: { authorization: "Basic dXNlcjpwYXNz" } })).status).toBe(401);
    // An oversized session cookie is no session, not an error.
    expect((await t.request("/api/v1/me", { headers: { cookie: `hearth_session=${"x".repeat(16 * 1024)}` } })).status).toBe(401);
  });
});

describe("a private server's existence", () => {
  // Every route that names acme/secret, asked by an outsider and by an anonymous visitor, answers
  // exactly as it does for acme/nosuch: same status, same body but for the name.
  const named = Object.entries(ROUTES).filter(([, row]) => /acme(\/|%2F)secret/.test(row.path));

  for (const [route, row] of named) {
    it(`${route}: hidden and missing are indistinguishable`, async () => {
      const x = fresh();
      const { t, w } = x;
      for (const who of ["outsider", "anonymous"] as const) {
        const hidden = await t.request(pathFor(x, row), requestFor(w, row, who, 1));
        const missing = await t.request(pathFor(x, row).replace(/secret/, "nosuch"), requestFor(w, row, who, 1));
        expect([who, hidden.status]).toEqual([who, missing.status]);
        expect(hidden.status).not.toBe(403);
        const norm = async (r: Response) => (await r.text()).replaceAll(/secret|nosuch/g, "NAME");
        expect(await norm(hidden)).toBe(await norm(missing));
      }
    });
  }
});

describe("API keys on pages", () => {
  it("a key restricted to another namespace can't open a server's management pages", async () => {
    const { t, w } = fresh();
    const { key } = createApiKey(t.ctx.dbh.db, w.publisher.user.id, { name: "other only", scopes: ["read", "connect", "publish"], namespace: "other" });
    for (const path of ["/acme/secret/logs", "/acme/secret/deployments", "/acme/secret/deployments/progress"]) {
      expect([path, (await t.request(path, { headers: { authorization: `Bearer ${key}` } })).status]).toEqual([path, 403]);
      expect([path, (await t.request(path, { headers: { authorization: w.publisher.bearer } })).status]).toEqual([path, 200]);
    }
  });

  it("an administrator's key without the admin scope can't open the admin pages", async () => {
    const { t, w } = fresh();
    const { key } = createApiKey(t.ctx.dbh.db, w.admin.user.id, { name: "connect only", scopes: ["read", "connect"] });
    for (const path of ["/admin", "/admin/stats", "/admin/audit"]) {
      expect([path, (await t.request(path, { headers: { authorization: `Bearer ${key}` } })).status]).toEqual([path, 403]);
      expect([path, (await t.request(path, { headers: { authorization: w.admin.bearer } })).status]).toEqual([path, 200]);
    }
  });
});
