import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { testApp } from "../helpers/app.ts";
import { adminWithKey, plainUserWithKey, serverJson } from "../helpers/registry.ts";

let t: ReturnType<typeof testApp>;
let auth: { authorization: string };
beforeEach(async () => {
  t = testApp();
  auth = (await adminWithKey(t.ctx)).auth;
});
afterEach(() => t.close());

async function publish(doc: Record<string, unknown>, headers: Record<string, string> = auth) {
  return t.request("/v0.1/publish", { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify(doc) });
}

describe("POST /v0.1/publish", () => {
  it("publishes a server.json and answers the official ServerResponse shape", async () => {
    const r = await publish(serverJson("io.github.acme/weather"));
    expect(r.status).toBe(200);
    const body = await r.json();
    expect(body.server.name).toBe("io.github.acme/weather");
    expect(body._meta["io.modelcontextprotocol.registry/official"]).toMatchObject({ status: "active", isLatest: true });
    expect(Date.parse(body._meta["io.modelcontextprotocol.registry/official"].publishedAt)).toBeGreaterThan(0);
  });

  it("refuses the same version again with 409, and a key without the publish scope with 403", async () => {
    await publish(serverJson("io.github.acme/weather"));
    const again = await publish(serverJson("io.github.acme/weather"));
    expect(again.status).toBe(409);
    expect((await again.json()).error).toContain("immutable");
    const reader = plainUserWithKey(t.ctx, "reader@example.com", ["read"]);
    expect((await publish(serverJson("io.github.acme/other"), reader.auth)).status).toBe(403);
    expect((await publish(serverJson("io.github.acme/other"), {})).status).toBe(401);
  });

  it("keeps an older version published after a newer one, but never as latest", async () => {
    await publish(serverJson("io.github.acme/weather", { version: "2.0.0" }));
    await publish(serverJson("io.github.acme/weather", { version: "1.5.0" }));
    const latest = await (await t.request("/v0.1/servers/io.github.acme%2Fweather/versions/latest")).json();
    expect(latest.server.version).toBe("2.0.0");
    const all = await (await t.request("/v0.1/servers/io.github.acme%2Fweather/versions")).json();
    expect(all.servers.map((s: { server: { version: string } }) => s.server.version)).toEqual(["2.0.0", "1.5.0"]);
  });

  it.each([
    ["traversal", "io.github.acme/../../etc"],
    ["two slashes", "io.github.acme/a/b"],
    ["dot segment", "../weather"],
    ["reserved namespace", "api/weather"],
  ])("refuses a name with %s as 422 with a pointer", async (_, name) => {
    const r = await publish(serverJson(name));
    expect(r.status).toBe(422);
    const body = await r.json();
    expect(body.details.length).toBeGreaterThan(0);
    expect(body.details[0].pointer).toStartWith("/");
  });

  it("refuses invalid JSON, invalid UTF-8 and a huge document without a 500", async () => {
    const bad = await t.request("/v0.1/publish", { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: "{not json" });
    expect(bad.status).toBe(422);
    const utf = await t.request("/v0.1/publish", { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) });
    expect(utf.status).toBe(422);
    const huge = await publish(serverJson("io.github.acme/huge", { title: "x".repeat(5 * 1024 * 1024) }));
    expect([413, 422]).toContain(huge.status);
    const deep = await t.request("/v0.1/publish", { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: "[".repeat(10_000) + "]".repeat(10_000) });
    expect(deep.status).toBe(422);
    expect((await (await t.request("/v0.1/servers")).json()).servers).toEqual([]);
  });
});

describe("GET /v0.1/servers", () => {
  it("walks every version with limit=2 and nextCursor: no duplicates, no gaps", async () => {
    const expected: string[] = [];
    for (const n of ["delta", "alpha", "echo", "charlie", "bravo"]) {
      for (const v of ["1.0.0", "1.1.0"]) {
        await publish(serverJson(`io.github.acme/${n}`, { version: v }));
        expected.push(`io.github.acme/${n}@${v}`);
      }
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const r = await t.request(`/v0.1/servers?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(r.headers.get("access-control-allow-origin")).toBe("*");
      const body = await r.json();
      expect(body.metadata.count).toBe(body.servers.length);
      for (const s of body.servers) seen.push(`${s.server.name}@${s.server.version}`);
      cursor = body.metadata.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    expect(seen.length).toBe(new Set(seen).size);
    expect(seen.sort()).toEqual(expected.sort());
    expect(pages).toBe(5);
  });

  it("version=latest lists one entry per server", async () => {
    for (const v of ["1.0.0", "1.2.0", "1.1.0"]) await publish(serverJson("io.github.acme/weather", { version: v }));
    const body = await (await t.request("/v0.1/servers?version=latest")).json();
    expect(body.servers.map((s: { server: { version: string } }) => s.server.version)).toEqual(["1.2.0"]);
  });

  it("updated_since returns only what changed since", async () => {
    await publish(serverJson("io.github.acme/old"));
    await Bun.sleep(5);
    const since = new Date().toISOString();
    await Bun.sleep(5);
    await publish(serverJson("io.github.acme/new"));
    const body = await (await t.request(`/v0.1/servers?updated_since=${encodeURIComponent(since)}`)).json();
    expect(body.servers.map((s: { server: { name: string } }) => s.server.name)).toEqual(["io.github.acme/new"]);
  });

  it("search filters by name substring, and bad parameters are 422/400", async () => {
    await publish(serverJson("io.github.acme/weather"));
    await publish(serverJson("io.github.acme/github"));
    const body = await (await t.request("/v0.1/servers?search=weath")).json();
    expect(body.servers.map((s: { server: { name: string } }) => s.server.name)).toEqual(["io.github.acme/weather"]);
    expect((await t.request("/v0.1/servers?limit=0")).status).toBe(422);
    expect((await t.request("/v0.1/servers?updated_since=yesterday")).status).toBe(422);
    expect((await t.request("/v0.1/servers?cursor=garbage")).status).toBe(400);
  });

  it("the same API answers under /v0", async () => {
    await publish(serverJson("io.github.acme/weather"));
    const body = await (await t.request("/v0/servers")).json();
    expect(body.servers).toHaveLength(1);
  });

  it("private servers are invisible to anonymous callers everywhere (404, not 403)", async () => {
    const owner = plainUserWithKey(t.ctx, "owner@example.com");
    const r = await t.request("/api/v1/servers?visibility=private", {
      method: "POST",
      headers: { ...owner.auth, "content-type": "application/json" },
      body: JSON.stringify({ manifest: serverJson("io.github.secret/tool"), visibility: "private" }),
    });
    expect(r.status).toBe(201);
    expect((await (await t.request("/v0.1/servers")).json()).servers).toEqual([]);
    expect((await t.request("/v0.1/servers/io.github.secret%2Ftool/versions")).status).toBe(404);
    expect((await t.request("/api/v1/servers/io.github.secret/tool")).status).toBe(404);
    expect((await t.request("/api/v1/servers/io.github.secret/tool", { headers: owner.auth })).status).toBe(200);
    expect((await t.request("/api/v1/servers/io.github.secret/tool", { headers: auth })).status).toBe(200);
    const other = plainUserWithKey(t.ctx, "other@example.com");
    expect((await t.request("/api/v1/servers/io.github.secret/tool", { headers: other.auth })).status).toBe(404);
  });
});
