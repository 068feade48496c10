import { describe, expect, it } from "bun:test";
import type { Child } from "../../src/supervisor/child.ts";
import { SharedChild, type SessionChannel } from "../../src/supervisor/shared-child.ts";
import { fixture, Inbox, useChildren } from "./harness.ts";

const t = useChildren();

// The child is real; `sent` only records what SharedChild wrote to its stdin.
function shared(): { sc: SharedChild; sent: Record<string, unknown>[]; emptied: () => boolean } {
  const child = t.spawn({ argv: fixture("echo-server.ts") });
  const sent: Record<string, unknown>[] = [];
  const watched: Child = new Proxy(child, {
    get(target, prop, receiver) {
      if (prop === "send") return (line: string) => (sent.push(JSON.parse(line)), target.send(line));
      const v = Reflect.get(target, prop, receiver);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  let empty = false;
  const sc = new SharedChild(watched, false, () => (empty = true));
  return { sc, sent, emptied: () => empty };
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
});
