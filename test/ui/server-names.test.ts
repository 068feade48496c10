// How a server is named, pictured and counted on its card and its page: a title, else its npm
// package, else the last segment of its name, with the full reverse-DNS name below.
import { afterEach, describe, expect, it } from "bun:test";
import type { User } from "../../src/accounts/users.ts";
import type { AppContext } from "../../src/http/context.ts";
import { testApp } from "../helpers/app.ts";
import { adminWithKey } from "../helpers/registry.ts";
import { listTools, publish } from "./ui-helpers.ts";

let t: ReturnType<typeof testApp>;
afterEach(() => t?.close());

const PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
const PYPI = [{ registryType: "pypi", identifier: "weather-mcp", version: "1.0.0", transport: { type: "stdio" } }];

/** setup starts an app with an admin, as publish's first two arguments. */
async function setup(): Promise<[AppContext, User]> {
  t = testApp();
  return [t.ctx, (await adminWithKey(t.ctx)).user];
}

function card(body: string, name: string): string {
  const start = body.indexOf(`href="/${name}"`);
  expect(start).toBeGreaterThan(-1);
  return body.slice(start, body.indexOf("</li>", start));
}

describe("server names", () => {
  it("titles a card with the manifest's title, the qualified name below", async () => {
    publish(...(await setup()), "io.github.acme/github", { title: "GitHub" });
    const c = card(await (await t.request("/")).text(), "io.github.acme/github");
    expect(c).toContain('<span class="card-title">GitHub</span>');
    expect(c).toContain('<span class="card-name">io.github.acme/github</span>');
  });

  it("titles a card without a title by its npm package, the qualified name below", async () => {
    publish(...(await setup()), "io.github.acme/github");
    const c = card(await (await t.request("/")).text(), "io.github.acme/github");
    expect(c).toContain('<span class="card-title">@example/github</span>');
    expect(c).toContain('<span class="card-name">io.github.acme/github</span>');
  });

  it("titles a card with neither by the name's last segment", async () => {
    publish(...(await setup()), "io.github.acme/weather", { packages: PYPI });
    const c = card(await (await t.request("/")).text(), "io.github.acme/weather");
    expect(c).toContain('<span class="card-title">weather</span>');
    expect(c).toContain('<span class="card-name">io.github.acme/weather</span>');
  });

  it("heads the server page with the npm package name when there is no title", async () => {
    publish(...(await setup()), "io.github.acme/github");
    const body = await (await t.request("/io.github.acme/github")).text();
    expect(body).toContain("<h1>@example/github</h1>");
    expect(body).toContain("<title>@example/github · Hearth</title>");
  });
});

describe("server icons", () => {
  it("shows the manifest's https icon instead of a letter, on the card and the page", async () => {
    publish(...(await setup()), "io.github.acme/github", { icons: [{ src: "https://example.com/gh.png", mimeType: "image/png" }] });
    const c = card(await (await t.request("/")).text(), "io.github.acme/github");
    expect(c).toContain('<img src="https://example.com/gh.png"');
    expect(await (await t.request("/io.github.acme/github")).text()).toContain('<img src="https://example.com/gh.png"');
  });

  it("shows a base64 data: image icon, and a letter for any other data: URL", async () => {
    const [ctx, user] = await setup();
    const p = publish(ctx, user, "io.github.acme/github");
    const q = publish(ctx, user, "io.github.acme/html");
    t.ctx.dbh.sqlite.query("UPDATE servers SET icon_url = ? WHERE id = ?").run(PNG, p.serverId);
    t.ctx.dbh.sqlite.query("UPDATE servers SET icon_url = ? WHERE id = ?").run("data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", q.serverId);
    const body = await (await t.request("/")).text();
    expect(card(body, "io.github.acme/github")).toContain(`<img src="${PNG}"`);
    expect(card(body, "io.github.acme/html")).not.toContain("<img");
  });
});

describe("tool counts", () => {
  it("says why the tools are unknown for a server that can't run here", async () => {
    publish(...(await setup()), "io.github.acme/weather", { packages: PYPI });
    const c = card(await (await t.request("/")).text(), "io.github.acme/weather");
    expect(c).toContain("tools: ?");
    expect(c).toContain("Tools not listed: needs Python (uvx) — not available on this host");
  });

  it("says a server that was never deployed has not had its tools listed", async () => {
    publish(...(await setup()), "io.github.acme/github");
    expect(card(await (await t.request("/")).text(), "io.github.acme/github")).toContain("Tools not listed: not deployed here yet, so its tools have not been listed");
  });

  it("says a server that needs configuration lists its tools once configured", async () => {
    const p = publish(...(await setup()), "io.github.acme/github");
    listTools(t.ctx, p.versionId, [], { needsConfig: true });
    const c = card(await (await t.request("/")).text(), "io.github.acme/github");
    expect(c).toContain("tools: ?");
    expect(c).toContain("it lists its tools only once configured");
  });

  it("counts one tool and one use in the singular", async () => {
    const p = publish(...(await setup()), "io.github.acme/github");
    listTools(t.ctx, p.versionId, [{ name: "only", inputSchema: { type: "object" } }]);
    t.ctx.dbh.sqlite.query("UPDATE servers SET use_count = 1 WHERE id = ?").run(p.serverId);
    const c = card(await (await t.request("/")).text(), "io.github.acme/github");
    expect(c).toContain(">1 tool</span>");
    expect(c).toContain(">1 use</span>");
    expect(c).not.toContain("Tools not listed");
    expect(await (await t.request("/io.github.acme/github")).text()).toContain(">1 use</span>");
  });
});
