import { eq } from "drizzle-orm";
import type { DbHandle } from "../db/client.ts";
import { deployments, servers, type DeploymentSettings } from "../db/schema.ts";
import { DEFAULT_SETTINGS, withDefaults } from "./settings.ts";

/** Deployment is a hosted server's row: its version, state, and how to start it. */
export type Deployment = typeof deployments.$inferSelect;

/** getDeployment returns the server's deployment, if it has one. */
export function getDeployment(dbh: DbHandle, serverId: number): Deployment | undefined {
  const row = dbh.db.select().from(deployments).where(eq(deployments.serverId, serverId)).get();
  return row && { ...row, settings: withDefaults(row.settings) };
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
    return { ...row, settings: withDefaults(row.settings) };
  })();
}

/** saveDeploymentSettings stores new settings on an existing deployment; new sessions use them at once. */
export function saveDeploymentSettings(dbh: DbHandle, deployment: Deployment, settings: DeploymentSettings): Deployment {
  const row = dbh.db.update(deployments).set({ settings, updatedAt: Date.now() }).where(eq(deployments.id, deployment.id)).returning().get();
  return { ...row, settings: withDefaults(row.settings) };
}
