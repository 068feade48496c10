import { eq } from "drizzle-orm";
import type { DbHandle } from "../db/client.ts";
import { deployments, servers, type DeploymentSettings } from "../db/schema.ts";

/** Deployment is a hosted server's row: its version, state, and how to start it. */
export type Deployment = typeof deployments.$inferSelect;

/** DEFAULT_SETTINGS mirror Smithery's hosting (5 minutes idle, one child per session) plus one warm child. */
export const DEFAULT_SETTINGS: DeploymentSettings = { maxSessions: 20, idleTimeoutSec: 300, maxAgeSec: 3600, network: "host", poolSize: 1 };

/** getDeployment returns the server's deployment, if it has one. */
export function getDeployment(dbh: DbHandle, serverId: number): Deployment | undefined {
  return dbh.db.select().from(deployments).where(eq(deployments.serverId, serverId)).get();
}

/** DeploymentUpdate is what a state change may set alongside the state. */
export type DeploymentUpdate = Partial<Pick<Deployment, "versionId" | "error" | "installed" | "settings">>;

/** setDeploymentState writes a deployment's new state (creating the row on first deploy) and keeps servers.deployed in step. */
export function setDeploymentState(dbh: DbHandle, serverId: number, state: Deployment["state"], update: DeploymentUpdate & { versionId: number }): Deployment {
  return dbh.sqlite.transaction(() => {
    const existing = getDeployment(dbh, serverId);
    const now = Date.now();
    const row = existing
      ? dbh.db.update(deployments).set({ ...update, state, updatedAt: now }).where(eq(deployments.id, existing.id)).returning().get()
      : dbh.db.insert(deployments).values({ serverId, state, settings: DEFAULT_SETTINGS, ...update }).returning().get();
    dbh.db.update(servers).set({ deployed: state === "ready" }).where(eq(servers.id, serverId)).run();
    return row;
  })();
}
