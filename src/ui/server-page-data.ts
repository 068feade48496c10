import { requireKeyNamespace } from "../accounts/principal.ts";
import { getDeployment, type Deployment } from "../deploy/deployments.ts";
import type { AppContext } from "../http/context.ts";
import { connectionUrls } from "../registry/api-shape.ts";
import { canManage, findServer, listVersions, type FoundServer, type VersionRow } from "../registry/catalog.ts";
import { latestSnapshot, type Snapshot } from "../registry/snapshots.ts";
import { AppError } from "../shared/app-error.ts";
import type { PageContext } from "./page-context.ts";

/** ServerPage is everything the server page's tabs show, loaded once per request. */
export interface ServerPage {
  server: FoundServer;
  versions: VersionRow[];
  latest: VersionRow | undefined;
  deployment: Deployment | undefined;
  /** current is the version connections reach: the deployed one, else the latest. */
  current: VersionRow | undefined;
  snapshot: Snapshot | undefined;
  /** ready says sessions can be opened (deployed and running). */
  ready: boolean;
  /** canManage: the viewer is a publisher or owner in the namespace, or an admin (deployments, logs). */
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
    canManage: Boolean(user) && canManage(page.viewer, server),
    urls: connectionUrls(ctx.config.publicUrl, server.qualifiedName),
  };
}

/** requireManager refuses the owners-only tabs: anonymous visitors must sign in, others may not. */
export function requireManager(data: ServerPage, page: PageContext): void {
  if (!page.user) throw new AppError("unauthorized", "sign in as a publisher of this server's namespace or an administrator");
  if (!data.canManage) throw new AppError("forbidden", `only publishers and owners of ${data.server.namespace} and administrators can see this`);
  // A key restricted to a namespace manages only there, on pages as on the API.
  requireKeyNamespace(page.principal, data.server.namespace);
}
