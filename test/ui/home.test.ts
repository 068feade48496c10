import { afterEach, describe, expect, it } from "bun:test";
import { catalogState, catalogUrl, joinQuery, splitQuery } from "../../src/ui/catalog-query.ts";
import { setDeploymentState } from "../../src/deploy/deployments.ts";
import { testApp } from "../helpers/app.ts";
import { adminWithKey, plainUserWithKey } from "../helpers/registry.ts";
import { browserFor, listTools, publish } from "./ui-helpers.ts";

let t: ReturnType<typeof testApp>;
afterEach(() => t?.close());

const partial = { "hx-request": "true", "hx-request-type": "partial" };

async function seeded() {
  t = testApp();
  const { user } = await adminWithKey(t.ctx);
  const gh = publish(t.ctx, user, "io.github.acme/github", { description: "Issues and pull requests" });
  listTools(t.ctx, gh.versionId, [{ name: "create_issue", inputSchema: { type: "object" } }, { name: "list_prs", inputSchema: { type: "object" } }]);
  setDeploymentState(t.ctx.dbh, gh.serverId, "ready", { versionId: gh.versionId });
  publish(t.ctx, user, "io.github.acme/postgres", { description: "Query a Postgres database" });
  publish(t.ctx, user, "io.github.other/weather", { description: "Forecasts" });
  return user;
}

describe("search state in the URL", () => {
  it("splits the query syntax into the form's controls and joins it back", () => {
    const s = splitQuery("is:deployed tag:DB owner:acme github issues is:verified");
    expect(s).toEqual({ words: "github issues", deployed: true, verified: true, tags: ["db"], owner: "acme" });
    expect(joinQuery(s)).toBe("is:deployed is:verified tag:db owner:acme github issues");
  });

  it("folds the form's filter fields into q and makes a canonical URL", () => {
    const s = catalogState(new URLSearchParams("q=github&deployed=1&tag=db, search&owner=acme&sort=recent&page=2"));
    expect(joinQuery(s)).toBe("is:deployed tag:db tag:search owner:acme github");
    expect(catalogUrl(s)).toBe("/?q=is%3Adeployed+tag%3Adb+tag%3Asearch+owner%3Aacme+github&sort=recent&page=2");
    expect(catalogUrl(catalogState(new URLSearchParams("")))).toBe("/");
  });

  it("ignores an unknown sort and a bad page", () => {
    const s = catalogState(new URLSearchParams("sort=evil&page=-3"));
    expect(s.sort).toBe("relevance");
    expect(s.page).toBe(1);
  });
});

