import { afterEach, describe, expect, it } from "bun:test";
import { join } from "node:path";
import { detectProtections } from "../../src/supervisor/sandbox.ts";
import { Supervisor } from "../../src/supervisor/supervisor.ts";
import type { LaunchPlan } from "../../src/supervisor/launch-plan.ts";
import type { Lease } from "../../src/supervisor/lease.ts";
import { descendantsOf, waitUntil } from "../helpers/processes.ts";
import { tempDir } from "../helpers/temp.ts";

// How warm children count (README, "Publish, deploy, connect"): a warm child is a child of its
// server and of the instance, and a session taken from the pool is a session like a cold one.
const FIXTURES = join(import.meta.dir, "../fixtures");
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  expect(descendantsOf(process.pid)).toEqual([]);
});

async function supervisor(maxChildren = 20): Promise<Supervisor> {
  const dir = tempDir("hearth-pool-limits-");
  const s = new Supervisor({ sessionsDir: join(dir.path, "sessions"), sandbox: "none", protections: await detectProtections(), maxChildren });
  cleanups.push(dir.cleanup, () => s.shutdown(200));
  return s;
}
function plan(serverKey: string, maxSessions: number): LaunchPlan {
  return { serverKey, argv: [process.execPath, join(FIXTURES, "echo-server.ts")], env: {}, packageDir: FIXTURES, network: "host", maxSessions };
}
// Lets the pool's refill (a microtask after each take) and any child ends run.
const settle = () => Bun.sleep(300);

describe("maxSessions with a warm pool", () => {
  it("refuses the session past maxSessions even when it would come from the pool", async () => {
    const s = await supervisor();
    const p = plan("io.github.test/capped", 3);
    s.warm(p, 1);
    const leases: Lease[] = [];
    for (let i = 0; i < 3; i++) {
      leases.push(s.lease(p));
      await settle();
    }
    expect(s.poolStats().hits).toBeGreaterThanOrEqual(1);
    expect(() => s.lease(p)).toThrow("io.github.test/capped already has its maximum of 3 sessions");
    expect(s.count("io.github.test/capped")).toBe(3);
  });

  it("does not refill the pool past maxSessions, and refills once a session ends", async () => {
    const s = await supervisor();
    const p = plan("io.github.test/refill", 2);
    s.warm(p, 1);
    const first = s.lease(p);
    await settle();
    s.lease(p);
    await settle();
    // Two sessions of two allowed: a warm third child could serve nobody.
    expect(s.count("io.github.test/refill")).toBe(2);
    expect(s.poolStats().idle).toBe(0);
    await first.release("done");
    expect(await waitUntil(() => s.poolStats().idle === 1, 5000)).toBe(true);
    expect(s.count("io.github.test/refill")).toBe(2);
  });
});

describe("the instance-wide child cap with warm pools", () => {
  it("counts warm children, never lets the pools take the last slot, and holds on the pool and cold paths", async () => {
    const s = await supervisor(4);
    const a = plan("io.github.test/a", 10);
    const b = plan("io.github.test/b", 10);
    s.warm(a, 2);
    s.warm(b, 2);
    await settle();
    expect(s.count()).toBe(3); // 4 wanted by the pools, one slot kept for sessions
    const leased = [s.lease(a), s.lease(b)]; // warm
    await settle();
    leased.push(s.lease(b)); // warm or cold, whichever is left
    await settle();
    expect(s.count()).toBeLessThanOrEqual(4);
    while (s.count() < 4) {
      leased.push(s.lease(a));
      await settle();
    }
    expect(() => {
      for (let i = 0; i < 3; i++) leased.push(s.lease(i % 2 ? a : b));
    }).toThrow("this instance runs its maximum of 4 server processes");
    await settle();
    expect(s.count()).toBe(4);
  });
});
