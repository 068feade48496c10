import { afterEach, describe, expect, it } from "bun:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { WebSocketClientTransport } from "@modelcontextprotocol/sdk/client/websocket.js";
import { getDeployment } from "../../src/deploy/deployments.ts";
import { warmDeployment } from "../../src/deploy/warm.ts";
import { findServer } from "../../src/registry/catalog.ts";
import { startHosted, type HostedInstance } from "../helpers/hosted.ts";
import { descendantsOf, waitUntil } from "../helpers/processes.ts";

let h: HostedInstance | undefined;
const clients: Client[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close().catch(() => undefined);
  await h?.close();
  h = undefined;
  expect(descendantsOf(process.pid)).toEqual([]);
});

async function connect(url: string): Promise<Client> {
  const c = new Client({ name: "t", version: "1" });
  await c.connect(new WebSocketClientTransport(new URL(url)));
  clients.push(c);
  return c;
}
async function refusal(url: string): Promise<{ status: number; body: string }> {
  const r = await fetch(url.replace(/^ws/, "http"), { headers: { upgrade: "websocket", connection: "upgrade", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", "sec-websocket-version": "13" } });
  return { status: r.status, body: await r.text() };
}
const ECHO = "io.github.test/echo";
const warmed = () => waitUntil(() => (h?.hosting.supervisor.poolStats().idle ?? 0) >= 1, 5000);

describe("limits over the bridge, with a warm pool", () => {
  it("keeps a server to maxSessions (3) when sessions come from its pool, and says so to the 4th", async () => {
    h = await startHosted();
    deployWarm(h, { poolSize: 1, maxSessions: 3 });
    expect(await warmed()).toBe(true);
    for (let i = 0; i < 3; i++) await (await connect(h.wsUrl(ECHO, `api_key=${h.key}`))).listTools();
    const r = await refusal(h.wsUrl(ECHO, `api_key=${h.key}`));
    expect(r.status).toBe(503);
    expect(r.body).toContain("already has its maximum of 3 sessions");
    await Bun.sleep(300);
    expect(h.hosting.supervisor.count(ECHO)).toBe(3);
  }, 30_000);

  it("takes the instance-wide child cap from --max-children, warm children included", async () => {
    h = await startHosted({ "max-children": "3" });
    deployWarm(h, { poolSize: 1, maxSessions: 20 });
    expect(await warmed()).toBe(true);
    for (let i = 0; i < 3; i++) await (await connect(h.wsUrl(ECHO, `api_key=${h.key}`))).listTools();
    const r = await refusal(h.wsUrl(ECHO, `api_key=${h.key}`));
    expect(r.status).toBe(503);
    expect(r.body).toContain("maximum of 3 server processes");
    await Bun.sleep(300);
    expect(h.hosting.supervisor.count()).toBe(3);
  }, 30_000);
});

// Deploys the echo fixture and sizes its pool as a start of Hearth would (warmAll).
function deployWarm(hi: HostedInstance, settings: { poolSize: number; maxSessions: number }): void {
  hi.deployFixture(ECHO, "echo-server.ts", {}, settings);
  const server = findServer(hi.ctx.dbh, { userId: 1, isAdmin: true }, ECHO);
  warmDeployment(hi.ctx, ECHO, getDeployment(hi.ctx.dbh, server.id)!);
}
