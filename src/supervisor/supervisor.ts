import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { childEnds } from "../metrics/metrics.ts";
import { AppError } from "../shared/app-error.ts";
import { logger } from "../shared/log.ts";
import { spawnChild, type Child } from "./child.ts";
import { killAllChildren } from "./child-registry.ts";
import { CgroupLimiter, type CgroupEnforcement, type CgroupSlot } from "./cgroup.ts";
import type { LaunchPlan } from "./launch-plan.ts";
import type { Lease } from "./lease.ts";
import { limitHint } from "./limit-hints.ts";
import { LogRing } from "./log-ring.ts";
import { liveGroupMembers } from "./process-group.ts";
import { signatureOf, WarmPools } from "./pool.ts";
import { SharedChild } from "./shared-child.ts";
import { workDirName } from "./session-root.ts";
import { wrapCommand, type Protections, type SandboxMode } from "./sandbox.ts";
import { plural } from "../shared/plural.ts";

const log = logger("supervisor");

/** SupervisorOptions are instance-wide limits and where session work dirs live. */
export interface SupervisorOptions {
  /** sessionsDir holds the work dirs; keep it short (see session-root.ts): programs put Unix sockets there. */
  sessionsDir: string;
  sandbox: SandboxMode;
  protections: Protections;
  maxChildren: number;
  maxMessageBytes?: number;
  /** logsFor returns the per-server ring the child's stderr and lifecycle go to. */
  logsFor?: (serverKey: string) => LogRing;
}

/** Supervisor spawns per-session children within limits and always cleans up after them. */
export class Supervisor {
  private readonly live = new Map<string, Lease>();
  private readonly perServer = new Map<string, number>();
  /** shared holds the live shared children, by launch-plan signature. */
  private readonly shared = new Map<string, SharedChild>();
  private stopping = false;
  private readonly pools: WarmPools;
  /** cgroups places limited children in their own cgroup, when this host allows it. */
  private readonly cgroups: CgroupLimiter | undefined;
  private readonly cgroupReason: string | undefined;

  constructor(private readonly opts: SupervisorOptions) {
    mkdirSync(opts.sessionsDir, { recursive: true, mode: 0o700 });
    const prepared = CgroupLimiter.prepare(opts.protections.cgroupV2);
    this.cgroups = prepared instanceof CgroupLimiter ? prepared : undefined;
    this.cgroupReason = prepared instanceof CgroupLimiter ? undefined : prepared.reason;
    if (!this.cgroups && "reason" in prepared) log.info("per-child memory.max/pids.max not applied (prlimit limits only)", { reason: prepared.reason });
    // The pool spawns through the same path as sessions, so limits and cleanup are shared.
    this.pools = new WarmPools((plan) => (this.canSpawnIdle(plan) ? this.spawn(plan) : undefined));
  }

  // A warm child is a child: it counts toward maxChildren and toward its server's maxSessions, so
  // a server never runs more children than it may have sessions. It never takes the instance's
  // last free slot either: sessions come first.
  private canSpawnIdle(plan: LaunchPlan): boolean {
    return !this.stopping && this.live.size < this.opts.maxChildren - 1 && this.count(plan.serverKey) < plan.maxSessions;
  }

  /** cgroupLimits says whether memoryMiB and pids are enforced here (cgroup v2 delegated), and if not, why. */
  cgroupLimits(): CgroupEnforcement {
    return this.cgroups ? { enforced: true } : { enforced: false, reason: this.cgroupReason ?? "cgroup v2 limits are not usable here" };
  }

  /** count is the number of live children, overall or for one server. */
  count(serverKey?: string): number {
    return serverKey === undefined ? this.live.size : (this.perServer.get(serverKey) ?? 0);
  }

  /** lease gives a new session a child: a warm one from the server's pool when the plan matches, else a cold spawn. */
  lease(plan: LaunchPlan): Lease {
    if (this.stopping) throw new AppError("unavailable", "Hearth is restarting or shutting down; try again in a few seconds");
    return plan.sessionPolicy === "shared" ? this.leaseShared(plan) : this.leaseOwn(plan);
  }

  // The session limit is checked before the pool is asked: a warm child is a session like any other.
  private leaseOwn(plan: LaunchPlan): Lease {
    if (this.count(plan.serverKey) - this.pools.idleCount(plan.serverKey) >= plan.maxSessions) {
      throw new AppError("unavailable", `${plan.serverKey} already has its maximum of ${plural(plan.maxSessions, "session")}; try again shortly`);
    }
    const warm = this.pools.take(plan);
    if (warm) return warm;
    if (this.live.size >= this.opts.maxChildren) throw new AppError("unavailable", `this instance runs its maximum of ${plural(this.opts.maxChildren, "server process", "server processes")}; try again shortly`);
    return this.spawn(plan);
  }

  // A session of a shared server joins the live child of its plan, or starts one (warm or cold).
  private leaseShared(plan: LaunchPlan): Lease {
    const signature = signatureOf(plan);
    let shared = this.shared.get(signature);
    if (!shared?.alive) {
      const base = this.leaseOwn(plan);
      const created = new SharedChild(base.child, base.sandboxed, () => {
        if (this.shared.get(signature) === created) this.shared.delete(signature);
        void base.release("its last session ended");
      });
      void base.child.ended.then(() => {
        if (this.shared.get(signature) === created) this.shared.delete(signature);
      });
      this.shared.set(signature, (shared = created));
    }
    if (shared.size >= plan.maxSessions) throw new AppError("unavailable", `${plan.serverKey} already has its maximum of ${plural(plan.maxSessions, "session")}; try again shortly`);
    const id = crypto.randomUUID();
    const channel = shared.attach(id.slice(0, 8));
    return { id, serverKey: plan.serverKey, child: channel, sandboxed: shared.sandboxed, release: (reason) => channel.stop({ reason }) };
  }

