import { eq, sql } from "drizzle-orm";
import type { DbHandle } from "../db/client.ts";
import { deployedVersions, deployments, servers, type DeployAttempt, type DeploymentSettings } from "../db/schema.ts";
import type { InstalledPackage } from "../installer/installed-package.ts";
import { DEFAULT_SETTINGS, withDefaults } from "./settings.ts";

/** Deployment is a hosted server's row: its version, state, and how to start it. */
export type Deployment = typeof deployments.$inferSelect;

/** getDeployment returns the server's deployment, if it has one. */
export function getDeployment(dbh: DbHandle, serverId: number): Deployment | undefined {
  const row = dbh.db.select().from(deployments).where(eq(deployments.serverId, serverId)).get();
  return row && { ...row, settings: withDefaults(row.settings) };
}

/** DeploymentUpdate is what a state change may set alongside the state. */
export type DeploymentUpdate = Partial<Pick<Deployment, "versionId" | "error" | "installed" | "settings" | "lastDeploy">>;

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

/**
 * beginDeployAttempt records a deploy starting. A serving deployment is left exactly as it is (only
 * its lastDeploy changes), so sessions keep reaching the old version until the switch; with nothing
 * serving, the row itself says "installing" the new version, with the deploy's settings.
 */
export function beginDeployAttempt(dbh: DbHandle, serverId: number, attempt: DeployAttempt, settings: DeploymentSettings): Deployment {
  const d = getDeployment(dbh, serverId);
  if (d?.state === "ready") return setDeploymentState(dbh, serverId, "ready", { versionId: d.versionId, lastDeploy: attempt });
  return setDeploymentState(dbh, serverId, "installing", { versionId: attempt.versionId, error: null, settings, lastDeploy: attempt });
}

/**
 * switchDeployment makes an installed, probed version the one that serves, in one transaction: new
 * sessions read this row, so they reach the new version from here on. Both the version that served
 * until now and the new one are remembered as rollback targets.
 */
export function switchDeployment(dbh: DbHandle, serverId: number, next: { attempt: DeployAttempt; installed: InstalledPackage; settings?: DeploymentSettings }): Deployment {
  return dbh.sqlite.transaction(() => {
    const before = getDeployment(dbh, serverId);
    if (before?.state === "ready") rememberDeployed(dbh, serverId, before.versionId, before.updatedAt, false);
    rememberDeployed(dbh, serverId, next.attempt.versionId, Date.now(), true);
    const settings = next.settings ? { settings: next.settings } : {};
    return setDeploymentState(dbh, serverId, "ready", { versionId: next.attempt.versionId, installed: next.installed, error: null, lastDeploy: next.attempt, ...settings });
  })();
}

/** failDeployAttempt records a failed deploy: a serving deployment keeps serving (only lastDeploy says so); otherwise the row is failed. */
export function failDeployAttempt(dbh: DbHandle, serverId: number, attempt: DeployAttempt & { error: string }): Deployment {
  const d = getDeployment(dbh, serverId);
  if (d?.state === "ready") return setDeploymentState(dbh, serverId, "ready", { versionId: d.versionId, lastDeploy: attempt });
  return setDeploymentState(dbh, serverId, "failed", { versionId: attempt.versionId, error: attempt.error, lastDeploy: attempt });
}

// An older row keeps its first date unless this version goes live again now.
function rememberDeployed(dbh: DbHandle, serverId: number, versionId: number, at: number, live: boolean): void {
  dbh.db
    .insert(deployedVersions)
    .values({ serverId, versionId, deployedAt: at })
    .onConflictDoUpdate({ target: [deployedVersions.serverId, deployedVersions.versionId], set: live ? { deployedAt: at } : { deployedAt: sql`deployed_at` } })
    .run();
}

/** saveDeploymentSettings stores new settings on an existing deployment; new sessions use them at once. */
export function saveDeploymentSettings(dbh: DbHandle, deployment: Deployment, settings: DeploymentSettings): Deployment {
  const row = dbh.db.update(deployments).set({ settings, updatedAt: Date.now() }).where(eq(deployments.id, deployment.id)).returning().get();
  return { ...row, settings: withDefaults(row.settings) };
}
