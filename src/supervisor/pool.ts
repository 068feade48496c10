import type { LaunchPlan } from "./launch-plan.ts";
import type { Lease } from "./lease.ts";

interface Pool {
  signature: string;
  plan: LaunchPlan;
  size: number;
  idle: Lease[];
  failures: number;
  timer?: Timer;
}

const MAX_BACKOFF_MS = 60_000;

/** signatureOf says when two plans start the same child (same command, config env, sandbox and limits). */
export function signatureOf(plan: LaunchPlan): string {
  return JSON.stringify([plan.argv, plan.env, plan.packageDir, plan.network, plan.sandbox ?? null, plan.limits ?? null, plan.browser ?? false]);
}

/**
 * WarmPools keeps spawned-but-unused children per server, so a config-free session skips process
 * start-up (most of cold connect time). A pooled child has received nothing yet: the client's own
 * `initialize` is its first message, so the relay stays transparent. A pooled child that dies is
 * replaced with exponential backoff, so a crash-looping server can't spin.
 */
export class WarmPools {
  private readonly pools = new Map<string, Pool>();
  private hits = 0;
  private misses = 0;

  constructor(private readonly spawn: (plan: LaunchPlan) => Lease | undefined) {}

  /** configure sets a server's pool size for a plan; a different plan replaces the old pool. */
  configure(plan: LaunchPlan, size: number): void {
    const signature = signatureOf(plan);
    let pool = this.pools.get(plan.serverKey);
    if (pool && pool.signature !== signature) {
      this.drain(pool);
      pool = undefined;
    }
    if (!pool) {
      pool = { signature, plan, size, idle: [], failures: 0 };
      this.pools.set(plan.serverKey, pool);
    }
    pool.plan = plan; // same child, but limits such as maxSessions may have changed
    pool.size = Math.max(0, Math.floor(size));
    if (pool.size === 0) {
      this.drain(pool);
      this.pools.delete(plan.serverKey);
      return;
    }
    this.refill(pool);
  }

  /** take returns a live pooled child for exactly this plan, and refills behind it. */
  take(plan: LaunchPlan): Lease | undefined {
    const pool = this.pools.get(plan.serverKey);
    if (!pool || pool.signature !== signatureOf(plan)) {
      this.misses++;
      return undefined;
    }
    const alive = (l: Lease) => l.child.state.state === "running" || l.child.state.state === "starting";
    let lease = pool.idle.shift();
    while (lease && !alive(lease)) lease = pool.idle.shift();
    if (lease) this.hits++;
    else this.misses++;
    queueMicrotask(() => this.refill(pool));
    return lease;
  }

  /** idleCount is how many unused children a server's pool holds. */
  idleCount(serverKey: string): number {
    return this.pools.get(serverKey)?.idle.length ?? 0;
  }

  /** stats reports hits, misses and idle children across pools. */
  stats(): { hits: number; misses: number; idle: number } {
    let idle = 0;
    for (const p of this.pools.values()) idle += p.idle.length;
    return { hits: this.hits, misses: this.misses, idle };
  }

  /** topUp refills every pool that is short, e.g. once a session's end frees a slot it was held back by. */
  topUp(): void {
    for (const p of this.pools.values()) this.refill(p);
  }

  /** drainAll ends every idle child (Hearth is stopping). */
  drainAll(): void {
    for (const p of this.pools.values()) this.drain(p);
    this.pools.clear();
  }

  private drain(pool: Pool): void {
    clearTimeout(pool.timer);
    pool.size = 0;
    for (const l of pool.idle.splice(0)) void l.release("warm pool drained");
  }

  private refill(pool: Pool): void {
    if (pool.timer || this.pools.get(pool.plan.serverKey) !== pool) return;
    while (pool.idle.length < pool.size) {
      const lease = this.spawn(pool.plan);
      if (!lease) return;
      pool.idle.push(lease);
      void lease.child.ended.then((end) => {
        const i = pool.idle.indexOf(lease);
        if (i < 0) return; // taken by a session, or drained: not the pool's concern any more
        pool.idle.splice(i, 1);
        pool.failures = end.state === "failed" ? pool.failures + 1 : 0;
        const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** pool.failures);
        pool.timer = setTimeout(() => {
          pool.timer = undefined;
          this.refill(pool);
        }, delay);
        pool.timer.unref();
      });
    }
  }
}