  /** warm keeps `size` spawned, unused children ready for config-free sessions of this plan (0 drains). */
  warm(plan: LaunchPlan, size: number): void {
    this.pools.configure(plan, size);
  }

  /** logsFor returns the per-server log ring (created on first use), for live tails. */
  logsFor(serverKey: string): LogRing | undefined {
    return this.opts.logsFor?.(serverKey);
  }

  /** poolStats reports warm-pool hits and misses, for metrics and the deployments page. */
  poolStats(): { hits: number; misses: number; idle: number } {
    return this.pools.stats();
  }

  private spawn(plan: LaunchPlan): Lease {
    const id = crypto.randomUUID();
    const workDir = join(this.opts.sessionsDir, workDirName(id));
    mkdirSync(workDir, { mode: 0o700 });
    let wrapped;
    try {
      wrapped = wrapCommand({ argv: plan.argv, packageDir: plan.packageDir, workDir, network: plan.network, limits: plan.limits, mode: plan.sandbox ?? this.opts.sandbox, readOnlyPaths: plan.readOnlyPaths, browser: plan.browser }, this.opts.protections);
    } catch (e) {
      rmSync(workDir, { recursive: true, force: true });
      throw e;
    }
    const logs = this.opts.logsFor?.(plan.serverKey);
    const session = id.slice(0, 8);
    for (const w of wrapped.warnings) logs?.push("hearth", `warning: ${w}`, Date.now(), session);
    let slot: CgroupSlot | undefined;
    const child = spawnChild({
      argv: wrapped.argv,
      env: { ...plan.env, ...wrapped.env },
      cwd: wrapped.cwd,
      label: `${plan.serverKey}#${session}`,
      logSession: session,
      leaderIsWrapper: wrapped.leaderIsWrapper,
      maxMessageBytes: this.opts.maxMessageBytes,
      logs,
      redact: plan.redact,
      // memory.max is only blamed where it was applied (a cgroup slot exists).
      explainExit: (exit) => limitHint({ ...exit, oomKills: slot?.oomKills() ?? 0 }, slot ? plan.limits : { ...plan.limits, memoryBytes: undefined, pids: undefined }),
    });
    slot = this.placeInCgroup(id, child, plan, logs);
    if (plan.limits && plan.limits.addressSpaceBytes === undefined && !(slot && plan.limits.memoryBytes !== undefined)) {
      logs?.push("hearth", "warning: no address-space limit and no cgroup memory.max on this host: nothing bounds this server's memory");
    }
    this.perServer.set(plan.serverKey, this.count(plan.serverKey) + 1);
    const lease: Lease = { id, serverKey: plan.serverKey, child, sandboxed: wrapped.sandboxed, release: (reason) => child.stop({ reason }) };
    this.live.set(id, lease);
    // Whatever ends the child (release, crash, shutdown), the bookkeeping and work dir go with it.
    void child.ended.then((end) => {
      this.live.delete(id);
      this.perServer.set(plan.serverKey, Math.max(0, this.count(plan.serverKey) - 1));
      rmSync(workDir, { recursive: true, force: true });
      slot?.remove();
      childEnds.inc({ state: end.state });
      log.debug("session child ended", { server: plan.serverKey, lease: id, state: end.state });
      // A freed slot (a session ended) may be what a pool held back for.
      if (!this.stopping) queueMicrotask(() => this.pools.topUp());
    });
    return lease;
  }

  // memory.max and pids.max apply only where cgroup v2 is delegated; prlimit's limits apply regardless.
  private placeInCgroup(id: string, child: Child, plan: LaunchPlan, logs: LogRing | undefined): CgroupSlot | undefined {
    const { memoryBytes, pids } = plan.limits ?? {};
    if (!this.cgroups || child.pid === undefined || (memoryBytes === undefined && pids === undefined)) return undefined;
    try {
      return this.cgroups.place(id, [child.pid, ...liveGroupMembers(child.pid)], { memoryBytes, pids });
    } catch (e) {
      logs?.push("hearth", `warning: cgroup limits not applied: ${(e as Error).message}`, Date.now(), id.slice(0, 8));
      return undefined;
    }
  }

  /** refuseNew stops leasing and ends the warm pools, at the start of a drain; shutdown ends the rest. */
  refuseNew(): void {
    this.stopping = true;
    this.pools.drainAll();
  }

  /** shutdown refuses new leases and ends every child: stdin closed, then SIGTERM, then SIGKILL, graceMs apart. */
  async shutdown(graceMs = 2000): Promise<void> {
    this.refuseNew();
    // Children already stopping (their session just ended) hurry up to this grace too.
    await Promise.all([...this.live.values()].map((l) => l.child.stop({ reason: "Hearth is shutting down", graceMs })));
    await killAllChildren({ reason: "Hearth is shutting down", graceMs });
  }
}
