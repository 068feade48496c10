import { afterEach, describe, expect, it } from "bun:test";
import { join } from "node:path";
import { LogRing } from "../../src/supervisor/log-ring.ts";
import { detectProtections } from "../../src/supervisor/sandbox.ts";
import type { LaunchPlan } from "../../src/supervisor/launch-plan.ts";
import { Supervisor } from "../../src/supervisor/supervisor.ts";
import { tempDir } from "../helpers/temp.ts";

const FIXTURES = join(import.meta.dir, "../fixtures");
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function supervisor(maxChildren = 10, ring?: LogRing): Promise<Supervisor> {
  const dir = tempDir("hearth-pool-");
  const s = new Supervisor({ sessionsDir: join(dir.path, "sessions"), sandbox: "none", protections: await detectProtections(), maxChildren, logsFor: ring && (() => ring) });
  cleanups.push(dir.cleanup, () => s.shutdown(200));
  return s;
}
function plan(script: string, extra: Partial<LaunchPlan> = {}): LaunchPlan {
  return { serverKey: "io.github.test/" + script, argv: [process.execPath, join(FIXTURES, script)], env: {}, packageDir: FIXTURES, network: "host", maxSessions: 5, ...extra };
}
async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await Bun.sleep(20);
}

describe("warm pool", () => {
  it("hands a pre-spawned child to a session with the same plan and refills behind it", async () => {
    const s = await supervisor();
    s.warm(plan("echo-server.ts"), 2);
    expect(s.poolStats().idle).toBe(2);
    const lease = s.lease(plan("echo-server.ts"));
    expect(s.poolStats()).toMatchObject({ hits: 1 });
    await until(() => s.poolStats().idle === 2);
    expect(s.count()).toBe(3);
    await lease.release("done");
    await until(() => s.count() === 2);
    expect(s.count()).toBe(2);
  });

  it("never serves a session whose plan differs (its config would be lost)", async () => {
    const s = await supervisor();
    s.warm(plan("echo-server.ts"), 1);
    const other = s.lease(plan("echo-server.ts", { env: { TOKEN: "x" } }));
    expect(s.poolStats()).toMatchObject({ hits: 0, misses: 1 });
    await other.release("done");
  });

  it("replaces a crashing pooled child after 1 s, then 2 s: exponential backoff, not a spin", async () => {
    const ring = new LogRing();
    const crashes: number[] = [];
    ring.subscribe((l) => l.text.includes("API_KEY is not set") && crashes.push(Date.now()));
    const s = await supervisor(10, ring);
    s.warm(plan("crash-on-start.ts"), 1);
    await until(() => crashes.length >= 3, 20_000);
    // Each replacement waits out its backoff (1 s after the first failure, 2 s after the second)
    // before it even spawns, so these are lower bounds however slow the machine is.
    expect(crashes.length).toBe(3);
    expect(crashes[1]! - crashes[0]!).toBeGreaterThanOrEqual(1000);
    expect(crashes[2]! - crashes[1]!).toBeGreaterThanOrEqual(2000);
  });

  it("drains when its size goes to 0, and never takes the last free slots", async () => {
    const s = await supervisor(3);
    s.warm(plan("echo-server.ts"), 5);
    expect(s.poolStats().idle).toBe(2);
    s.warm(plan("echo-server.ts"), 0);
    await until(() => s.count() === 0);
    expect(s.count()).toBe(0);
  });
});
