import type { ServerRow, VersionRow } from "./catalog.ts";
import type { SearchHit, SearchPage } from "./search.ts";
import type { Snapshot } from "./snapshots.ts";

/** connectionUrls are where clients connect to a hosted server (Smithery's URL conventions). */
export function connectionUrls(publicUrl: string, qualifiedName: string): { ws: string; http: string; page: string } {
  const page = `${publicUrl}/${qualifiedName}`;
  return { page, ws: page.replace(/^http/, "ws") + "/ws", http: `${page}/mcp` };
}

/** searchHitJson is one Smithery-style list entry. */
export function searchHitJson(h: SearchHit) {
  return {
    qualifiedName: h.qualifiedName,
    displayName: h.title ?? h.qualifiedName,
    description: h.description,
    iconUrl: h.iconUrl,
    homepage: h.homepage,
    verified: h.verified,
    useCount: h.useCount,
    isDeployed: h.deployed,
    toolCount: h.toolCount,
    visibility: h.visibility,
    createdAt: new Date(h.createdAt).toISOString(),
  };
}

/**
 * searchPageJson is Smithery's `{servers, pagination}` list shape, plus `totalCountExact`: false
 * when counting stopped early and `totalCount` means "at least this many".
 */
export function searchPageJson(p: SearchPage) {
  return {
    servers: p.hits.map(searchHitJson),
    pagination: { currentPage: p.page, pageSize: p.pageSize, totalPages: Math.ceil(p.total / p.pageSize), totalCount: p.total, totalCountExact: p.totalExact },
  };
}

/** serverDetailJson is the Smithery-style server detail, with Hearth's connections and versions. */
export function serverDetailJson(publicUrl: string, s: ServerRow, latest: VersionRow | undefined, versions: VersionRow[], snap: Snapshot | undefined) {
  const urls = connectionUrls(publicUrl, s.qualifiedName);
  const configSchema = latest?.configSchema ?? { type: "object", properties: {} };
  const exampleConfig = latest?.exampleConfig ?? null;
  return {
    qualifiedName: s.qualifiedName,
    displayName: s.title ?? s.qualifiedName,
    description: s.description,
    iconUrl: s.iconUrl,
    homepage: s.homepage,
    repository: s.repository,
    tags: s.tags,
    verified: s.verified,
    visibility: s.visibility,
    useCount: s.useCount,
    isDeployed: s.deployed,
    deploymentUrl: urls.page,
    createdAt: new Date(s.createdAt).toISOString(),
    updatedAt: new Date(s.updatedAt).toISOString(),
    latestVersion: latest?.version ?? null,
    runs: latest ? { kind: latest.runKind, deployable: latest.deployable, notDeployableReason: latest.notDeployableReason } : null,
    connections: [
      { type: "ws", url: urls.ws, configSchema, exampleConfig },
      { type: "http", url: urls.http, configSchema, exampleConfig },
    ],
    tools: snap && !snap.error ? snap.tools : null,
    prompts: snap && !snap.error ? snap.prompts : null,
    resources: snap && !snap.error ? snap.resources : null,
    toolsStatus: !snap ? "not-listed" : snap.needsConfig ? "needs-config" : snap.error ? "error" : "listed",
    versions: versions.map((v) => ({ version: v.version, status: v.status, isLatest: v.isLatest, publishedAt: new Date(v.publishedAt).toISOString(), source: v.source })),
    security: null,
  };
}
