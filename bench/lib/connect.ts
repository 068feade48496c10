// Connect-to-initialized through Hearth, cold (spawn + load + initialize) or from the warm pool.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { getDeployment } from "../../src/deploy/deployments.ts";
import { warmDeployment } from "../../src/deploy/warm.ts";
import { findServer } from "../../src/registry/catalog.ts";
import { ANONYMOUS } from "../../src/registry/visibility.ts";
import { endSession } from "./echo.ts";
import { NAME, setPoolSize, type BenchHearth } from "./hearth.ts";
import type { Path } from "./paths.ts";
import { openTransport } from "./transport.ts";

/** applyPool sets the bench server's warm pool size and resizes the running pool to match. */
export function applyPool(b: BenchHearth, size: number): void {
  setPoolSize(b, size);
  const server = findServer(b.h.ctx.dbh, { ...ANONYMOUS, isAdmin: true }, NAME);
  warmDeployment(b.h.ctx, NAME, getDeployment(b.h.ctx.dbh, server.id)!);
}

/** waitForPool waits until `size` warm children are idle, then lets them finish loading, as in real use. */
export async function waitForPool(b: BenchHearth, size: number, settleMs = 300): Promise<void> {
  const end = Date.now() + 10_000;
  while (b.h.hosting.supervisor.poolStats().idle < size && Date.now() < end) await Bun.sleep(10);
  await Bun.sleep(settleMs);
}

/** connectTimes opens and closes n sessions one after another, timing connect-to-initialized. */
export async function connectTimes(b: BenchHearth, path: Path, n: number, pool: number): Promise<number[]> {
  applyPool(b, pool);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    if (pool > 0) await waitForPool(b, pool);
    const t0 = performance.now();
    const transport = openTransport(path.spec);
    const client = new Client({ name: "hearth-bench", version: "1" });
    await client.connect(transport);
    out.push(performance.now() - t0);
    await endSession(transport, client);
  }
  return out;
}
