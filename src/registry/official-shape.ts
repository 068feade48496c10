import type { OfficialListRow } from "./catalog.ts";

/** OFFICIAL_META is the _meta key the official MCP Registry puts its registry-owned fields under. */
export const OFFICIAL_META = "io.modelcontextprotocol.registry/official";

/** officialEntry shapes one version as the official Registry API's ServerResponse. */
export function officialEntry(r: Pick<OfficialListRow, "serverJson" | "status" | "isLatest" | "publishedAt" | "updatedAt">) {
  return {
    server: r.serverJson,
    _meta: {
      [OFFICIAL_META]: {
        status: r.status,
        publishedAt: new Date(r.publishedAt).toISOString(),
        updatedAt: new Date(r.updatedAt).toISOString(),
        isLatest: r.isLatest,
      },
    },
  };
}
