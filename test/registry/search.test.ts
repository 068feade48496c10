import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import type { User } from "../../src/accounts/users.ts";
import { servers } from "../../src/db/schema.ts";
import { normaliseServerJson } from "../../src/registry/manifest-server-json.ts";
import { publishVersion } from "../../src/registry/publish.ts";
import { searchPageJson } from "../../src/registry/api-shape.ts";
import { planPage, type Limits, type Listing } from "../../src/registry/search-plan.ts";
import { parseSearchQuery, searchServers } from "../../src/registry/search.ts";
import { recordSnapshot } from "../../src/registry/snapshots.ts";
import { ANONYMOUS, visibleSql, type Viewer } from "../../src/registry/visibility.ts";
import { testApp } from "../helpers/app.ts";
import { adminWithKey, plainUserWithKey, serverJson } from "../helpers/registry.ts";

let t: ReturnType<typeof testApp>;
let admin: User;
beforeEach(async () => {
  t = testApp();
  admin = (await adminWithKey(t.ctx)).user;
});
afterEach(() => t.close());

function add(name: string, overrides: Record<string, unknown> = {}) {
  return publishVersion(t.ctx.dbh, admin, { manifest: normaliseServerJson(serverJson(name, overrides)) });
}
function set(name: string, values: Partial<typeof servers.$inferInsert>) {
  t.ctx.dbh.db.update(servers).set(values).where(eq(servers.qualifiedName, name)).run();
}
const names = (q: string) => searchServers(t.ctx.dbh, ANONYMOUS, q).hits.map((h) => h.qualifiedName);

describe("search relevance", () => {
  it("an exact name match beats a description mention", () => {
    add("io.github.a/notes", { description: "Keeps notes; syncs with github issues" });
    add("io.github.b/github", { description: "Repositories and pull requests" });
    expect(names("github")[0]).toBe("io.github.b/github");
  });

  it("a deployed server outranks an equal undeployed one", () => {
    add("io.github.a/weather", { description: "Forecasts for any city" });
    add("io.github.b/weather", { description: "Forecasts for any city" });
    set("io.github.b/weather", { deployed: true });
    expect(names("weather")).toEqual(["io.github.b/weather", "io.github.a/weather"]);
  });

  it("use count breaks ties", () => {
    add("io.github.a/weather", { description: "Forecasts for any city" });
    add("io.github.b/weather", { description: "Forecasts for any city" });
    set("io.github.a/weather", { useCount: 50 });
    expect(names("weather")[0]).toBe("io.github.a/weather");
  });

  it("matches word prefixes as you type", () => {
    add("io.github.a/postgres", { description: "Query databases" });
    expect(names("postg")).toEqual(["io.github.a/postgres"]);
    expect(names("datab")).toEqual(["io.github.a/postgres"]);
  });

  it("finds servers by their tools once listed", () => {
    const p = add("io.github.a/utility", { description: "Assorted helpers" });
    expect(names("geocode")).toEqual([]);
    recordSnapshot(t.ctx.dbh, p.versionId, { tools: [{ name: "geocode_address", description: "Turns an address into coordinates" }], prompts: [], resources: [] });
    expect(names("geocode")).toEqual(["io.github.a/utility"]);
    expect(names("coordinates")).toEqual(["io.github.a/utility"]);
  });
});

describe("search filters", () => {
  beforeEach(() => {
    add("io.github.acme/db", { description: "A database server" });
    add("io.github.other/db", { description: "Another database server" });
    set("io.github.acme/db", { tags: ["database", "sql"], verified: true });
    set("io.github.other/db", { deployed: true });
  });

  it("owner:, tag:, is:verified and is:deployed narrow results", () => {
    expect(names("owner:io.github.acme database")).toEqual(["io.github.acme/db"]);
    expect(names("tag:sql")).toEqual(["io.github.acme/db"]);
    expect(names("is:verified")).toEqual(["io.github.acme/db"]);
    expect(names("is:deployed database")).toEqual(["io.github.other/db"]);
  });

  it("parses filters out of the words", () => {
    expect(parseSearchQuery("owner:acme is:deployed tag:DB github issues")).toEqual({ words: ["github", "issues"], owner: "acme", tags: ["db"], deployed: true });
  });

  it("treats FTS syntax and SQL as plain words", () => {
    for (const q of ['"', "NEAR(a b)", "db OR 1=1; DROP TABLE servers; --", "*", "a AND", "title:db", "^db", "'); --"]) {
      expect(() => searchServers(t.ctx.dbh, ANONYMOUS, q)).not.toThrow();
    }
    expect(names("db OR 1=1")).toEqual([]);
  });

  it("paginates with totals", () => {
    for (let i = 0; i < 25; i++) add(`io.github.page/s${i}`, { description: "paginated thing" });
    const p1 = searchServers(t.ctx.dbh, ANONYMOUS, "paginated", 1, 10);
    const p3 = searchServers(t.ctx.dbh, ANONYMOUS, "paginated", 3, 10);
    expect(p1.total).toBe(25);
    expect(p1.hits).toHaveLength(10);
    expect(p3.hits).toHaveLength(5);
  });
});

