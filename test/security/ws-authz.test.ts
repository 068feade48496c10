import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { startHosted, type HostedInstance } from "../helpers/hosted.ts";
import { wsHandshake } from "../helpers/ws-handshake.ts";
import { teamWorld, type TeamWorld } from "../helpers/teams.ts";
import { expected, WHO, type Who } from "./authz-rules.ts";

// The WebSocket bridge takes upgrades before the Elysia app sees them, so it is not in app.routes:
// this is its row of the matrix, over a real listening Hearth and a real child for each session.
let h: HostedInstance;
let w: TeamWorld;
beforeAll(async () => {
  h = await startHosted();
  w = teamWorld(h.ctx);
  h.deployFixture("acme/live", "echo-server.ts");
  h.ctx.dbh.sqlite.query("UPDATE servers SET visibility = 'private' WHERE qualified_name = 'acme/live'").run();
});
afterAll(() => h.close());

// A real upgrade handshake; the status line says whether Hearth accepted (101) or refused it.
function handshake(path: string, headers: Record<string, string>): Promise<number> {
  const url = new URL(path, h.server.url);
  return wsHandshake(url, headers);
}

function credentials(who: Who): Record<string, string> {
  if (who === "anonymous") return {};
  if (who.startsWith("key:")) return { authorization: `Bearer ${w.keys[who.slice(4) as keyof TeamWorld["keys"]]}` };
  // A browser always sends Origin on a handshake; a cookie-only upgrade needs Hearth's own.
  return { cookie: w[who as "outsider" | "member" | "publisher" | "owner" | "admin"].cookie, origin: new URL(h.server.url).origin };
}

describe("WebSocket bridge authorization", () => {
  it('/{ns}/{name}/ws follows "connect" (101 when allowed), and a missing server is the same 404', async () => {
    const got: Record<string, number> = {};
    const want: Record<string, number> = {};
    for (const who of WHO) {
      got[who] = await handshake("/acme/live/ws", credentials(who));
      want[who] = expected("connect", who, 101);
    }
    expect(got).toEqual(want);
    expect(await handshake("/acme/nosuch/ws", credentials("outsider"))).toBe(404);
  });
});

describe("losing access ends open sessions", () => {
  const init = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "t", version: "1" } } });

  it("a WebSocket session of a member removed from the team closes on its next message (1008)", async () => {
    const { setMember, removeMember } = await import("../../src/accounts/teams.ts");
    setMember(h.ctx.dbh.db, w.owner.user, "acme", "outsider@example.com", "member");
    const ws = new WebSocket(h.wsUrl("acme/live"), { headers: { cookie: w.outsider.cookie, origin: new URL(h.server.url).origin }, protocols: ["mcp"] } as unknown as string[]);
    const closed = new Promise<number>((resolve) => ws.addEventListener("close", (e) => resolve(e.code), { once: true }));
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = reject;
    });
    const first = new Promise((resolve) => ws.addEventListener("message", resolve, { once: true }));
    ws.send(init);
    await first;
    removeMember(h.ctx.dbh.db, w.owner.user, "acme", "outsider@example.com");
    // No wait for the periodic re-check: a removal in this process is seen on the very next message.
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 2, method: "ping" }));
    expect(await closed).toBe(1008);
  });

  it("a Streamable HTTP session of a removed member is unknown (404) at its next credential check", async () => {
    const { createApiKey } = await import("../../src/accounts/api-keys.ts");
    const { setMember, removeMember } = await import("../../src/accounts/teams.ts");
    setMember(h.ctx.dbh.db, w.owner.user, "acme", "outsider@example.com", "member");
    const other = `Bearer ${createApiKey(h.ctx.dbh.db, w.outsider.user.id, { name: "second", scopes: ["connect"] }).key}`;
    const headers = { accept: "application/json, text/event-stream", "content-type": "application/json" };
    const opened = await fetch(h.httpUrl("acme/live"), { method: "POST", body: init, headers: { ...headers, authorization: w.outsider.bearer } });
    expect(opened.status).toBe(200);
    await opened.body?.cancel();
    const sid = opened.headers.get("mcp-session-id")!;
    const ping = (auth: string) => fetch(h.httpUrl("acme/live"), { method: "POST", body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "ping" }), headers: { ...headers, authorization: auth, "mcp-session-id": sid, "mcp-protocol-version": "2025-11-25" } });
    const before = await ping(other);
    expect(before.status).toBe(200);
    await before.body?.cancel();
    removeMember(h.ctx.dbh.db, w.owner.user, "acme", "outsider@example.com");
    // A different credential is checked at once (the same one within 5 s).
    const after = await ping(w.outsider.bearer);
    expect(after.status).toBe(404);
    await after.body?.cancel();
    await fetch(h.httpUrl("acme/live"), { method: "DELETE", headers: { authorization: w.admin.bearer, "mcp-session-id": sid } }).then((r) => r.body?.cancel());
  });
});
