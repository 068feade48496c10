import type { SQLQueryBindings } from "bun:sqlite";
import type { DbHandle } from "../db/client.ts";
import { visibleSql, type Viewer } from "./visibility.ts";

/** SearchQuery is a parsed search box: words for full-text, plus Smithery-style filters. */
export interface SearchQuery {
  words: string[];
  owner?: string;
  tags: string[];
  deployed?: boolean;
  verified?: boolean;
}

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
  createdAt: number;
  updatedAt: number;
}

/** SearchPage is one page of hits with the total count. */
export interface SearchPage {
  hits: SearchHit[];
  total: number;
  page: number;
  pageSize: number;
}

/** parseSearchQuery splits `owner:acme is:deployed tag:db github issues` into filters and words. */
export function parseSearchQuery(q: string): SearchQuery {
  const out: SearchQuery = { words: [], tags: [] };
  for (const token of q.slice(0, 500).split(/\s+/).filter(Boolean).slice(0, 20)) {
    const m = /^(owner|is|tag):(.+)$/i.exec(token);
    const key = m?.[1]?.toLowerCase();
    const value = m?.[2] ?? "";
    if (key === "owner") out.owner = value;
    else if (key === "tag") out.tags.push(value.toLowerCase());
    else if (key === "is" && /^(deployed|hosted)$/i.test(value)) out.deployed = true;
    else if (key === "is" && /^verified$/i.test(value)) out.verified = true;
    else {
      // FTS5 syntax never reaches MATCH from users: keep letters and digits, quote each word.
      for (const w of token.normalize("NFKC").split(/[^\p{L}\p{N}]+/u).filter(Boolean)) out.words.push(w.toLowerCase().slice(0, 64));
    }
  }
  return out;
}

// Column weights: name, title, description, tags, tools. A name match outweighs a mention.
const RANK = "bm25(servers_fts, 10.0, 6.0, 1.0, 3.0, 2.0)";
// Hosted servers rank higher (as on Smithery): a 25% relevance boost, not an override.
const BOOSTED = `(${RANK}) * (CASE WHEN s.deployed THEN 1.25 ELSE 1.0 END)`;
const TOOL_COUNT = `(SELECT json_array_length(ts.tools) FROM tool_snapshots ts JOIN server_versions v ON v.id = ts.version_id
  WHERE v.server_id = s.id AND v.is_latest = 1 ORDER BY ts.id DESC LIMIT 1)`;
const COLUMNS = `s.id, s.qualified_name AS qualifiedName, s.title, s.description, s.icon_url AS iconUrl, s.homepage,
  s.verified, s.deployed, s.visibility, s.use_count AS useCount, s.created_at AS createdAt, s.updated_at AS updatedAt`;

/** searchServers runs a search for a viewer: FTS5 relevance, then deployed, then use count. */
export function searchServers(dbh: DbHandle, viewer: Viewer, q: string, page = 1, pageSize = 20): SearchPage {
  const parsed = parseSearchQuery(q);
  const vis = visibleSql(viewer);
  const where: string[] = [vis.clause];
  const params: SQLQueryBindings[] = [...vis.params];
  if (parsed.owner) {
    where.push("n.name = ? COLLATE NOCASE");
    params.push(parsed.owner);
  }
  for (const tag of parsed.tags) {
    where.push("EXISTS (SELECT 1 FROM json_each(s.tags) WHERE lower(json_each.value) = ?)");
    params.push(tag);
  }
  if (parsed.deployed) where.push("s.deployed = 1");
  if (parsed.verified) where.push("s.verified = 1");
  const size = Math.min(Math.max(1, Math.floor(pageSize)), 100);
  const pg = Math.max(1, Math.floor(page));
  let from = "servers s JOIN namespaces n ON n.id = s.namespace_id";
  let order = "s.deployed DESC, s.use_count DESC, s.updated_at DESC, s.id";
  if (parsed.words.length) {
    from = "servers_fts f JOIN servers s ON s.id = f.rowid JOIN namespaces n ON n.id = s.namespace_id";
    where.unshift("servers_fts MATCH ?");
    params.unshift(parsed.words.map((w) => `"${w}"*`).join(" "));
    order = `${BOOSTED}, s.use_count DESC, s.id`;
  }
  const whereSql = where.join(" AND ");
  const total = (dbh.sqlite.query(`SELECT count(*) AS n FROM ${from} WHERE ${whereSql}`).get(...params) as { n: number }).n;
  const rows = dbh.sqlite
    .query(`SELECT ${COLUMNS}, ${TOOL_COUNT} AS toolCount FROM ${from} WHERE ${whereSql} ORDER BY ${order} LIMIT ? OFFSET ?`)
    .all(...params, size, (pg - 1) * size) as (Omit<SearchHit, "verified" | "deployed"> & { verified: number; deployed: number })[];
  return {
    hits: rows.map((r) => ({ ...r, verified: r.verified === 1, deployed: r.deployed === 1 })),
    total,
    page: pg,
    pageSize: size,
  };
}
