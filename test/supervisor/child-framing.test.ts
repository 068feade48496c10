import { describe, expect, it } from "bun:test";
import { LogRing } from "../../src/supervisor/log-ring.ts";
import { aliveInGroup } from "../helpers/processes.ts";
import { fixture, Inbox, useChildren } from "./harness.ts";

const hearthNotes = (lines: { stream: string; text: string }[]) => lines.filter((l) => l.stream === "hearth").map((l) => l.text);

describe("child stdout and stderr", () => {
  const t = useChildren();

  it("forwards valid JSON object lines byte for byte and drops the rest with a log line", async () => {
    const child = t.spawn({ argv: fixture("junk-stdout.ts") });
    const inbox = new Inbox(child);
    await inbox.next((m) => (m.params as { n?: number } | undefined)?.n === 3);
    expect(inbox.raw).toEqual([
      '{"jsonrpc":"2.0","method":"fixture/valid","params":{"n":1}}',
      '{"jsonrpc":"2.0","method":"fixture/valid","params":{"n":2}}',
      '  {"jsonrpc":"2.0","method":"fixture/valid","params":{"n":3}}  ',
    ]);
    await Bun.sleep(50);
    const dropped = hearthNotes(child.logs.tail()).filter((l) => l.startsWith("dropped a non-JSON stdout line"));
    expect(dropped.map((l) => l.slice("dropped a non-JSON stdout line: ".length))).toEqual([
      "Server starting...", "{not json", "[1,2,3]", "42", "null", "Listening on stdio",
    ]);
  });

  it("drops a 20 MB message over the 16 MiB default cap and resyncs at the next line", async () => {
    const child = t.spawn({ argv: fixture("huge-line.ts", "20") });
    const inbox = new Inbox(child);
    await inbox.method("fixture/after-huge");
    expect(inbox.raw).toEqual(['{"jsonrpc":"2.0","method":"fixture/after-huge"}']);
    const note = hearthNotes(child.logs.tail()).find((l) => l.startsWith("dropped a stdout message"));
    expect(note).toMatch(/^dropped a stdout message of 209\d{5} bytes: over the 16777216-byte limit$/);
  }, 20_000);

  it("passes a message of exactly the cap and drops one byte more", async () => {
    const child = t.spawn({ argv: ["cat"], maxMessageBytes: 100 });
    const inbox = new Inbox(child);
    const exact = JSON.stringify({ p: "a".repeat(92) });
    const over = JSON.stringify({ p: "b".repeat(93) });
    expect([exact.length, over.length]).toEqual([100, 101]);
    await child.send(over);
    await child.send(exact);
    await inbox.next(() => true);
    await child.stop();
    expect(inbox.raw).toEqual([exact]);
  });

  it("drains 100 MB of stderr without blocking the child, keeping the ring bounded", async () => {
    const logs = new LogRing({ maxLines: 500, maxBytes: 64 * 1024, maxLineBytes: 4096 });
    const stderrLines = { count: 0 };
    const child = t.spawn({ argv: fixture("flood-stderr.ts", "100"), logs, onStderr: () => stderrLines.count++ });
    await new Inbox(child).method("fixture/flooded", 25_000);
    expect(stderrLines.count).toBeGreaterThan(100_000);
    expect(logs.stats().bytes).toBeLessThanOrEqual(64 * 1024);
    expect(logs.stats().lines).toBeLessThanOrEqual(500);
    const pid = child.pid ?? -1;
    await child.stop({ graceMs: 100 });
    expect(aliveInGroup(pid)).toEqual([]);
  }, 30_000);

  it("truncates an overlong stderr line in the ring and says how much was cut", async () => {
    const logs = new LogRing({ maxLineBytes: 1000 });
    const child = t.spawn({ argv: ["sh", "-c", "head -c 5000 /dev/zero | tr '\\0' e >&2; echo >&2; echo short >&2"], logs });
    await child.ended;
    const stderr = logs.tail(10, "stderr").map((l) => l.text);
    expect(stderr).toHaveLength(2);
    expect(Buffer.byteLength(stderr[0] ?? "")).toBeLessThanOrEqual(1000);
    expect(stderr[0]).toStartWith("eeee");
    expect(stderr[0]).toContain("[truncated]");
    expect(stderr[1]).toBe("short");
  });

  it("delivers a last message written without a newline before the end state", async () => {
    const order: string[] = [];
    const child = t.spawn({
      argv: ["sh", "-c", `printf '{"jsonrpc":"2.0","method":"bye"}'`],
      onMessage: () => order.push("message"),
      onState: (s) => order.push(s.state),
    });
    await child.ended;
    expect(order).toEqual(["running", "message", "exited"]);
  });

  it("keeps send order under backpressure when the pipe is full", async () => {
    const child = t.spawn({ argv: ["cat"] });
    const inbox = new Inbox(child);
    const pad = "p".repeat(64 * 1024);
    // Not awaited one by one: 12 MiB overflows the pipe, so later writes queue behind pending ones.
    await Promise.all(Array.from({ length: 200 }, (_, i) => child.send(JSON.stringify({ i, pad }))));
    await inbox.next((m) => m.i === 199);
    expect(inbox.raw.map((l) => (JSON.parse(l) as { i: number }).i)).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it("flattens a pretty-printed message to one line so it stays one message", async () => {
    const child = t.spawn({ argv: ["cat"] });
    const inbox = new Inbox(child);
    const value = { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "echo", arguments: { message: "a\nb" } } };
    await child.send(JSON.stringify(value, null, 2).replaceAll("\n", "\r\n"));
    expect(await inbox.next(() => true)).toEqual(value);
    expect(inbox.raw).toHaveLength(1);
  });

  it("fails in-flight work when a server crashes mid-call, with its stderr", async () => {
    const child = t.spawn({ argv: fixture("crash-mid-call.ts") });
    const inbox = new Inbox(child);
    await child.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18" } }));
    expect((await inbox.next((m) => m.id === 1)).result).toMatchObject({ serverInfo: { name: "crash-mid-call" } });
    await child.send(JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "boom" } }));
    const end = await child.ended;
    expect(end.state).toBe("failed");
    if (end.state !== "failed") return;
    expect(end.code).toBe(7);
    expect(end.stderrTail).toEqual(["boom: segfault in native addon (simulated)"]);
  });
});