describe("home page", () => {
  it("lists servers as cards with name, description, tool count, uses and a deployed badge", async () => {
    await seeded();
    const r = await t.request("/");
    expect(r.status).toBe(200);
    const body = await r.text();
    expect(body).toContain('<form id="search"');
    expect(body).toContain('href="/io.github.acme/github"');
    expect(body).toContain("Issues and pull requests");
    expect(body).toContain("2 tools");
    expect(body).toContain("Deployed</span>");
    expect(body).toContain("1–3 of 3 servers");
  });

  it("works as a plain GET form: filters map to the query syntax", async () => {
    await seeded();
    const body = await (await t.request("/?q=&owner=io.github.acme&deployed=1")).text();
    expect(body).toContain("io.github.acme/github");
    expect(body).not.toContain("io.github.acme/postgres");
    expect(body).toMatch(/name="deployed" value="1" checked/);
    expect(body).toContain('value="io.github.acme"');
  });

  it("answers live search with just the results and the canonical URL to push", async () => {
    await seeded();
    const r = await t.request("/?q=postgres&tag=&owner=", { headers: partial });
    expect(r.status).toBe(200);
    expect(r.headers.get("hx-push-url")).toBe("/?q=postgres");
    expect(r.headers.get("vary")).toContain("hx-request");
    const body = await r.text();
    expect(body).not.toContain("<html");
    expect(body).toContain("io.github.acme/postgres");
    expect(body).not.toContain("io.github.other/weather");
  });

  it("gives the whole page to a history restore even though htmx asked", async () => {
    await seeded();
    const body = await (await t.request("/?q=postgres", { headers: { "hx-request": "true", "hx-history-restore-request": "true" } })).text();
    expect(body).toContain("<html");
  });

  it("says so when nothing matches", async () => {
    await seeded();
    const body = await (await t.request("/?q=zzzzzz-nothing", { headers: partial })).text();
    expect(body).toContain("No servers match");
  });

  it("pages through results with links that keep the query", async () => {
    t = testApp();
    const { user } = await adminWithKey(t.ctx);
    for (let i = 0; i < 25; i++) publish(t.ctx, user, `io.github.many/server-${String(i).padStart(2, "0")}`);
    const first = await (await t.request("/?q=owner:io.github.many")).text();
    expect(first).toContain("1–20 of 25 servers");
    expect(first).toContain('href="/?q=owner%3Aio.github.many&page=2"');
    const second = await (await t.request("/?q=owner:io.github.many&page=2")).text();
    expect(second).toContain("21–25 of 25 servers");
    expect(second).toContain("Previous");
  });

  it("sorts by name, most used and recently updated", async () => {
    await seeded();
    t.ctx.dbh.sqlite.query("UPDATE servers SET use_count = 50 WHERE qualified_name = 'io.github.other/weather'").run();
    const order = (body: string) => [...body.matchAll(/class="card" href="\/([^"]+)"/g)].map((m) => m[1]);
    expect(order(await (await t.request("/?sort=name")).text())).toEqual(["io.github.acme/github", "io.github.acme/postgres", "io.github.other/weather"]);
    expect(order(await (await t.request("/?sort=popular")).text())[0]).toBe("io.github.other/weather");
    const recent = order(await (await t.request("/?sort=recent&q=owner:io.github.acme")).text());
    expect(recent.sort()).toEqual(["io.github.acme/github", "io.github.acme/postgres"]);
  });

  it("never shows a private server to anyone but its owner and admins", async () => {
    t = testApp();
    const { user: admin } = await adminWithKey(t.ctx);
    const { user: alice } = plainUserWithKey(t.ctx, "alice@example.com");
    publish(t.ctx, alice, "alice/secret-tool", { description: "hidden" }, { visibility: "private" });
    expect(await (await t.request("/?q=secret")).text()).not.toContain("alice/secret-tool");
    const bob = plainUserWithKey(t.ctx, "bob@example.com");
    expect(await (await t.request("/?q=secret", { headers: { cookie: browserFor(t.ctx, bob.user).cookie } })).text()).not.toContain("alice/secret-tool");
    expect(await (await t.request("/?q=secret", { headers: { cookie: browserFor(t.ctx, alice).cookie } })).text()).toContain("alice/secret-tool");
    expect(await (await t.request("/?q=secret", { headers: { cookie: browserFor(t.ctx, admin).cookie } })).text()).toContain("Private</span>");
  });
});

describe("namespace page", () => {
  it("lists one namespace's servers", async () => {
    await seeded();
    const r = await t.request("/io.github.acme");
    expect(r.status).toBe(200);
    const body = await r.text();
    expect(body).toContain("<h1>io.github.acme</h1>");
    expect(body).toContain("io.github.acme/postgres");
    expect(body).not.toContain("io.github.other/weather");
  });

  it("is 404 for a namespace that does not exist", async () => {
    await seeded();
    expect((await t.request("/nobody-here")).status).toBe(404);
  });
});

describe("sorted search over many matches", () => {
  it("walks the order's index and gives the same pages as sorting every match", async () => {
    const { LIMITS } = await import("../../src/registry/search-plan.ts");
    const { catalogSearch } = await import("../../src/ui/catalog-search.ts");
    t = testApp();
    const { user } = await adminWithKey(t.ctx);
    for (let i = 0; i < 30; i++) {
      const p = publish(t.ctx, user, `io.github.bulk/server-${String((i * 7) % 30).padStart(2, "0")}`, { description: `bulk server ${i}` });
      t.ctx.dbh.sqlite.query("UPDATE servers SET use_count = ?, updated_at = ?, deployed = ? WHERE id = ?").run((i * 13) % 11, 1_000 + ((i * 5) % 7), i % 4 === 0 ? 1 : 0, p.serverId);
    }
    const viewer = { userId: null, isAdmin: false };
    const pages = (q: string, sort: "popular" | "recent" | "name") => [1, 2, 3, 4].flatMap((n) => catalogSearch(t.ctx.dbh, viewer, q, sort, n, 8).hits.map((h) => h.qualifiedName));
    for (const q of ["", "bulk"]) {
      for (const sort of ["popular", "recent", "name"] as const) {
        const exact = pages(q, sort);
        const saved = LIMITS.totalCap;
        LIMITS.totalCap = 5; // past it, counts are "at least", and catalogSearch walks
        try {
          expect(pages(q, sort)).toEqual(exact);
        } finally {
          LIMITS.totalCap = saved;
        }
        expect(exact.length).toBe(30);
      }
    }
  });
});
