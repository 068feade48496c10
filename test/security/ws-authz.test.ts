import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { request as httpRequest } from "node:http";
import { startHosted, type HostedInstance } from "../helpers/hosted.ts";
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
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {
      headers: { connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64"), "sec-websocket-protocol": "mcp", ...headers },
    });
    req.on("upgrade", (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on("response", (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

function credentials(who: Who): Record<string, string> {
  if (who === "anonymous") return {};
  if (who.startsWith("key:")) return { authorization: `Bearer ${w.keys[who.slice(4) as keyof TeamWorld["keys"]]}` };
  return { cookie: w[who as "outsider" | "member" | "publisher" | "owner" | "admin"].cookie };
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
