import { getDeployment, type Deployment } from "../deploy/deployments.ts";
import type { AppContext } from "../http/context.ts";
import { connectionUrls } from "../registry/api-shape.ts";
import { findServer, listVersions, type ServerRow, type VersionRow } from "../registry/catalog.ts";
import { latestSnapshot, type Snapshot } from "../registry/snapshots.ts";
import { AppError } from "../shared/app-error.ts";
import type { PageContext } from "./page-context.ts";

/** ServerPage is everything the server page's tabs show, loaded once per request. */
export interface ServerPage {
  server: ServerRow & { namespace: string; ownerUserId: number | null };
  versions: VersionRow[];
  latest: VersionRow | undefined;
  deployment: Deployment | undefined;
  /** current is the version connections reach: the deployed one, else the latest. */
  current: VersionRow | undefined;
  snapshot: Snapshot | undefined;
  /** ready says sessions can be opened (deployed and running). */
  ready: boolean;
  /** canManage: the viewer owns the namespace or is an admin (deployments, logs). */
  canManage: boolean;
  urls: { ws: string; http: string; page: string };
}

/** loadServerPage finds a server the viewer may see (404 otherwise) with its versions, deployment and tools. */
export function loadServerPage(ctx: AppContext, page: PageContext, ns: string, name: string): ServerPage {
  const server = findServer(ctx.dbh, page.viewer, `${ns}/${name}`);
  const versions = listVersions(ctx.dbh, server.id);
  const latest = versions.find((v) => v.isLatest) ?? versions.at(-1);
  const deployment = getDeployment(ctx.dbh, server.id);
  const ready = deployment?.state === "ready";
  const current = (deployment && versions.find((v) => v.id === deployment.versionId)) || latest;
  const user = page.user;
  return {
    server,
    versions,
    latest,
    deployment,
    current,
    snapshot: current ? latestSnapshot(ctx.dbh, current.id) : undefined,
    ready,
    canManage: Boolean(user && (user.role === "admin" || server.ownerUserId === user.id)),
    urls: connectionUrls(ctx.config.publicUrl, server.qualifiedName),
  };
}

/** requireManager refuses the owners-only tabs: anonymous visitors must sign in, others may not. */
export function requireManager(data: ServerPage, page: PageContext): void {
  if (!page.user) throw new AppError("unauthorized", "sign in as an owner of this server or an administrator");
  if (!data.canManage) throw new AppError("forbidden", `only the owners of ${data.server.namespace} and administrators can see this`);
}
