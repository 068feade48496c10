import { HIT_EXTRAS } from "./hit-extras.ts";
import type { DbHandle } from "../db/client.ts";
import { planPage } from "./search-plan.ts";
import { splitFilters, type SearchQuery } from "./search-query.ts";
import { visibleSql, type Viewer } from "./visibility.ts";

/** SearchHit is one result row, with what a result card shows. */
export interface SearchHit {
  id: number;
  qualifiedName: string;
  title: string | null;
  description: string;
  iconUrl: string | null;
  homepage: string | null;
  verified: boolean;
  deployed: boolean;
  visibility: "public" | "private";
  useCount: number;
  toolCount: number | null;
  /** npmName is the latest version's npm package, if it has one (a display name when there's no title). */
  npmName: string | null;
  /** toolsNote says why the tools are not listed (not runnable here, not deployed, needs config), or null. */
  toolsNote: string | null;
  createdAt: number;
  updatedAt: number;
}

/** SearchPage is one page of hits with the total count. */
export interface SearchPage {
  hits: SearchHit[];
  /** Matches in all; when not totalExact, at least this many (counting stops at LIMITS.totalCap in search-plan.ts). */
  total: number;
  totalExact: boolean;
  page: number;
  pageSize: number;
}

/** parseSearchQuery splits `owner:acme is:deployed tag:db github issues` into filters and words. */
export function parseSearchQuery(q: string): SearchQuery {
  const { rest, ...filters } = splitFilters(q);
  const out: SearchQuery = { words: [], ...filters };
  // FTS5 syntax never reaches MATCH from users: keep letters and digits, quote each word.
  for (const token of rest) {
    for (const w of token.normalize("NFKC").split(/[^\p{L}\p{N}]+/u).filter(Boolean)) out.words.push(w.toLowerCase().slice(0, 64));
  }
  return out;
}

const TOOL_COUNT = `(SELECT json_array_length(ts.tools) FROM tool_snapshots ts JOIN server_versions v ON v.id = ts.version_id
  WHERE v.server_id = s.id AND v.is_latest = 1 ORDER BY ts.id DESC LIMIT 1)`;
const COLUMNS = `s.id, s.qualified_name AS qualifiedName, s.title, s.description, s.icon_url AS iconUrl, s.homepage,
  s.verified, s.deployed, s.visibility, s.use_count AS useCount, s.created_at AS createdAt, s.updated_at AS updatedAt`;

type HitRow = Omit<SearchHit, "verified" | "deployed"> & { verified: number; deployed: number };

/**
 * searchServers runs a search for a viewer: FTS5 relevance, then deployed, then use count (see
 * planPage for how large result sets are ranked). Without words, results come in static order.
 */
export function searchServers(dbh: DbHandle, viewer: Viewer, q: string, page = 1, pageSize = 20): SearchPage {
  const size = Math.min(Math.max(1, Math.floor(pageSize)), 100);
  const pg = Math.max(1, Math.floor(page));
  // ANONYMOUS sees public servers only (visibility.ts); everyone else goes by visibleSql's rule.
  const vis = { ...visibleSql(viewer), publicOnly: viewer.userId === null && !viewer.isAdmin };
  const found = planPage(dbh.sqlite, vis, parseSearchQuery(q), (pg - 1) * size, size);
  // Details (and the tool count, a subquery) only for the page's rows, put back in result order.
  const rows = found.ids.length
    ? (dbh.sqlite.query(`SELECT ${COLUMNS}, ${TOOL_COUNT} AS toolCount, ${HIT_EXTRAS} FROM servers s WHERE s.id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(found.ids)) as HitRow[])
    : [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const hits = found.ids.flatMap((id) => {
    const r = byId.get(id);
    return r ? [{ ...r, verified: r.verified === 1, deployed: r.deployed === 1 }] : [];
  });
  return { hits, total: found.total, totalExact: found.totalExact, page: pg, pageSize: size };
}
