import { afterEach, describe, expect, it } from "bun:test";
import { join } from "node:path";
import { detectProtections } from "../../src/supervisor/sandbox.ts";
import type { LaunchPlan } from "../../src/supervisor/launch-plan.ts";
import { Supervisor } from "../../src/supervisor/supervisor.ts";
import { tempDir } from "../helpers/temp.ts";

const FIXTURES = join(import.meta.dir, "../fixtures");
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function supervisor(maxChildren = 10): Promise<Supervisor> {
  const dir = tempDir("hearth-pool-");
  const s = new Supervisor({ sessionsDir: join(dir.path, "sessions"), sandbox: "none", protections: await detectProtections(), maxChildren });
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

  it("replaces a crashing pooled child with backoff instead of spinning", async () => {
    const s = await supervisor();
    s.warm(plan("crash-on-start.ts"), 1);
    await Bun.sleep(1500);
    // With 500 ms, 1 s, 2 s… backoff, a crash loop spawns a handful of children in 1.5 s, not hundreds.
    expect(s.count()).toBeLessThanOrEqual(1);
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