describe("GET /api/v1/servers", () => {
  it("answers Smithery's list shape", async () => {
    add("io.github.acme/weather", { title: "Weather", description: "Forecasts" });
    const body = await (await t.request("/api/v1/servers?q=weather&pageSize=5")).json();
    expect(body.pagination).toEqual({ currentPage: 1, pageSize: 5, totalPages: 1, totalCount: 1, totalCountExact: true });
    expect(body.servers[0]).toMatchObject({ qualifiedName: "io.github.acme/weather", displayName: "Weather", description: "Forecasts", isDeployed: false, useCount: 0 });
  });

  it("refuses a pageSize over 100", async () => {
    expect((await t.request("/api/v1/servers?pageSize=1000")).status).toBe(422);
  });

  it("details a server with its connections and config schema", async () => {
    add("io.github.acme/mail", {
      packages: [{ registryType: "npm", identifier: "@acme/mail", version: "1.0.0", transport: { type: "stdio" }, environmentVariables: [{ name: "MAIL_TOKEN", isSecret: true, isRequired: true, description: "API token" }] }],
    });
    const body = await (await t.request("/api/v1/servers/io.github.acme/mail")).json();
    expect(body.connections.map((c: { type: string; url: string }) => [c.type, c.url])).toEqual([
      ["ws", "ws://127.0.0.1:0/io.github.acme/mail/ws"],
      ["http", "http://127.0.0.1:0/io.github.acme/mail/mcp"],
    ]);
    expect(body.connections[0].configSchema.required).toEqual(["MAIL_TOKEN"]);
    expect(body.tools).toBeNull();
    expect(body.toolsStatus).toBe("not-listed");
  });
});

// planPage with shrunk thresholds runs the plans a 100k-server catalog gets on a dozen servers.
function planned(q: string, page: number, size: number, limits: Limits) {
  const found = planPage(t.ctx.dbh.sqlite, { ...visibleSql(ANONYMOUS), publicOnly: true }, parseSearchQuery(q), (page - 1) * size, size, limits);
  const byId = new Map(t.ctx.dbh.db.select({ id: servers.id, name: servers.qualifiedName }).from(servers).all().map((r) => [r.id, r.name]));
  return { ...found, names: found.ids.map((id) => byId.get(id)) };
}
function allPages(q: string, limits: Limits): (string | undefined)[] {
  const out: (string | undefined)[] = [];
  for (let page = 1; page < 50; page++) {
    const { names } = planned(q, page, 2, limits);
    if (names.length === 0) break;
    out.push(...names);
  }
  return out;
}

describe("search past the ranking limit", () => {
  beforeEach(() => {
    add("io.github.a/weather", { description: "Forecasts" });
    add("io.github.b/weather-maps", { description: "Radar" });
    for (let i = 0; i < 6; i++) {
      add(`io.github.m${i}/notes${i}`, { description: `Notes that mention the weather, number ${i}` });
      set(`io.github.m${i}/notes${i}`, { useCount: i * 10, tags: i % 2 ? ["log"] : [] });
    }
    add("io.github.weather/tools", { description: "Assorted tools" });
  });

  it("puts name matches first, mentions next in use order, namespace-only matches last", () => {
    const { names, total, totalExact } = planned("weather", 1, 20, { rankLimit: 3, totalCap: 100 });
    expect([total, totalExact]).toEqual([9, true]);
    expect(names.slice(0, 2).sort()).toEqual(["io.github.a/weather", "io.github.b/weather-maps"]);
    expect(names.slice(2, 8)).toEqual([5, 4, 3, 2, 1, 0].map((i) => `io.github.m${i}/notes${i}`));
    expect(names[8]).toBe("io.github.weather/tools");
  });

  it("pages through every tier the same way whichever listing is used", () => {
    const everything = allPages("weather", { rankLimit: 100, totalCap: 100 });
    expect(new Set(everything).size).toBe(9);
    const byListing = (["probe", "gather", "scan"] as Listing[]).map((listing) => allPages("weather", { rankLimit: 1, totalCap: 100, listing }));
    for (const names of byListing) {
      expect(names).toEqual(byListing[0]!);
      expect(new Set(names)).toEqual(new Set(everything));
    }
    const tagged = (["probe", "gather", "scan"] as Listing[]).map((listing) => allPages("tag:log", { rankLimit: 1, totalCap: 100, listing }));
    for (const names of tagged) expect(names).toEqual(["io.github.m5/notes5", "io.github.m3/notes3", "io.github.m1/notes1"]);
  });

  it("reports a total past the cap as a lower bound, in the API too", () => {
    const found = planned("weather", 1, 20, { rankLimit: 3, totalCap: 4 });
    expect([found.total, found.totalExact]).toEqual([4, false]);
    expect(found.ids).toHaveLength(9);
    const json = searchPageJson({ hits: [], total: found.total, totalExact: found.totalExact, page: 1, pageSize: 2 });
    expect(json.pagination).toEqual({ currentPage: 1, pageSize: 2, totalPages: 2, totalCount: 4, totalCountExact: false });
  });
});

