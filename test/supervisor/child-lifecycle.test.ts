import { describe, expect, it } from "bun:test";
import type { ChildState } from "../../src/supervisor/child.ts";
import { liveChildren } from "../../src/supervisor/child-registry.ts";
import { isAppError } from "../../src/shared/app-error.ts";
import { aliveInGroup, readProc } from "../helpers/processes.ts";
import { BUN, fixture, Inbox, useChildren } from "./harness.ts";

describe("child lifecycle", () => {
  const t = useChildren();

  it("runs the child as the leader of its own process group", async () => {
    const child = t.spawn({ argv: ["sleep", "1000"] });
    expect(child.state.state).toBe("running");
    const pid = child.pid ?? -1;
    expect(readProc(pid)?.pgrp).toBe(pid);
    expect(readProc(process.pid)?.pgrp).not.toBe(pid);
    await child.stop({ graceMs: 100 });
  });

  it("reports running, stopping, exited through state events, in that order", async () => {
    const seen: string[] = [];
    const child = t.spawn({ argv: ["cat"], onState: (s) => seen.push(s.state) });
    const end = await child.stop({ reason: "test is done" });
    expect(seen).toEqual(["running", "stopping", "exited"]);
    expect(end).toEqual({ state: "exited", code: 0, signal: null, reason: "test is done" });
  });

  it("fails without throwing when the command does not exist", async () => {
    const child = t.spawn({ argv: ["/nonexistent/hearth-server"] });
    const end = await child.ended;
    expect(end.state).toBe("failed");
    if (end.state !== "failed") return;
    expect(isAppError(end.error)).toBe(true);
    expect(end.error.message).toContain("could not start /nonexistent/hearth-server");
    expect(liveChildren()).not.toContain(child);
  });

  it("fails a child that crashes on start, with its exit code and stderr tail", async () => {
    const child = t.spawn({ argv: fixture("crash-on-start.ts") });
    const pid = child.pid ?? -1;
    const end = await child.ended;
    expect(end.state).toBe("failed");
    if (end.state !== "failed") return;
    expect(end.code).toBe(3);
    expect(end.error.message).toContain("exited with code 3");
    expect(end.stderrTail).toContain("fatal: API_KEY is not set");
    expect(aliveInGroup(pid)).toEqual([]);
  });

  it("ends as exited, not failed, when the child exits 0 on its own", async () => {
    const child = t.spawn({ argv: ["true"] });
    expect(await child.ended).toEqual({ state: "exited", code: 0, signal: null, reason: "exited on its own" });
  });

  it("fails a child killed by a signal from outside, naming the signal", async () => {
    const child = t.spawn({ argv: ["sleep", "1000"] });
    process.kill(child.pid ?? -1, "SIGSEGV");
    const end = await child.ended;
    expect(end.state === "failed" && end.signal).toBe("SIGSEGV");
    expect(end.state === "failed" && end.error.message).toContain("was killed by SIGSEGV");
  });

  it("keeps the terminal state final and resolves ended once", async () => {
    const states: ChildState[] = [];
    const child = t.spawn({ argv: ["true"], onState: (s) => states.push(s) });
    const first = await child.ended;
    const again = await child.stop();
    expect(again).toBe(first);
    expect(states.filter((s) => s.state === "exited")).toHaveLength(1);
  });

  it("refuses to send once the child is stopping or gone", async () => {
    const child = t.spawn({ argv: ["cat"] });
    const stopped = child.stop();
    await expect(child.send("{}")).rejects.toThrow(/cannot send to cat: it is stopping/);
    await stopped;
    await expect(child.send("{}")).rejects.toThrow(/it is exited/);
  });

  it("gives the child only the env it was given plus PATH, HOME and TMPDIR", async () => {
    process.env.HEARTH_SECRET_TEST = "x";
    try {
      const code = 'console.log(JSON.stringify({ jsonrpc: "2.0", method: "env", params: process.env }))';
      const child = t.spawn({ argv: [BUN, "-e", code], env: { API_KEY: "k" }, cwd: t.tmp });
      const env = (await new Inbox(child).method("env")).params as Record<string, string>;
      expect(env.HEARTH_SECRET_TEST).toBeUndefined();
      expect(Object.keys(env).sort()).toEqual(["API_KEY", "HEARTH_TEST_MARK", "HOME", "PATH", "TMPDIR"]);
      expect(env.HOME).toBe(t.tmp);
    } finally {
      delete process.env.HEARTH_SECRET_TEST;
    }
  });

  it("keeps a lifecycle log in the ring alongside stderr", async () => {
    const child = t.spawn({ argv: fixture("crash-on-start.ts") });
    await child.ended;
    const lines = child.logs.tail().map((l) => `${l.stream}: ${l.text}`);
    expect(lines[0]).toMatch(/^hearth: running as pid \d+$/);
    expect(lines).toContain("stderr: fatal: API_KEY is not set");
    expect(lines.at(-1)).toContain("hearth: failed: ");
  });
});
