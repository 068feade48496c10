import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { LogRing } from "../../src/supervisor/log-ring.ts";
import { detectProtections, type SandboxMode } from "../../src/supervisor/sandbox.ts";
import type { LaunchPlan } from "../../src/supervisor/launch-plan.ts";
import type { Lease } from "../../src/supervisor/lease.ts";
import { Supervisor } from "../../src/supervisor/supervisor.ts";
import { descendantsOf, killMarked, waitUntil } from "../helpers/processes.ts";
import { tempDir } from "../helpers/temp.ts";
import { Inbox, MARK, ROOT } from "./harness.ts";

const FIXTURES = join(import.meta.dir, "../fixtures");
const protections = await detectProtections();
const GiB = 2 ** 30;
const noBwrap = protections.bwrap.usable ? "" : ` [skipped: bubblewrap not usable here: ${protections.bwrap.reason}]`;
const noCgroup = protections.cgroupV2.usable ? "" : ` [skipped: ${protections.cgroupV2.reason}]`;

let mark = "";
const cleanups: (() => unknown)[] = [];
beforeEach(() => {
  mark = crypto.randomUUID();
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  // Nothing a limited child started may outlive its test.
  expect(await waitUntil(() => killMarked(MARK, mark).length === 0, 2000)).toBe(true);
});

function supervisor(sandbox: SandboxMode = "none"): { s: Supervisor; logs: LogRing } {
  const dir = tempDir("hearth-limits-");
  const logs = new LogRing();
  const s = new Supervisor({ sessionsDir: join(dir.path, "sessions"), sandbox, protections, maxChildren: 10, logsFor: () => logs });
  cleanups.push(dir.cleanup, () => s.shutdown(200));
  return { s, logs };
}

function plan(args: string[], extra: Partial<LaunchPlan> = {}): LaunchPlan {
  return {
    serverKey: "io.github.test/limits",
    argv: [process.execPath, ...args],
    env: { [MARK]: mark },
    packageDir: FIXTURES,
    network: "host",
    maxSessions: 5,
    // The sandbox shows the fixture and the runtime beside it; tests run bun from outside /usr.
    readOnlyPaths: [ROOT],
    ...extra,
  };
}

async function reportedLimits(lease: Lease): Promise<{ limits: Record<string, string>; cgroup: string }> {
  const msg = await new Inbox(lease.child).method("fixture/limits");
  return msg.params as { limits: Record<string, string>; cgroup: string };
}

describe("resource limits", () => {
  it("gives the child exactly the address-space, open-files, process and CPU limits asked for (prlimit, byte counts)", async () => {
    const { s } = supervisor();
    const lease = s.lease(plan([join(FIXTURES, "limits-report.ts")], { limits: { addressSpaceBytes: 2 * GiB, openFiles: 256, processes: 300, cpuSeconds: 120 } }));
    const { limits } = await reportedLimits(lease);
    expect(limits).toMatchObject({ "Max address space": String(2 * GiB), "Max open files": "256", "Max processes": "300", "Max cpu time": "120" });
    await lease.release("done");
  });

  it(`applies the same limits inside the bubblewrap sandbox${noBwrap}`, async () => {
    if (noBwrap) return;
    const { s } = supervisor("bwrap");
    const lease = s.lease(plan([join(FIXTURES, "limits-report.ts")], { limits: { addressSpaceBytes: 2 * GiB, openFiles: 128 } }));
    expect(lease.sandboxed).toBe(true);
    const { limits } = await reportedLimits(lease);
    expect(limits).toMatchObject({ "Max address space": String(2 * GiB), "Max open files": "128" });
    await lease.release("done");
  });

  it("ends a child that allocates past its address-space limit as failed, saying it ran out of memory, with nothing left", async () => {
    const { s, logs } = supervisor();
    const lease = s.lease(plan([join(FIXTURES, "memory-hog.ts")], { limits: { addressSpaceBytes: GiB } }));
    const pid = lease.child.pid!;
    const end = await lease.child.ended;
    expect(end.state).toBe("failed");
    if (end.state !== "failed") return;
    expect(end.error.message).toContain("it ran out of memory under its limits (address space 1024 MiB)");
    expect(logs.tail(50).some((l) => l.stream === "hearth" && l.text.includes("ran out of memory"))).toBe(true);
    expect(descendantsOf(pid)).toEqual([]);
    expect(s.count()).toBe(0);
  }, 30_000);

  it("ends a child that uses up its CPU-time limit (SIGXCPU), naming the limit", async () => {
    const { s } = supervisor();
    const lease = s.lease(plan([join(FIXTURES, "limits-report.ts"), "spin"], { limits: { cpuSeconds: 1 } }));
    const end = await lease.child.ended;
    expect(end).toMatchObject({ state: "failed", signal: "SIGXCPU" });
    if (end.state === "failed") expect(end.error.message).toContain("it used up its CPU time limit (1 s)");
  }, 30_000);

  it("blames no limit when a child fails for its own reasons", async () => {
    const { s } = supervisor();
    const lease = s.lease(plan([join(FIXTURES, "crash-on-start.ts")], { limits: { addressSpaceBytes: 4 * GiB } }));
    const end = await lease.child.ended;
    expect(end.state === "failed" && end.error.message).toMatch(/exited with code 3$/);
  });

  it(`puts a child in its own cgroup with memory.max and pids.max, removed when it ends${noCgroup}`, async () => {
    if (noCgroup) return;
    const { s } = supervisor();
    const lease = s.lease(plan([join(FIXTURES, "limits-report.ts")], { limits: { memoryBytes: 256 * 2 ** 20, pids: 32 } }));
    const { cgroup } = await reportedLimits(lease);
    const own = cgroup.split("\n").find((l) => l.startsWith("0::"))!.slice(3);
    expect(own).toEndWith(`/hearth-children/${lease.id}`);
    const dir = join(protections.cgroupV2.path!, "hearth-children", lease.id);
    expect((await Bun.file(join(dir, "memory.max")).text()).trim()).toBe(String(256 * 2 ** 20));
    expect((await Bun.file(join(dir, "pids.max")).text()).trim()).toBe("32");
    await lease.release("done");
    expect(await waitUntil(() => !existsSync(dir), 2000)).toBe(true);
  });

  it(`ends a child the kernel OOM-kills under memory.max, saying so${noCgroup}`, async () => {
    if (noCgroup) return;
    const { s } = supervisor();
    const lease = s.lease(plan([join(FIXTURES, "memory-hog.ts")], { limits: { memoryBytes: 128 * 2 ** 20 } }));
    const end = await lease.child.ended;
    expect(end.state === "failed" && end.error.message).toContain("more than its memory limit (memory.max 128 MiB)");
  }, 30_000);
});