describe("search index upkeep", () => {
  it("lists servers without words deployed first, then by use count", () => {
    for (const n of ["a", "b", "c"]) add(`io.github.${n}/thing`);
    set("io.github.a/thing", { useCount: 5 });
    set("io.github.b/thing", { useCount: 9 });
    set("io.github.c/thing", { deployed: true });
    expect(names("")).toEqual(["io.github.c/thing", "io.github.b/thing", "io.github.a/thing"]);
  });

  it("hides a server made private from others, and counts it for its owner", async () => {
    const owner = plainUserWithKey(t.ctx, "owner@example.com").user;
    publishVersion(t.ctx.dbh, owner, { manifest: normaliseServerJson(serverJson("io.github.owner/secret", { description: "Internal ledger" })) });
    add("io.github.other/ledger", { description: "Public ledger" });
    set("io.github.owner/secret", { visibility: "private" });
    const as = (viewer: Viewer) => searchServers(t.ctx.dbh, viewer, "ledger");
    expect(as(ANONYMOUS).hits.map((h) => h.qualifiedName)).toEqual(["io.github.other/ledger"]);
    expect(as(ANONYMOUS).total).toBe(1);
    expect(as({ userId: owner.id, isAdmin: false }).total).toBe(2);
    expect(as({ userId: owner.id, isAdmin: false }).hits.map((h) => h.qualifiedName).sort()).toEqual(["io.github.other/ledger", "io.github.owner/secret"]);
    expect(as({ userId: admin.id, isAdmin: true }).total).toBe(2);
    expect(searchServers(t.ctx.dbh, ANONYMOUS, "owner:io.github.owner").total).toBe(0);
  });

  it("expands a long prefix to each of its completions, however many", () => {
    for (const n of ["postgres", "postgresql", "postgrest"]) add(`io.github.a/${n}`);
    expect(names("postgr").sort()).toEqual(["io.github.a/postgres", "io.github.a/postgresql", "io.github.a/postgrest"]);
    for (let i = 0; i < 30; i++) add(`io.github.z/z${i}`, { description: `zeta${i}word` });
    expect(searchServers(t.ctx.dbh, ANONYMOUS, "zeta", 1, 100).total).toBe(30);
    expect(searchServers(t.ctx.dbh, ANONYMOUS, "zeta1", 1, 100).total).toBe(11);
  });

  it("folds case and accents the same way for servers and queries", () => {
    add("io.github.a/cafe", { description: "Finds a Café near the Straße" });
    expect(names("cafe")).toEqual(["io.github.a/cafe"]);
    expect(names("CAFÉ")).toEqual(["io.github.a/cafe"]);
    expect(names("strasse")).toEqual([]);
  });

  it("matches a tag exactly, whatever characters it has", () => {
    add("io.github.a/cpp", { description: "Compiler" });
    add("io.github.b/c", { description: "Compiler" });
    set("io.github.a/cpp", { tags: ["C++", "Data Science"] });
    set("io.github.b/c", { tags: ["c"] });
    expect(names("tag:c++")).toEqual(["io.github.a/cpp"]);
    expect(names("tag:c")).toEqual(["io.github.b/c"]);
    expect(names("tag:data")).toEqual([]);
  });

  it("keeps every indexed word in the vocabulary prefixes are expanded from", () => {
    const p = add("io.github.a/mixed", { title: "Ærøskøbing ﬁles", description: "naïve 日本語 ①②  x² tab\tnew" });
    recordSnapshot(t.ctx.dbh, p.versionId, { tools: [{ name: "get_Ærø-data", description: "Über" }], prompts: [], resources: [] });
    const sqlite = t.ctx.dbh.sqlite;
    sqlite.exec("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, servers_fts, row)");
    const missing = sqlite.query("SELECT term FROM temp.vocab WHERE substr(term, 1, 1) NOT IN (char(57344), char(57345)) AND term NOT IN (SELECT term FROM search_terms)").all();
    expect(missing).toEqual([]);
  });

  it("drops a deleted server from the index", () => {
    const p = add("io.github.a/gone", { description: "Ephemeral" });
    t.ctx.dbh.sqlite.query("DELETE FROM server_versions WHERE server_id = ?").run(p.serverId);
    t.ctx.dbh.db.delete(servers).where(eq(servers.id, p.serverId)).run();
    expect((t.ctx.dbh.sqlite.query("SELECT count(*) AS n FROM servers_fts WHERE rowid = ?").get(p.serverId) as { n: number }).n).toBe(0);
    expect(searchServers(t.ctx.dbh, ANONYMOUS, "ephemeral").total).toBe(0);
  });
});
