import { describe, expect, it } from "bun:test";
import type { Child } from "../../src/supervisor/child.ts";
import { SharedChild, type SessionChannel } from "../../src/supervisor/shared-child.ts";
import { fixture, Inbox, useChildren } from "./harness.ts";

const t = useChildren();

// The child is real; `sent` only records what SharedChild wrote to its stdin.
function shared(script = "echo-server.ts"): { sc: SharedChild; sent: Record<string, unknown>[]; emptied: () => boolean } {
  const child = t.spawn({ argv: fixture(script) });
  const sent: Record<string, unknown>[] = [];
  // A line that isn't JSON is recorded as it came, so a test can see it reached the child.
  const watched: Child = new Proxy(child, {
    get(target, prop, receiver) {
      if (prop === "send") return (line: string) => (sent.push(parseOr(line)), target.send(line));
      const v = Reflect.get(target, prop, receiver);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  let empty = false;
  const sc = new SharedChild(watched, false, () => (empty = true));
  return { sc, sent, emptied: () => empty };
}
function parseOr(line: string): Record<string, unknown> {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return { unparsed: line };
  }
}
const init = (id: number) => JSON.stringify({ jsonrpc: "2.0", id, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } } });
async function ready(s: SessionChannel, id = 0): Promise<Inbox> {
  const inbox = new Inbox(s);
  await s.send(init(id));
  await inbox.next((m) => m.id === id);
  await s.send(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }));
  return inbox;
}

describe("SharedChild", () => {
  it("tells the child to cancel a leaving session's calls, and keeps serving the others", async () => {
    const { sc, sent } = shared();
    const a = sc.attach("a");
    const b = sc.attach("b");
    await ready(a);
    const inboxB = await ready(b);
    await a.send(JSON.stringify({ jsonrpc: "2.0", id: 5, method: "tools/call", params: { name: "slow", arguments: { steps: 50, delayMs: 100 } } }));
    const childId = (sent.find((m) => m.method === "tools/call") as { id: number }).id;
    await a.stop({ reason: "client left" });
    expect(sent.at(-1)).toMatchObject({ method: "notifications/cancelled", params: { requestId: childId } });
    expect(a.state.state).toBe("exited");
    await b.send(JSON.stringify({ jsonrpc: "2.0", id: 5, method: "tools/call", params: { name: "echo", arguments: { message: "still here" } } }));
    expect(await inboxB.next((m) => m.id === 5)).toMatchObject({ result: { content: [{ text: "still here" }] } });
    expect(sent.filter((m) => m.method === "initialize")).toHaveLength(1);
    expect(sent.filter((m) => m.method === "notifications/initialized")).toHaveLength(1);
  });

  it("answers a session's cancel of its own call under the child's id, and nobody else's", async () => {
    const { sc, sent } = shared();
    const a = sc.attach("a");
    const b = sc.attach("b");
    await ready(a);
    await ready(b);
    await a.send(JSON.stringify({ jsonrpc: "2.0", id: 9, method: "tools/call", params: { name: "slow", arguments: { steps: 50, delayMs: 100 } } }));
    const childId = (sent.find((m) => m.method === "tools/call") as { id: number }).id;
    const before = sent.length;
    await b.send(JSON.stringify({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 9 } }));
    expect(sent.length).toBe(before); // b never sent request 9: nothing to cancel
    await a.send(JSON.stringify({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 9 } }));
    expect(sent.at(-1)).toMatchObject({ method: "notifications/cancelled", params: { requestId: childId } });
  });

  it("ends every session when the child dies, and reports empty when the last one leaves", async () => {
    const { sc, emptied } = shared();
    const a = sc.attach("a");
    await ready(a);
    await a.stop({ reason: "done" });
    expect(emptied()).toBe(true);
    const b = sc.attach("b");
    await sc.child.stop({ graceMs: 200 });
    expect((await b.ended).state).toBe("exited");
    await expect(b.send(init(1))).rejects.toThrow("the session has ended");
  });

  it("answers a line it can't route (a batch, non-object JSON, bad JSON) to its session alone, and never passes it to the child", async () => {
    const { sc, sent } = shared("roots-server.ts");
    const a = sc.attach("a");
    const b = sc.attach("b");
    const inboxA = await ready(a);
    const inboxB = await ready(b);
    // b's call makes the child ask b for its roots; the child numbers that request 0.
    await b.send(JSON.stringify({ jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: "roots", arguments: {} } }));
    const asked = await inboxB.method("roots/list");
    const before = sent.length;
    // a tries to answer b's request under the child's own id, hidden in a batch the router can't read.
    const forged = { jsonrpc: "2.0", id: 0, result: { roots: [{ uri: "file:///evil", name: "evil" }] } };
    await a.send(JSON.stringify([forged]));
    expect(await inboxA.next((m) => m.id === null)).toMatchObject({ id: null, error: { code: -32600 } });
    await a.send("42");
    await a.send("{nope");
    await Bun.sleep(50);
    expect(inboxA.raw.map((l) => JSON.parse(l)).filter((m) => m.id === null).map((m) => m.error.code)).toEqual([-32600, -32600, -32700]);
    expect(inboxB.raw.filter((l) => JSON.parse(l).id === null)).toEqual([]);
    expect(sent.length).toBe(before);
    // b's own answer still reaches the child, which was still waiting for it.
    await b.send(JSON.stringify({ jsonrpc: "2.0", id: asked.id, result: { roots: [{ uri: "file:///beta", name: "beta" }] } }));
    expect(await inboxB.next((m) => m.id === 7)).toMatchObject({ result: { content: [{ text: "beta" }] } });
  });
});
