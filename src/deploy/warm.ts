import { eq } from "drizzle-orm";
import { resolveLaunchPlan } from "../bridge/smithery-launch.ts";
import { deployments, servers } from "../db/schema.ts";
import type { AppContext } from "../http/context.ts";
import { getVersionById } from "../registry/catalog.ts";
import { validateConfig } from "../registry/config-schema.ts";
import type { JsonSchemaObject } from "../registry/manifest.ts";
import { logger } from "../shared/log.ts";
import type { Deployment } from "./deployments.ts";

const log = logger("deploy.warm");

/**
 * warmDeployment sizes a ready deployment's warm pool. Only servers that start with no config can
 * be pooled: a pooled child is spawned before anyone connects, so it can't carry a session's config.
 */
export function warmDeployment(ctx: AppContext, serverKey: string, deployment: Deployment): void {
  if (!ctx.supervisor || deployment.state !== "ready") return;
  try {
    const version = getVersionById(ctx.dbh, deployment.versionId);
    const empty = validateConfig((version.configSchema ?? { type: "object" }) as JsonSchemaObject, {});
    const size = empty.ok ? deployment.settings.poolSize : 0;
    const supervisor = ctx.supervisor;
    // Async only for smithery.yaml servers (their commandFunction runs first); others resolve at once.
    resolveLaunchPlan(ctx, serverKey, deployment, version, empty.ok ? empty.value : {})
      .then((plan) => supervisor.warm(plan, size))
      .catch((e: Error) => log.warn("could not warm the pool", { server: serverKey, error: e.message }));
  } catch (e) {
    log.warn("could not warm the pool", { server: serverKey, error: (e as Error).message });
  }
}

/** warmAll sizes every ready deployment's pool at start; pools are keyed by server, so none is duplicated. */
export function warmAll(ctx: AppContext): void {
  const rows = ctx.dbh.db
    .select({ d: deployments, name: servers.qualifiedName })
    .from(deployments)
    .innerJoin(servers, eq(servers.id, deployments.serverId))
    .where(eq(deployments.state, "ready"))
    .all();
  for (const r of rows) warmDeployment(ctx, r.name, r.d);
}
