import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import type { User } from "../../src/accounts/users.ts";
import { servers } from "../../src/db/schema.ts";
import { normaliseServerJson } from "../../src/registry/manifest-server-json.ts";
import { publishVersion } from "../../src/registry/publish.ts";
import { parseSearchQuery, searchServers } from "../../src/registry/search.ts";
import { recordSnapshot } from "../../src/registry/snapshots.ts";
import { ANONYMOUS } from "../../src/registry/visibility.ts";
import { testApp } from "../helpers/app.ts";
import { adminWithKey, serverJson } from "../helpers/registry.ts";

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
    expect(body.pagination).toEqual({ currentPage: 1, pageSize: 5, totalPages: 1, totalCount: 1 });
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
