import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { startHosted, type HostedInstance } from "../helpers/hosted.ts";
import { wsHandshake } from "../helpers/ws-handshake.ts";
import { descendantsOf } from "../helpers/processes.ts";
import { teamWorld, type TeamWorld } from "../helpers/teams.ts";

// Cross-site WebSocket hijacking: a page on another origin (another localhost port, a sibling
// subdomain) that the browser still sends the SameSite=Lax cookie to must not get a session.
let h: HostedInstance;
let w: TeamWorld;
beforeAll(async () => {
  h = await startHosted();
  w = teamWorld(h.ctx);
  h.deployFixture("acme/hijack", "echo-server.ts");
  h.ctx.dbh.sqlite.query("UPDATE servers SET visibility = 'private' WHERE qualified_name = 'acme/hijack'").run();
});
afterAll(() => h.close());

// A real upgrade handshake; the status line says whether Hearth accepted (101) or refused it.
function handshake(headers: Record<string, string>, query = ""): Promise<number> {
  const url = new URL(`/acme/hijack/ws${query}`, h.server.url);
  return wsHandshake(url, headers);
}

describe("WebSocket bridge origin checks", () => {
  it("refuses a cookie-authenticated upgrade from a foreign origin with 403, before any child starts", async () => {
    const before = h.hosting.supervisor.count("acme/hijack");
    for (const origin of ["http://localhost:1", "http://evil.example", "null"]) {
      expect(await handshake({ cookie: w.owner.cookie, origin })).toBe(403);
    }
    expect(h.hosting.supervisor.count("acme/hijack")).toBe(before);
    expect(descendantsOf(process.pid)).toEqual([]);
  });

  it("refuses a cookie-authenticated upgrade without an Origin (browsers always send one)", async () => {
    expect(await handshake({ cookie: w.owner.cookie })).toBe(403);
  });

  it("accepts a cookie-authenticated upgrade from Hearth's own origin", async () => {
    expect(await handshake({ cookie: w.owner.cookie, origin: new URL(h.server.url).origin })).toBe(101);
  });

  it("accepts an API key from any origin (IDEs, CLIs, other sites' MCP clients)", async () => {
    expect(await handshake({ authorization: w.owner.bearer, origin: "http://localhost:1" })).toBe(101);
    const key = w.owner.bearer.slice("Bearer ".length);
    expect(await handshake({ origin: "http://localhost:1" }, `?api_key=${encodeURIComponent(key)}`)).toBe(101);
    expect(await handshake({ authorization: w.owner.bearer })).toBe(101);
  });

  it("refuses a DNS-rebinding Host or Origin as /mcp does, even with a key", async () => {
    expect(await handshake({ authorization: w.owner.bearer, origin: "http://evil.example" })).toBe(403);
    expect(await handshake({ authorization: w.owner.bearer, host: "evil.example" })).toBe(403);
  });
});
