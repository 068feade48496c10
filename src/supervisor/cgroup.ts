import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join, normalize } from "node:path";

/**
 * cgroup v2 limits for children: each limited child gets its own cgroup under
 * `<Hearth's cgroup>/hearth-children/<id>` with memory.max (real memory, unlike RLIMIT_AS, which
 * only caps address space) and pids.max (counted per child, unlike RLIMIT_NPROC, which counts every
 * process of the uid). Applied only where the hierarchy is v2, writable, and offers both
 * controllers; anywhere else Hearth falls back to prlimit alone and says so.
 */

/** CgroupSupport is what `hearth doctor` reports about cgroup v2 on this host. */
export interface CgroupSupport {
  writable: boolean;
  /** usable: writable, and both memory and pids controllers are available to delegate. */
  usable: boolean;
  path?: string;
  controllers: string[];
  reason?: string;
}

const NEEDED = ["memory", "pids"];

/** detectCgroupV2 finds Hearth's own v2 cgroup and whether per-child memory/pids limits can be set there; it changes nothing. */
export function detectCgroupV2(): CgroupSupport {
  try {
    const mount = readFileSync("/proc/self/mountinfo", "utf8")
      .split("\n")
      .find((line) => line.split(" - ")[1]?.startsWith("cgroup2 "));
    const own = readFileSync("/proc/self/cgroup", "utf8").split("\n").find((line) => line.startsWith("0::"));
    const mountPoint = mount?.split(" ")[4];
    if (!mountPoint || own === undefined) return { writable: false, usable: false, controllers: [], reason: "no cgroup v2 hierarchy" };
    const path = normalize(`${mountPoint}/${own.slice(3)}`).replace(/(.)\/$/, "$1");
    const controllers = readFileSync(`${path}/cgroup.controllers`, "utf8").trim().split(/\s+/).filter(Boolean);
    accessSync(path, constants.W_OK);
    const missing = NEEDED.filter((c) => !controllers.includes(c));
    if (missing.length > 0) {
      return { writable: true, usable: false, path, controllers, reason: `the ${missing.join(" and ")} controller${missing.length > 1 ? "s are" : " is"} not available in ${path} (a hybrid cgroup v1/v2 host, or not delegated)` };
    }
    return { writable: true, usable: true, path, controllers };
  } catch (e) {
    return { writable: false, usable: false, controllers: [], reason: e instanceof Error ? e.message : String(e) };
  }
}

/** CgroupEnforcement is whether the cgroup limits (memoryMiB, pids) apply to this instance's children. */
export type CgroupEnforcement = { enforced: true } | { enforced: false; reason: string };

/** CgroupLimits are the per-child cgroup values; unset means no limit of that kind. */
export interface CgroupLimits {
  memoryBytes?: number;
  pids?: number;
}

/** CgroupSlot is one child's cgroup: whether the kernel OOM-killed in it, and its removal. */
export interface CgroupSlot {
  path: string;
  /** oomKills is memory.events' oom_kill count: > 0 means the kernel killed for memory.max. */
  oomKills(): number;
  /** remove deletes the (by then empty) cgroup; failures are ignored, the next start sweeps. */
  remove(): void;
}

/**
 * CgroupLimiter creates per-child cgroups. Enabling controllers for children needs a parent with
 * no processes of its own (cgroup v2's "no internal processes" rule), so it works in a
 * `hearth-children` subtree it owns rather than in Hearth's own cgroup.
 */
export class CgroupLimiter {
  private readonly root: string;

  private constructor(root: string) {
    this.root = root;
  }

  /** prepare sets up the `hearth-children` subtree, or returns the reason it can't (the caller falls back to prlimit). */
  static prepare(support: CgroupSupport): CgroupLimiter | { reason: string } {
    if (!support.usable || !support.path) return { reason: support.reason ?? "cgroup v2 limits are not usable here" };
    try {
      enableOrLeave(support.path);
      const root = join(support.path, "hearth-children");
      mkdirSync(root, { recursive: true });
      enable(root);
      return new CgroupLimiter(root);
    } catch (e) {
      return { reason: `could not delegate memory/pids to children under ${support.path}: ${e instanceof Error ? e.message : String(e)}` };
    }
  }

  /**
   * place moves a just-spawned child into its own limited cgroup. Bun cannot spawn straight into a
   * cgroup (no CLONE_INTO_CGROUP), so the leader is moved right after spawn, then every member of
   * its process group, catching anything it forked in between.
   */
  place(id: string, pids: readonly number[], limits: CgroupLimits): CgroupSlot {
    const path = join(this.root, id);
    mkdirSync(path);
    if (limits.memoryBytes !== undefined) {
      writeFileSync(join(path, "memory.max"), String(limits.memoryBytes));
      // Swap would let a child blow through memory.max slowly instead of being stopped.
      if (existsSync(join(path, "memory.swap.max"))) writeFileSync(join(path, "memory.swap.max"), "0");
    }
    if (limits.pids !== undefined) writeFileSync(join(path, "pids.max"), String(limits.pids));
    for (const pid of pids) {
      try {
        writeFileSync(join(path, "cgroup.procs"), String(pid));
      } catch {
        // It exited between spawn and the move: nothing of it is left to limit.
      }
    }
    return {
      path,
      oomKills: () => {
        try {
          const line = readFileSync(join(path, "memory.events"), "utf8").split("\n").find((l) => l.startsWith("oom_kill "));
          return Number(line?.split(" ")[1] ?? 0);
        } catch {
          return 0;
        }
      },
      remove: () => {
        try {
          rmdirSync(path);
        } catch {
          // Still busy for a moment (a zombie): harmless, it is empty of running code.
        }
      },
    };
  }
}

// A cgroup with processes can't delegate controllers: Hearth first moves itself into a leaf beside
// its children (what systemd's Delegate= services do). With other processes there too, it gives up.
function enableOrLeave(path: string): void {
  try {
    enable(path);
  } catch (e) {
    if ((e as { code?: string }).code !== "EBUSY") throw e;
    const leaf = join(path, "hearth");
    mkdirSync(leaf, { recursive: true });
    writeFileSync(join(leaf, "cgroup.procs"), String(process.pid));
    enable(path);
  }
}

function enable(path: string): void {
  const active = readFileSync(join(path, "cgroup.subtree_control"), "utf8").trim().split(/\s+/);
  const missing = NEEDED.filter((c) => !active.includes(c));
  if (missing.length > 0) writeFileSync(join(path, "cgroup.subtree_control"), missing.map((c) => `+${c}`).join(" "));
}
