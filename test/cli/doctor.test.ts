import { describe, expect, it } from "bun:test";
import { detectProtections } from "../../src/supervisor/sandbox.ts";
import { runHearth } from "../helpers/hearth-process.ts";

describe("hearth doctor", () => {
  it("prints each protection with what it enforces here, the default limits, and how to change them per server", async () => {
    const p = await detectProtections();
    const r = await runHearth(["doctor"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${p.bwrap.usable ? "yes" : "no "} bubblewrap`);
    expect(r.stdout).toContain(p.prlimit.path ? "per-child limits: address space 8192 MiB, 4096 open files" : "no address-space, file, process or CPU limits");
    // cgroup v2 is reported with the reason it can't be used, or the limits it applies.
    expect(r.stdout).toContain(p.cgroupV2.usable ? "per-child memory.max 1024 MiB (no swap) and pids.max 256" : `no memory.max/pids.max: ${p.cgroupV2.reason}`);
    expect(r.stdout).toContain("--set limits.memoryMiB=512");
  });
});
