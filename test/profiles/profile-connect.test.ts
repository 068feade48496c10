import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { WebSocketClientTransport } from "@modelcontextprotocol/sdk/client/websocket.js";
import { afterEach, describe, expect, it } from "bun:test";
import { createProfile } from "../../src/profiles/profiles.ts";
import { serverConfigSchema } from "../../src/profiles/server-schema.ts";
import { findServer } from "../../src/registry/catalog.ts";
import { keyringOf } from "../../src/secrets/keyring.ts";
import { startHosted, type HostedInstance } from "../helpers/hosted.ts";
import { ENV_PACKAGE } from "../helpers/profiles.ts";
import { plainUserWithKey } from "../helpers/registry.ts";

const NAME = "io.github.test/env";
const SECRET = "sk-live-CONNECT-SECRET-0815";
let h: HostedInstance | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function setup() {
  h = await startHosted();
  h.deployFixture(NAME, "env-server.ts", { packages: [ENV_PACKAGE] });
  const alice = plainUserWithKey(h.ctx, "alice@example.com", ["read", "connect"]);
  const bob = plainUserWithKey(h.ctx, "bob@example.com", ["read", "connect"]);
  const server = findServer(h.ctx.dbh, { userId: null, isAdmin: true }, NAME);
  const profile = createProfile(h.ctx.dbh, keyringOf(h.ctx), { userId: alice.user.id, serverId: server.id, schema: serverConfigSchema(h.ctx.dbh, server.id), name: "work", config: { API_KEY: SECRET, REGION: "us" } });
  return { alice, bob, profile };
}

async function envOf(client: Client, name: string): Promise<string> {
  const r = await client.callTool({ name: "env", arguments: { name } });
  return (r.content as { text: string }[])[0]!.text;
}

describe("connecting with profile=<id>", () => {
  it("gives the child the profile's config over WebSocket", async () => {
    const { alice, profile } = await setup();
    const client = new Client({ name: "t", version: "1" });
    await client.connect(new WebSocketClientTransport(new URL(h!.wsUrl(NAME, `profile=${profile.id}&api_key=${alice.key}`))));
    expect(await envOf(client, "API_KEY")).toBe(SECRET);
    expect(await envOf(client, "REGION")).toBe("us");
    await client.close();
  });

  it("gives the child the profile's config over Streamable HTTP, explicit parameters winning", async () => {
    const { alice, profile } = await setup();
    const client = new Client({ name: "t", version: "1" });
    const transport = new StreamableHTTPClientTransport(new URL(h!.httpUrl(NAME, `profile=${profile.id}&REGION=eu`)), { requestInit: { headers: alice.auth } });
    await client.connect(transport);
    expect(await envOf(client, "API_KEY")).toBe(SECRET);
    expect(await envOf(client, "REGION")).toBe("eu");
    await transport.terminateSession();
    await client.close();
  });

  it("lets config= replace a profile's setting", async () => {
    const { alice, profile } = await setup();
    const config = Buffer.from(JSON.stringify({ API_KEY: "override" })).toString("base64url");
    const client = new Client({ name: "t", version: "1" });
    await client.connect(new WebSocketClientTransport(new URL(h!.wsUrl(NAME, `profile=${profile.id}&config=${config}&api_key=${alice.key}`))));
    expect(await envOf(client, "API_KEY")).toBe("override");
    expect(await envOf(client, "REGION")).toBe("us");
    await client.close();
  });

  it("refuses another user's profile as if it did not exist, before any child starts", async () => {
    const { bob, profile } = await setup();
    const r = await fetch(h!.httpUrl(NAME, `profile=${profile.id}`), {
      method: "POST",
      headers: { ...bob.auth, "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } } }),
    });
    expect(r.status).toBe(404);
    expect(await r.text()).not.toContain(SECRET);
    const ws = await fetch(h!.wsUrl(NAME, `profile=${profile.id}&api_key=${bob.key}`).replace(/^ws/, "http"), { headers: { upgrade: "websocket", connection: "upgrade", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", "sec-websocket-version": "13" } });
    expect(ws.status).toBe(404);
    expect(h!.hosting.supervisor.count(NAME)).toBe(0);
  });

  it.each([
    ["an unknown profile id", "prf_AAAAAAAAAAAAAAAA", 404],
    ["a malformed profile id", "../../etc/passwd", 404],
  ])("refuses %s with 404", async (_what, id, status) => {
    const { alice } = await setup();
    const r = await fetch(h!.httpUrl(NAME, `profile=${encodeURIComponent(id)}`), {
      method: "POST",
      headers: { ...alice.auth, "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } } }),
    });
    expect(r.status).toBe(status);
  });

  it("refuses a profile made for another server (422) without echoing its values", async () => {
    const { alice, profile } = await setup();
    h!.deployFixture("io.github.test/other", "env-server.ts", { packages: [ENV_PACKAGE] });
    const r = await fetch(h!.httpUrl("io.github.test/other", `profile=${profile.id}`), {
      method: "POST",
      headers: { ...alice.auth, "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } } }),
    });
    expect(r.status).toBe(422);
    expect(await r.text()).toContain("is for another server");
  });

  it("leaves profile values out of a 422 when an override makes the config invalid", async () => {
    const { alice, profile } = await setup();
    const r = await fetch(h!.httpUrl(NAME, `profile=${profile.id}&REGION=mars`), {
      method: "POST",
      headers: { ...alice.auth, "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } } }),
    });
    expect(r.status).toBe(422);
    const text = await r.text();
    expect(text).toContain("REGION");
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain("mars");
  });
});
