import type { DbHandle } from "../db/client.ts";
import { matchAll, planMatch } from "../registry/search-match.ts";
import { parseSearchQuery, searchServers, type SearchHit, type SearchPage } from "../registry/search.ts";
import { visibleSql, type Viewer } from "../registry/visibility.ts";
import type { Sort } from "./catalog-query.ts";

// searchServers ranks by relevance only; the other orders are the same matches (its own FTS5
// expression, so filters mean exactly the same) in a plain ORDER BY. The columns mirror
// searchServers' hit query; if search grows a sort option, this file should go.
const ORDER: Record<Exclude<Sort, "relevance">, string> = {
  popular: "s.use_count DESC, s.id",
  recent: "s.updated_at DESC, s.id",
  name: "s.qualified_name, s.id",
};
const TOOL_COUNT = `(SELECT json_array_length(ts.tools) FROM tool_snapshots ts JOIN server_versions v ON v.id = ts.version_id
  WHERE v.server_id = s.id AND v.is_latest = 1 ORDER BY ts.id DESC LIMIT 1)`;
const COLUMNS = `s.id, s.qualified_name AS qualifiedName, s.title, s.description, s.icon_url AS iconUrl, s.homepage,
  s.verified, s.deployed, s.visibility, s.use_count AS useCount, s.created_at AS createdAt, s.updated_at AS updatedAt`;

type HitRow = Omit<SearchHit, "verified" | "deployed"> & { verified: number; deployed: number };

function hitsFor(dbh: DbHandle, ids: number[]): SearchHit[] {
  if (!ids.length) return [];
  const rows = dbh.sqlite.query(`SELECT ${COLUMNS}, ${TOOL_COUNT} AS toolCount FROM servers s WHERE s.id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids)) as HitRow[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    return r ? [{ ...r, verified: r.verified === 1, deployed: r.deployed === 1 }] : [];
  });
}

/** catalogSearch is searchServers with a choice of order; the total is search's own (capped) count. */
export function catalogSearch(dbh: DbHandle, viewer: Viewer, q: string, sort: Sort, page: number, pageSize = 20): SearchPage {
  if (sort === "relevance") return searchServers(dbh, viewer, q, page, pageSize);
  const counted = searchServers(dbh, viewer, q, 1, 1);
  if (counted.total === 0) return { ...counted, hits: [], page, pageSize };
  const plan = planMatch(dbh.sqlite, parseSearchQuery(q));
  const expr = matchAll(plan, "seek");
  const vis = visibleSql(viewer);
  const join = /\bn\./.test(vis.clause) ? " CROSS JOIN namespaces n ON n.id = s.namespace_id" : "";
  const match = expr ? " AND s.id IN (SELECT rowid FROM servers_fts WHERE servers_fts MATCH ?)" : "";
  const ids = (dbh.sqlite
    .query(`SELECT s.id FROM servers s${join} WHERE ${vis.clause}${match} ORDER BY ${ORDER[sort]} LIMIT ? OFFSET ?`)
    .all(...vis.params, ...(expr ? [expr] : []), pageSize, (page - 1) * pageSize) as { id: number }[]).map((r) => r.id);
  return { hits: hitsFor(dbh, ids), total: counted.total, totalExact: counted.totalExact, page, pageSize };
}
