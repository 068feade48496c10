import { afterEach, describe, expect, it } from "bun:test";
import { setDeploymentState } from "../../src/deploy/deployments.ts";
import { testApp } from "../helpers/app.ts";
import { adminWithKey, plainUserWithKey } from "../helpers/registry.ts";
import { browserFor, listTools, publish } from "./ui-helpers.ts";

let t: ReturnType<typeof testApp>;
afterEach(() => t?.close());

const ECHO_TOOLS = [
  {
    name: "echo",
    description: "Returns its message unchanged.",
    inputSchema: { type: "object", properties: { message: { type: "string", description: "What to say back" }, times: { type: "integer", minimum: 1, default: 1 }, mode: { enum: ["plain", "loud"] } }, required: ["message"] },
    annotations: { readOnlyHint: true },
  },
];

async function setup() {
  t = testApp();
  const { user } = await adminWithKey(t.ctx);
  const p = publish(t.ctx, user, "io.github.test/echo", {
    title: "Echo",
    description: "Says things back.",
    websiteUrl: "https://example.com/echo",
    repository: { url: "https://github.com/test/echo", source: "github" },
  });
  return { user, p };
}

describe("server overview", () => {
  it("shows title, description, links, versions, how it runs and badges", async () => {
    const { p } = await setup();
    setDeploymentState(t.ctx.dbh, p.serverId, "ready", { versionId: p.versionId });
    const r = await t.request("/io.github.test/echo");
    expect(r.status).toBe(200);
    const body = await r.text();
    expect(body).toContain("<h1>Echo</h1>");
    expect(body).toContain("Says things back.");
    expect(body).toContain('href="https://example.com/echo"');
    expect(body).toContain('href="https://github.com/test/echo"');
    expect(body).toContain("<code>1.0.0</code>");
    expect(body).toContain("npm package @example/echo@1.0.0");
    expect(body).toContain("Deployed</span>");
    expect(body).toContain("Network");
    expect(body).toContain("/io.github.test/echo/mcp");
  });

  it("offers the playground tab only when the server runs here", async () => {
    const { p } = await setup();
    expect(await (await t.request("/io.github.test/echo")).text()).not.toContain("/io.github.test/echo/playground");
    setDeploymentState(t.ctx.dbh, p.serverId, "ready", { versionId: p.versionId });
    expect(await (await t.request("/io.github.test/echo")).text()).toContain('href="/io.github.test/echo/playground"');
  });

  it("shows hosting tabs to owners and admins only", async () => {
    const { user } = await setup();
    expect(await (await t.request("/io.github.test/echo")).text()).not.toContain("/deployments");
    const admin = browserFor(t.ctx, user);
    expect(await (await t.request("/io.github.test/echo", { headers: { cookie: admin.cookie } })).text()).toContain('href="/io.github.test/echo/deployments"');
  });

  it("is 404 for unknown servers and for private servers to others", async () => {
    await setup();
    expect((await t.request("/io.github.test/nope")).status).toBe(404);
    const { user: alice } = plainUserWithKey(t.ctx, "alice@example.com");
    publish(t.ctx, alice, "alice/private-one", {}, { visibility: "private" });
    for (const tab of ["", "/tools", "/connect", "/playground", "/deployments", "/logs"]) {
      expect((await t.request(`/alice/private-one${tab}`)).status).toBe(404);
    }
    expect((await t.request("/alice/private-one", { headers: { cookie: browserFor(t.ctx, alice).cookie } })).status).toBe(200);
  });
});

describe("tools tab", () => {
  it("lists each tool with its description and a readable input schema", async () => {
    const { p } = await setup();
    listTools(t.ctx, p.versionId, ECHO_TOOLS, { prompts: [{ name: "greet", description: "Greets", arguments: [{ name: "name", required: true }] }], resources: [{ uri: "hearth://echo/greeting", name: "greeting", mimeType: "text/plain" }] });
    const r = await t.request("/io.github.test/echo/tools");
    expect(r.status).toBe(200);
    const body = await r.text();
    expect(body).toContain('id="tool-echo"');
    expect(body).toContain("Returns its message unchanged.");
    expect(body).toContain("<code>message</code>");
    expect(body).toContain("What to say back");
    expect(body).toContain("one of &quot;plain&quot;, &quot;loud&quot;");
    expect(body).toContain("Default: <code>1</code>");
    expect(body).toContain("≥ 1");
    expect(body).toContain(">read-only</span>");
    expect(body).toContain("<code>greet</code>");
    expect(body).toContain("hearth://echo/greeting");
  });

  it("says when the server needs configuration to list tools", async () => {
    const { p } = await setup();
    listTools(t.ctx, p.versionId, [], { needsConfig: true, error: "needs configuration to list tools (apiKey)" });
    const body = await (await t.request("/io.github.test/echo/tools")).text();
    expect(body).toContain("needs configuration to list tools");
    expect(body).toContain('href="/io.github.test/echo/connect"');
  });

  it("says tools appear once deployed when none were listed", async () => {
    await setup();
    expect(await (await t.request("/io.github.test/echo/tools")).text()).toContain("Tools are listed when the server is deployed");
  });

  it("links each tool to the playground when the server runs here", async () => {
    const { p } = await setup();
    listTools(t.ctx, p.versionId, ECHO_TOOLS);
    setDeploymentState(t.ctx.dbh, p.serverId, "ready", { versionId: p.versionId });
    expect(await (await t.request("/io.github.test/echo/tools")).text()).toContain('href="/io.github.test/echo/playground?tool=echo"');
  });
});

describe("owner tabs", () => {
  it("send anonymous visitors to sign in, and refuse other users", async () => {
    await setup();
    for (const tab of ["deployments", "logs"]) {
      const anon = await t.request(`/io.github.test/echo/${tab}`);
      expect(anon.status).toBe(303);
      expect(anon.headers.get("location")).toBe(`/login?next=${encodeURIComponent(`/io.github.test/echo/${tab}`)}`);
      const bob = plainUserWithKey(t.ctx, `bob-${tab}@example.com`);
      expect((await t.request(`/io.github.test/echo/${tab}`, { headers: { cookie: browserFor(t.ctx, bob.user).cookie } })).status).toBe(403);
    }
  });
});
