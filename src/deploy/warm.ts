import { eq } from "drizzle-orm";
import type { DbHandle } from "../db/client.ts";
import { deployments, servers } from "../db/schema.ts";
import { getVersionById } from "../registry/catalog.ts";
import { validateConfig, type TypedConfig } from "../registry/config-schema.ts";
import type { JsonSchemaObject } from "../registry/manifest.ts";
import { logger } from "../shared/log.ts";
import type { Supervisor } from "../supervisor/supervisor.ts";
import type { Deployment } from "./deployments.ts";
import type { PlanSession } from "./session-planner.ts";

const log = logger("deploy.warm");

/** WarmDeps is what sizing a pool uses: the store, and the planner and supervisor that keep its children. */
export interface WarmDeps {
  dbh: DbHandle;
  supervisor?: Supervisor;
  planSession?: PlanSession;
}

/**
 * warmDeployment sizes a ready deployment's warm pool. Only servers that start with no config can
 * be pooled: a pooled child is spawned before anyone connects, so it can't carry a session's config.
 */
export function warmDeployment(ctx: WarmDeps, serverKey: string, deployment: Deployment): void {
  if (!ctx.supervisor || !ctx.planSession || deployment.state !== "ready") return;
  try {
    const version = getVersionById(ctx.dbh, deployment.versionId);
    const empty = validateConfig((version.configSchema ?? { type: "object" }) as JsonSchemaObject, {});
    const size = empty.ok ? deployment.settings.poolSize : 0;
    const supervisor = ctx.supervisor;
    // A schema that needs config gets size 0: that plan starts no child, it only names the pool to drain.
    const config = empty.ok ? empty.value : ({} as TypedConfig);
    // Async only for smithery.yaml servers (their commandFunction runs first); others resolve at once.
    ctx.planSession({ serverKey, deployment, version }, config)
      .then((plan) => supervisor.warm(plan, size))
      .catch((e: Error) => log.warn("could not warm the pool", { server: serverKey, error: e.message }));
  } catch (e) {
    log.warn("could not warm the pool", { server: serverKey, error: (e as Error).message });
  }
}

/** warmAll sizes every ready deployment's pool at start; pools are keyed by server, so none is duplicated. */
export function warmAll(ctx: WarmDeps): void {
  const rows = ctx.dbh.db
    .select({ d: deployments, name: servers.qualifiedName })
    .from(deployments)
    .innerJoin(servers, eq(servers.id, deployments.serverId))
    .where(eq(deployments.state, "ready"))
    .all();
  for (const r of rows) warmDeployment(ctx, r.name, r.d);
}
