import { and, desc, eq, ne } from "drizzle-orm";
import type { DbHandle } from "../db/client.ts";
import { deployedVersions, serverVersions } from "../db/schema.ts";
import { getVersion, type ServerRow, type VersionRow } from "../registry/catalog.ts";
import { AppError } from "../shared/app-error.ts";
import { getDeployment } from "./deployments.ts";

/** DeployedVersion is a version that once served this server, and when it last went live. */
export interface DeployedVersion {
  versionId: number;
  version: string;
  deployedAt: number;
  /** serving says it is the version sessions reach now. */
  serving: boolean;
}

/** listDeployedVersions lists the versions that went live on a server, newest first (deleted versions left out). */
export function listDeployedVersions(dbh: DbHandle, serverId: number): DeployedVersion[] {
  const d = getDeployment(dbh, serverId);
  const servingId = d?.state === "ready" ? d.versionId : undefined;
  return dbh.db
    .select({ versionId: deployedVersions.versionId, version: serverVersions.version, deployedAt: deployedVersions.deployedAt })
    .from(deployedVersions)
    .innerJoin(serverVersions, eq(serverVersions.id, deployedVersions.versionId))
    .where(and(eq(deployedVersions.serverId, serverId), ne(serverVersions.status, "deleted")))
    .orderBy(desc(deployedVersions.deployedAt))
    .all()
    .map((r) => ({ ...r, serving: r.versionId === servingId }));
}

/**
 * rollbackTarget is the version a rollback goes to: the one asked for, or the newest earlier one.
 * An unknown version is 404; one that never served here, or serves now, is 409 with what to do.
 */
export function rollbackTarget(dbh: DbHandle, server: Pick<ServerRow, "id" | "qualifiedName">, version?: string): VersionRow {
  const name = server.qualifiedName;
  const earlier = listDeployedVersions(dbh, server.id).filter((v) => !v.serving);
  if (version === undefined || version === "") {
    const previous = earlier[0];
    if (!previous) throw new AppError("conflict", `${name} has no earlier deployed version to roll back to`);
    return getVersion(dbh, server.id, previous.version);
  }
  let v: VersionRow;
  try {
    v = getVersion(dbh, server.id, version);
  } catch {
    throw new AppError("not_found", `${name} has no version ${version.slice(0, 100)}, so there is nothing to roll back to`);
  }
  const d = getDeployment(dbh, server.id);
  if (d?.state === "ready" && d.versionId === v.id) throw new AppError("conflict", `${name} already serves ${v.version}`);
  if (!earlier.some((e) => e.versionId === v.id)) {
    throw new AppError("conflict", `${name}@${v.version} was never deployed here, so there is nothing to roll back to: deploy it instead`);
  }
  return v;
}
