import { describe, expect, it } from "bun:test";
import { killAllChildren, liveChildren } from "../../src/supervisor/child-registry.ts";
import { aliveInGroup, descendantsOf, isAlive } from "../helpers/processes.ts";
import { fixture, Inbox, useChildren } from "./harness.ts";

describe("stopping a child", () => {
  const t = useChildren();

  it("ends a child that exits on stdin EOF without any signal", async () => {
    const child = t.spawn({ argv: ["cat"] });
    const started = performance.now();
    const end = await child.stop({ graceMs: 5000 });
    expect(end).toEqual({ state: "exited", code: 0, signal: null, reason: "stopped" });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(child.logs.tail().some((l) => l.text.includes("SIGTERM"))).toBe(false);
  });

  it("sends SIGTERM to a child that ignores stdin EOF", async () => {
    const child = t.spawn({ argv: ["sleep", "1000"] });
    const end = await child.stop({ graceMs: 100 });
    expect(end).toMatchObject({ state: "exited", signal: "SIGTERM", reason: "stopped" });
  });

  it("SIGKILLs a child that ignores SIGTERM, after a grace per step", async () => {
    const child = t.spawn({ argv: fixture("ignore-sigterm.ts") });
    const inbox = new Promise<void>((resolve) => child.on("stderr", (l) => l.includes("ready") && resolve()));
    await inbox;
    const pid = child.pid ?? -1;
    const started = performance.now();
    const end = await child.stop({ graceMs: 150 });
    expect(end).toMatchObject({ state: "exited", signal: "SIGKILL" });
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(child.logs.tail(10, "stderr").map((l) => l.text)).toContain("ignoring SIGTERM");
    expect(child.logs.tail().map((l) => l.text)).toContain("still running 150 ms after SIGTERM; sending SIGKILL");
    expect(aliveInGroup(pid)).toEqual([]);
  });

  it("stops grandchildren that a wrapper started with sh -c", async () => {
    const child = t.spawn({ argv: fixture("grandchildren.ts", "stay") });
    const pid = child.pid ?? -1;
    const { params } = await new Inbox(child).method("fixture/pids");
    const pids = (params as { pids: number[] }).pids;
    expect(pids).toHaveLength(3);
    expect(descendantsOf(pid).map((p) => p.pid).sort()).toEqual([...pids].sort());
    await child.stop({ graceMs: 100 });
    expect(pids.filter(isAlive)).toEqual([]);
    expect(aliveInGroup(pid)).toEqual([]);
  });

  it("kills orphaned grandchildren when the leader exits on its own", async () => {
    const child = t.spawn({ argv: fixture("grandchildren.ts", "exit") });
    const pid = child.pid ?? -1;
    const { params } = await new Inbox(child).method("fixture/pids");
    const end = await child.ended;
    expect(end).toMatchObject({ state: "exited", code: 0, reason: "exited on its own" });
    expect((params as { pids: number[] }).pids.filter(isAlive)).toEqual([]);
    expect(aliveInGroup(pid)).toEqual([]);
  });

  it("returns the same end state to concurrent stop calls", async () => {
    const child = t.spawn({ argv: ["sleep", "1000"] });
    const [a, b] = await Promise.all([child.stop({ graceMs: 50, reason: "first" }), child.stop({ reason: "second" })]);
    expect(a).toBe(b);
    expect(a).toMatchObject({ state: "exited", reason: "first" });
  });

  it("killAllChildren stops every live child and empties the registry", async () => {
    const children = [t.spawn({ argv: ["sleep", "1000"] }), t.spawn({ argv: fixture("grandchildren.ts", "stay") })];
    await new Inbox(children[1]!).method("fixture/pids");
    await killAllChildren({ graceMs: 100 });
    for (const child of children) expect(child.state).toMatchObject({ state: "exited", reason: "hearth is shutting down" });
    expect(liveChildren()).toEqual([]);
  });
});
