import { afterEach, describe, expect, it } from "bun:test";
import { findUserByEmail } from "../../src/accounts/users.ts";
import { startHosted, type HostedInstance } from "../helpers/hosted.ts";
import { browserFor } from "../ui/ui-helpers.ts";

let h: HostedInstance | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("server logs", () => {
  it("follows a server's stderr live over SSE and keeps it in logs.db", async () => {
    h = await startHosted();
    h.deployFixture("io.github.test/loud", "crash-on-start.ts");
    const auth = { authorization: `Bearer ${h.key}` };
    const stream = await fetch(`${h.server.url}/api/v1/servers/io.github.test/loud/logs?follow=1`, { headers: auth });
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    const reader = stream.body!.getReader();
    // Start a session: the fixture prints to stderr and exits, which the tail must show.
    const ws = new WebSocket(h.wsUrl("io.github.test/loud", `api_key=${h.key}`), ["mcp"]);
    let seen = "";
    const deadline = Date.now() + 8000;
    while (!seen.includes("API_KEY is not set") && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += new TextDecoder().decode(value);
    }
    await reader.cancel();
    ws.close();
    expect(seen).toContain("event: log");
    expect(seen).toContain("API_KEY is not set");
    const history = await (await fetch(`${h.server.url}/api/v1/servers/io.github.test/loud/logs?tail=50`, { headers: auth })).json();
    expect(history.lines.some((l: { text: string }) => l.text.includes("API_KEY is not set"))).toBe(true);
  });

  it("answers ?follow=0 and ?follow=false with the history, not a stream", async () => {
    h = await startHosted();
    h.deployFixture("io.github.test/loud", "crash-on-start.ts");
    const auth = { authorization: `Bearer ${h.key}` };
    for (const off of ["0", "false", "no"]) {
      const res = await fetch(`${h.server.url}/api/v1/servers/io.github.test/loud/logs?follow=${off}`, { headers: auth });
      expect(res.headers.get("content-type")).toContain("application/json");
      expect(await res.json()).toEqual({ lines: expect.any(Array) });
    }
  });

  it("refuses a follow flag that is neither yes nor no with a 422", async () => {
    h = await startHosted();
    h.deployFixture("io.github.test/loud", "crash-on-start.ts");
    const res = await fetch(`${h.server.url}/api/v1/servers/io.github.test/loud/logs?follow=maybe`, { headers: { authorization: `Bearer ${h.key}` } });
    expect(res.status).toBe(422);
  });

  it("says which session's child each stderr line and lifecycle event came from, in the API and on the page", async () => {
    h = await startHosted();
    h.deployFixture("io.github.test/loud", "crash-on-start.ts");
    const auth = { authorization: `Bearer ${h.key}` };
    const tail = async () => (await (await fetch(`${h!.server.url}/api/v1/servers/io.github.test/loud/logs?tail=50`, { headers: auth })).json()).lines as { stream: string; text: string; session?: string }[];
    const sessions: string[] = [];
    for (let i = 0; i < 2; i++) {
      const before = (await tail()).length;
      const ws = new WebSocket(h.wsUrl("io.github.test/loud", `api_key=${h.key}`), ["mcp"]);
      const deadline = Date.now() + 8000;
      while ((await tail()).filter((l) => l.text.includes("API_KEY is not set")).length <= i && Date.now() < deadline) await Bun.sleep(50);
      ws.close();
      const mine = (await tail()).slice(before);
      const err = mine.find((l) => l.text.includes("API_KEY is not set"));
      expect(err?.session).toMatch(/^[0-9a-f]{8}$/);
      // The lifecycle lines of that child carry the same id.
      expect(mine.some((l) => l.stream === "hearth" && l.session === err!.session)).toBe(true);
      sessions.push(err!.session!);
    }
    expect(sessions[0]).not.toBe(sessions[1]);
    const page = await (await fetch(`${h.server.url}/io.github.test/loud/logs`, { headers: { cookie: browserFor(h.ctx, findUserByEmail(h.ctx.dbh.db, "admin@example.com")!).cookie } })).text();
    expect(page).toContain(`<span class="log-session" title="the session's child this line came from">${sessions[0]}</span>`);
  });

  it("is for owners and admins only", async () => {
    h = await startHosted();
    h.deployFixture("io.github.test/loud", "crash-on-start.ts");
    expect((await fetch(`${h.server.url}/api/v1/servers/io.github.test/loud/logs`)).status).toBe(401);
  });
});
