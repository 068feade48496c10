import { Elysia } from "elysia";
import { z } from "zod";
import { auditRequest } from "../audit/audit-request.ts";
import { principalFor, requireUser } from "../accounts/web-auth.ts";
import { enforceRate } from "../http/rate-limit.ts";
import { searchDuration } from "../metrics/metrics.ts";
import type { AppContext } from "../http/context.ts";
import { serverDetailJson, searchPageJson } from "./api-shape.ts";
import { findServer, getVersion, listVersions } from "./catalog.ts";
import { readPublishRequest } from "./publish-request.ts";
import { publishVersion } from "./publish.ts";
import { searchServers } from "./search.ts";
import { latestSnapshot } from "./snapshots.ts";
import { viewerOf } from "./visibility.ts";

const searchQuery = z.object({
  q: z.string().max(500).default(""),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

/** apiRoutes are Hearth's own registry API (Smithery-style shapes) under /api/v1. */
export function registryApiRoutes(ctx: AppContext) {
  return new Elysia({ name: "registry-api" })
    .get(
      "/api/v1/servers",
      ({ query: q, request }) => {
        const end = searchDuration.startTimer();
        const page = searchServers(ctx.dbh, viewerOf(principalFor(ctx, request)), q.q, q.page, q.pageSize);
        end();
        return searchPageJson(page);
      },
      { query: searchQuery, detail: { summary: "Search servers (q accepts owner:, tag:, is:deployed, is:verified)", tags: ["registry"] } },
    )
    .get(
      "/api/v1/servers/:ns/:name",
      ({ params, request }) => {
        const viewer = viewerOf(principalFor(ctx, request));
        const server = findServer(ctx.dbh, viewer, `${params.ns}/${params.name}`);
        const versions = listVersions(ctx.dbh, server.id);
        const latest = versions.find((v) => v.isLatest);
        return serverDetailJson(ctx.config.publicUrl, server, latest, versions, latest ? latestSnapshot(ctx.dbh, latest.id) : undefined);
      },
      { detail: { summary: "A server: connections, config schema, tools, versions", tags: ["registry"] } },
    )
    .post(
      "/api/v1/servers",
      async ({ request, set }) => {
        const user = requireUser(ctx, request, "publish");
        enforceRate(ctx, request, "publish", principalFor(ctx, request));
        const input = await readPublishRequest(request, ctx.config.dataDir);
        const published = publishVersion(ctx.dbh, user, input, principalFor(ctx, request));
        auditRequest(ctx, request, principalFor(ctx, request), { action: "server.publish", outcome: "ok", target: `${published.qualifiedName}@${published.version}` });
        set.status = 201;
        const server = findServer(ctx.dbh, viewerOf(principalFor(ctx, request)), published.qualifiedName);
        const version = getVersion(ctx.dbh, server.id, published.version);
        return { ...published, url: `${ctx.config.publicUrl}/${published.qualifiedName}`, deployable: version.deployable, notDeployableReason: version.notDeployableReason, warnings: (version.manifest as { warnings?: string[] }).warnings ?? [] };
      },
      { parse: "none", detail: { summary: "Publish a version: server.json or smithery.yaml (JSON, raw body, or multipart file)", tags: ["registry"] } },
    );
}
