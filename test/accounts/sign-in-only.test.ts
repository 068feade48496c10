import { afterEach, describe, expect, it } from "bun:test";
import { createInvitation } from "../../src/accounts/invitations.ts";
import { testApp } from "../helpers/app.ts";
import { teamWorld, type TeamWorld } from "../helpers/teams.ts";
import { pathFor, ROUTES, requestFor, world } from "../security/authz-routes.ts";

let t: ReturnType<typeof testApp>;
let w: TeamWorld;
afterEach(() => t.close());
function start(publicRead: string) {
  t = testApp({ "public-read": publicRead });
  w = teamWorld(t.ctx);
}

describe("--public-read=false", () => {
  it("answers anonymous API calls 401, including unknown paths and connection endpoints", async () => {
    start("false");
    for (const path of ["/api/v1/servers", "/api/v1/servers/acme/open", "/v0.1/servers", "/v0/servers", "/api/openapi.json", "/api/v1/nothing-here", "/acme/open/mcp"]) {
      const r = await t.request(path, { headers: { accept: "application/json" } });
      expect([path, r.status]).toEqual([path, 401]);
      expect(r.headers.get("www-authenticate")).toContain("Bearer");
    }
    const post = await t.request("/acme/open/mcp", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(post.status).toBe(401);
  });

  it("sends anonymous page visits to sign in, coming back afterwards", async () => {
    start("false");
    for (const path of ["/", "/acme", "/acme/open", "/acme/open/tools", "/acme/open/connect", "/teams", "/no/such/page"]) {
      const r = await t.request(`${path}?x=1`);
      expect([path, r.status]).toEqual([path, 303]);
      expect(r.headers.get("location")).toBe(`/login?next=${encodeURIComponent(`${path}?x=1`)}`);
    }
  });

  it("lets an invitee open their one-time link and set a password (the way in for a new member)", async () => {
    start("false");
    const inv = createInvitation(t.ctx.dbh.db, w.admin.user.id, { email: "new@example.com", role: "user", ttlMs: 60_000 });
    expect((await t.request(`/invite/${inv.token}`)).status).toBe(200);
    expect((await t.request("/invite/never-issued")).status).toBe(404);
    const accept = await t.request(`/invite/${inv.token}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://localhost" }, body: "password=a+long+enough+password" });
    expect(accept.status).toBe(303);
    expect(accept.headers.getSetCookie().join(";")).toContain("hearth_session=");
  });

  it("still serves health, readiness, sign-in, setup and assets to anyone", async () => {
    start("false");
    for (const path of ["/healthz", "/readyz", "/login", "/static/app.css"]) expect([path, (await t.request(path)).status]).toEqual([path, 200]);
    // CORS preflights carry no credentials by design.
    expect((await t.request("/v0.1/servers", { method: "OPTIONS" })).status).toBe(204);
    // Setup answers for itself (404 once an admin exists), not with a sign-in redirect.
    expect((await t.request("/setup?token=x")).status).toBe(404);
  });

  it("lets signed-in users and keys read as usual, and refuses bad keys with 401", async () => {
    start("false");
    expect((await t.request("/api/v1/servers", { headers: { authorization: w.outsider.bearer } })).status).toBe(200);
    expect((await t.request("/acme/open", { headers: { cookie: w.outsider.cookie } })).status).toBe(200);
    expect((await t.request("/api/v1/servers", { headers: { authorization: `Bearer ${w.keys.revoked}` } })).status).toBe(401);
  });

  it("is off by default: anonymous visitors read public servers", async () => {
    start("true");
    expect((await t.request("/api/v1/servers/acme/open")).status).toBe(200);
    expect((await t.request("/acme/open")).status).toBe(200);
  });

  it("refuses anonymous callers on every route of the app but the open few", async () => {
    start("false");
    const x = world({ "public-read": "false" });
    const open = new Set(["/healthz", "/readyz", "/static/app.css", "/login", "/setup?token=guess", "/setup", "/invite/never-issued-token"]);
    try {
      for (const [route, row] of Object.entries(ROUTES)) {
        if (open.has(row.path) || row.method === "OPTIONS") continue;
        const r = await x.t.request(pathFor(x, row), requestFor(x.w, row, "anonymous", 0));
        await r.body?.cancel();
        const page = (row.method ?? "GET") === "GET" && !/^\/(api|v0|v0\.1)\//.test(row.path) && !row.path.endsWith("/mcp");
        expect([route, r.status]).toEqual([route, page ? 303 : 401]);
      }
    } finally {
      x.t.close();
    }
  });
});
