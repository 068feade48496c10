import { HIT_EXTRAS } from "../registry/hit-extras.ts";
import type { DbHandle } from "../db/client.ts";
import { matchAll, planMatch } from "../registry/search-match.ts";
import { parseSearchQuery, searchServers, type SearchHit, type SearchPage } from "../registry/search.ts";
import { visibleSql, type Viewer } from "../registry/visibility.ts";
import type { Sort } from "./catalog-query.ts";

// searchServers ranks by relevance only; the other orders are the same matches (its own FTS5
// expression, so filters mean exactly the same) in another order. A few matches (search counts up
// to LIMITS.totalCap exactly) are read and sorted; many are found by walking an index already in
// the wanted order, probing the FTS index for each server, until the page is full: on a broad
// query at 100k servers sorting every match costs ~50 ms, the walk well under 1 ms. The columns
// mirror searchServers' hit query; if search grows a sort option, this file should go.
type Ordered = Exclude<Sort, "relevance">;
const ORDER: Record<Ordered, string> = {
  popular: "s.use_count DESC, s.updated_at DESC, s.id",
  recent: "s.updated_at DESC, s.id DESC",
  name: "s.qualified_name",
};
// The index whose order is ORDER's. servers_rank_idx leads with `deployed`, so "popular" walks its
// two ranges (deployed and not) and merges them.
const INDEX: Record<Ordered, string> = { popular: "servers_rank_idx", recent: "servers_updated_idx", name: "servers_qualified_name_unique" };
const TOOL_COUNT = `(SELECT json_array_length(ts.tools) FROM tool_snapshots ts JOIN server_versions v ON v.id = ts.version_id
  WHERE v.server_id = s.id AND v.is_latest = 1 ORDER BY ts.id DESC LIMIT 1)`;
const COLUMNS = `s.id, s.qualified_name AS qualifiedName, s.title, s.description, s.icon_url AS iconUrl, s.homepage,
  s.verified, s.deployed, s.visibility, s.use_count AS useCount, s.created_at AS createdAt, s.updated_at AS updatedAt`;

type HitRow = Omit<SearchHit, "verified" | "deployed"> & { verified: number; deployed: number };
type Row = { id: number; useCount: number; updatedAt: number };

function hitsFor(dbh: DbHandle, ids: number[]): SearchHit[] {
  if (!ids.length) return [];
  const rows = dbh.sqlite.query(`SELECT ${COLUMNS}, ${TOOL_COUNT} AS toolCount, ${HIT_EXTRAS} FROM servers s WHERE s.id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids)) as HitRow[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    return r ? [{ ...r, verified: r.verified === 1, deployed: r.deployed === 1 }] : [];
  });
}

interface Query {
  vis: { clause: string; params: (string | number)[] };
  join: string;
  expr: string;
}

// Few matches: gather them, then sort.
function sorted(dbh: DbHandle, q: Query, sort: Ordered, limit: number, offset: number): number[] {
  const match = q.expr ? " AND s.id IN (SELECT rowid FROM servers_fts WHERE servers_fts MATCH ?)" : "";
  return (dbh.sqlite
    .query(`SELECT s.id FROM servers s${q.join} WHERE ${q.vis.clause}${match} ORDER BY ${ORDER[sort]} LIMIT ? OFFSET ?`)
    .all(...q.vis.params, ...(q.expr ? [q.expr] : []), limit, offset) as { id: number }[]).map((r) => r.id);
}

// Many matches: walk the order's index, keeping servers that match, until `limit` rows past `offset`.
function walked(dbh: DbHandle, q: Query, sort: Ordered, limit: number, offset: number, extra = ""): Row[] {
  const from = q.expr
    ? `FROM servers s INDEXED BY ${INDEX[sort]} CROSS JOIN servers_fts f ON f.rowid = s.id${q.join} WHERE servers_fts MATCH ? AND ${q.vis.clause}`
    : `FROM servers s INDEXED BY ${INDEX[sort]}${q.join} WHERE ${q.vis.clause}`;
  return dbh.sqlite
    .query(`SELECT s.id, s.use_count AS useCount, s.updated_at AS updatedAt ${from}${extra} ORDER BY ${sort === "popular" ? `s.deployed DESC, ${ORDER.popular}` : ORDER[sort]} LIMIT ? OFFSET ?`)
    .all(...(q.expr ? [q.expr] : []), ...q.vis.params, limit, offset) as Row[];
}

function byPopularity(a: Row, b: Row): number {
  return b.useCount - a.useCount || b.updatedAt - a.updatedAt || a.id - b.id;
}

/** catalogSearch is searchServers with a choice of order; the total is search's own (capped) count. */
export function catalogSearch(dbh: DbHandle, viewer: Viewer, q: string, sort: Sort, page: number, pageSize = 20): SearchPage {
  if (sort === "relevance") return searchServers(dbh, viewer, q, page, pageSize);
  const counted = searchServers(dbh, viewer, q, 1, 1);
  if (counted.total === 0) return { ...counted, hits: [], page, pageSize };
  const vis = visibleSql(viewer);
  const query: Query = { vis, join: /\bn\./.test(vis.clause) ? " CROSS JOIN namespaces n ON n.id = s.namespace_id" : "", expr: matchAll(planMatch(dbh.sqlite, parseSearchQuery(q)), "seek") };
  const offset = (page - 1) * pageSize;
  let ids: number[];
  if (counted.totalExact) ids = sorted(dbh, query, sort, pageSize, offset);
  else if (sort !== "popular") ids = walked(dbh, query, sort, pageSize, offset).map((r) => r.id);
  else {
    // Each range is in popularity order; the page is the merge's slice.
    const both = [...walked(dbh, query, sort, offset + pageSize, 0, " AND s.deployed = 1"), ...walked(dbh, query, sort, offset + pageSize, 0, " AND s.deployed = 0")];
    ids = both.sort(byPopularity).slice(offset, offset + pageSize).map((r) => r.id);
  }
  return { hits: hitsFor(dbh, ids), total: counted.total, totalExact: counted.totalExact, page, pageSize };
}
