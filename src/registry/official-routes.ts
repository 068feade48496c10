import { Elysia } from "elysia";
import { z } from "zod";
import { auditRequest } from "../audit/audit-request.ts";
import { principalFor, requireUser } from "../accounts/web-auth.ts";
import { enforceRate } from "../http/rate-limit.ts";
import type { AppContext } from "../http/context.ts";
import { AppError } from "../shared/app-error.ts";
import { findServer, getVersion, listVersions, officialList } from "./catalog.ts";
import { parseServerJson } from "./manifest-server-json.ts";
import { officialEntry } from "./official-shape.ts";
import { publishVersion } from "./publish.ts";
import { viewerOf } from "./visibility.ts";

const listQuery = z.object({
  cursor: z.string().max(1000).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
  search: z.string().max(200).optional(),
  updated_since: z.iso.datetime({ offset: true, error: "must be an RFC 3339 timestamp" }).optional(),
  version: z.literal("latest", { error: 'only "latest" is supported' }).optional(),
});

// Names contain a slash, sent URL-encoded (io.github.acme%2Fgithub) or not; routers disagree on
// decoding %2F, so the tail is parsed here: "<name>/versions" or "<name>/versions/<version>".
function parseTail(tail: string): { name: string; version?: string } {
  const decoded = decodeURIComponent(tail);
  const m = /^(.+?)\/versions(?:\/([^/]+))?\/?$/.exec(decoded);
  if (!m) throw new AppError("not_found", "use /servers/{name}/versions or /servers/{name}/versions/{version}");
  return { name: m[1]!, version: m[2] };
}

const CORS = { "access-control-allow-origin": "*", "access-control-allow-headers": "authorization, content-type", "access-control-allow-methods": "GET, POST, OPTIONS" };

/** officialRoutes speak the official MCP Registry API under /v0.1 (and the same under /v0). */
export function officialRoutes(ctx: AppContext, prefix: "/v0.1" | "/v0") {
  return new Elysia({ name: `registry-official${prefix}` })
    .options(`${prefix}/*`, () => new Response(null, { status: 204, headers: CORS }))
    .get(
      `${prefix}/servers`,
      ({ query: q, request, set }) => {
        const { rows, nextCursor } = officialList(ctx.dbh, viewerOf(principalFor(ctx, request)), {
          cursor: q.cursor,
          limit: q.limit,
          search: q.search,
          updatedSince: q.updated_since ? Date.parse(q.updated_since) : undefined,
          latestOnly: q.version === "latest",
        });
        Object.assign(set.headers, CORS);
        return { servers: rows.map(officialEntry), metadata: { ...(nextCursor ? { nextCursor } : {}), count: rows.length } };
      },
      { query: listQuery, detail: { summary: "List servers (official MCP Registry API)", tags: ["registry"] } },
    )
    .get(
      `${prefix}/servers/*`,
      ({ params, request, set }) => {
        const { name, version } = parseTail(params["*"]);
        const server = findServer(ctx.dbh, viewerOf(principalFor(ctx, request)), name);
        Object.assign(set.headers, CORS);
        if (version) return officialEntry(getVersion(ctx.dbh, server.id, version));
        const versions = listVersions(ctx.dbh, server.id).map(officialEntry);
        return { servers: versions, metadata: { count: versions.length } };
      },
      { detail: { summary: "A server's versions, or one version (official MCP Registry API)", tags: ["registry"] } },
    )
    .post(
      `${prefix}/publish`,
      async ({ request }) => {
        const user = requireUser(ctx, request, "publish");
        enforceRate(ctx, request, "publish", principalFor(ctx, request));
        const manifest = parseServerJson(new Uint8Array(await request.arrayBuffer()));
        const published = publishVersion(ctx.dbh, user, { manifest }, principalFor(ctx, request));
        auditRequest(ctx, request, principalFor(ctx, request), { action: "server.publish", outcome: "ok", target: `${published.qualifiedName}@${published.version}` });
        const server = findServer(ctx.dbh, viewerOf(principalFor(ctx, request)), published.qualifiedName);
        return officialEntry(getVersion(ctx.dbh, server.id, published.version));
      },
      { parse: "none", detail: { summary: "Publish a server.json (official MCP Registry API)", tags: ["registry"] } },
    );
}
