import type { Database, SQLQueryBindings } from "bun:sqlite";
import { facet, hasTerms, matchAll, matchTier, planMatch, type MatchPlan, type Spelling } from "./search-match.ts";
import type { SearchQuery } from "./search-query.ts";

/** Limits are planPage's thresholds; tests shrink them to run big-catalog plans on a few servers. */
export interface Limits {
  /** The most matches ranked by bm25 at once (bm25 plus the join cost a few µs a match). */
  rankLimit: number;
  /** Counting stops here: past it a total is reported as "at least totalCap". */
  totalCap: number;
  /** Forces one way of listing in static order (tests compare them). */
  listing?: Listing;
}

/** LIMITS are the thresholds searches run with. */
export const LIMITS: Limits = { rankLimit: 1_000, totalCap: 1_000 };

// Costs measured at 100k servers, in µs: probing the FTS index for one phrase of one server (a
// seek into every segment of the index: FTS5 keeps ~log(n) of them until 'optimize' merges them);
// gathering one match; walking past one server in servers_rank_idx; reading and sorting one match.
const PROBE_US = 3;
const PROBE_SEGMENT_US = 2;
const GATHER_US = 0.15;
const WALK_US = 0.05;
const SCAN_US = 3;
// A big tier's size is estimated from its matches among at least this many ids (or a tenth of them).
const SAMPLE_IDS = 5_000;

/** Visibility is visibleSql's condition over `s` (servers) and `n` (namespaces). */
export interface Visibility {
  clause: string;
  params: SQLQueryBindings[];
  /** The viewer sees public servers only (anonymous), so private matches needn't be counted. */
  publicOnly: boolean;
}

/** PageIds is one page of server ids in result order, with the (possibly capped) total. */
export interface PageIds {
  ids: number[];
  total: number;
  totalExact: boolean;
}

// Column weights: name, namespace, title, description, tags, tools, strong, facets. A name match
// outweighs a mention; a namespace is shared by many servers; facets never score. `strong` only
// appears in the "named" tier's expression, where it is the only column scored.
const RANK = "bm25(servers_fts, 10.0, 1.0, 6.0, 1.0, 3.0, 2.0, 10.0, 0.0)";
// Hosted servers rank higher (as on Smithery): a 25% relevance boost, not an override.
const BOOSTED = `(${RANK}) * (CASE WHEN s.deployed THEN 1.25 ELSE 1.0 END)`;
// The static order; servers_rank_idx holds it, so a walk stops after one page.
const STATIC = "s.deployed DESC, s.use_count DESC, s.updated_at DESC, s.id";

/** Listing is how matches are found in static order (see Planner.listed). */
export type Listing = "probe" | "gather" | "scan";

interface Slice {
  ids: number[];
  /** The tier's size, known once the slice ran past its end. */
  size?: number;
}

/** Planner answers one search: which statements to run, given how many servers each part matches. */
class Planner {
  private readonly from: string;
  private walkable: number | undefined;
  private segmentCount: number | undefined;
  private idCount: number | undefined;

  constructor(
    private readonly sqlite: Database,
    private readonly vis: Visibility,
    private readonly q: SearchQuery,
    private readonly plan: MatchPlan,
    private readonly limits: Limits,
  ) {
    // The namespace join is only paid for when the visibility rule needs it (signed-in viewers).
    this.from = /\bn\./.test(vis.clause) ? " CROSS JOIN namespaces n ON n.id = s.namespace_id" : "";
  }

  private count(expr: string, limit: number): number {
    return (this.sqlite.query("SELECT count(*) AS n FROM (SELECT 1 FROM servers_fts WHERE servers_fts MATCH ? LIMIT ?)").get(expr, limit) as { n: number }).n;
  }

  /** visible counts matches of `expr` (every server if empty) the viewer may see, up to about `limit`. */
  private visible(expr: string, limit: number): number {
    // Visibility is public or private; excluding the few private servers inside the index is
    // cheaper than intersecting with the public ones, and needs no join.
    const pub = this.count(expr ? `(${expr}) NOT ({facets} : ${facet("private")})` : `{facets} : ${facet("public")}`, limit);
    if (this.vis.publicOnly) return pub;
    const priv = this.sqlite
      .query(`SELECT count(*) AS n FROM (SELECT 1 FROM servers_fts f CROSS JOIN servers s ON s.id = f.rowid${this.from}
        WHERE servers_fts MATCH ? AND ${this.vis.clause} LIMIT ?)`)
      .get(`${expr ? `(${expr}) AND ` : ""}({facets} : ${facet("private")})`, ...this.vis.params, limit) as { n: number };
    return pub + priv.n;
  }

  /** total counts visible matches of the whole query, stopping past totalCap. */
  total(): { total: number; totalExact: boolean } {
    const n = this.visible(matchAll(this.plan, "seek"), this.limits.totalCap + 1);
    return { total: Math.min(n, this.limits.totalCap), totalExact: n <= this.limits.totalCap };
  }

  /** ranked orders every match of `expr` by boosted bm25, then use count (callers keep it under rankLimit). */
  ranked(expr: string, offset: number, limit: number): Slice {
    const where = `FROM servers_fts f CROSS JOIN servers s ON s.id = f.rowid${this.from} WHERE servers_fts MATCH ? AND ${this.vis.clause}`;
    // bm25 can't run inside a window query, so it is computed in a subquery first.
    const rows = this.sqlite
      .query(`SELECT id, count(*) OVER () AS n FROM (SELECT s.id, ${BOOSTED} AS score, s.use_count AS uses ${where}) ORDER BY score, uses DESC, id LIMIT ? OFFSET ?`)
      .all(expr, ...this.vis.params, limit, offset) as { id: number; n: number }[];
    if (rows.length) return { ids: rows.map((r) => r.id), size: rows[0]!.n };
    return { ids: [], size: offset === 0 ? 0 : (this.sqlite.query(`SELECT count(*) AS n ${where}`).get(expr, ...this.vis.params) as { n: number }).n };
  }

  /**
   * listed returns matches of `expr` in static order. "probe" and "gather" walk servers_rank_idx
   * until the page is full, checking each server by probing the FTS index (good when most servers
   * match) or against the matches gathered up front (when many do); "scan" reads the matches and
   * sorts them (when few do). Every server (`expr` null) is a plain walk.
   */
  listed(expr: string | null, how: Listing, offset: number, limit: number): Slice {
    let sql = `FROM servers s INDEXED BY servers_rank_idx${this.from} WHERE ${this.vis.clause}`;
    if (expr !== null && how === "probe") {
      sql = `FROM servers s INDEXED BY servers_rank_idx CROSS JOIN servers_fts f ON f.rowid = s.id${this.from} WHERE servers_fts MATCH ? AND ${this.vis.clause}`;
    } else if (expr !== null && how === "gather") {
      sql = `FROM servers s INDEXED BY servers_rank_idx${this.from} WHERE s.id IN (SELECT rowid FROM servers_fts WHERE servers_fts MATCH ?) AND ${this.vis.clause}`;
    } else if (expr !== null) {
      sql = `FROM servers_fts f CROSS JOIN servers s ON s.id = f.rowid${this.from} WHERE servers_fts MATCH ? AND ${this.vis.clause}`;
    }
    // is:deployed servers lead the index: walk only that range.
    if (this.q.deployed) sql += " AND s.deployed = 1";
    const params: SQLQueryBindings[] = [...(expr === null ? [] : [expr]), ...this.vis.params];
    const ids = (this.sqlite.query(`SELECT s.id ${sql} ORDER BY ${STATIC} LIMIT ? OFFSET ?`).all(...params, limit, offset) as { id: number }[]).map((r) => r.id);
    if (ids.length === limit) return { ids };
    if (ids.length > 0 || offset === 0) return { ids, size: offset + ids.length };
    // A page past the end: only now count the whole tier (deep pages of huge tiers pay for this).
    const size = expr === null ? (this.sqlite.query(`SELECT count(*) AS n ${sql}`).get(...params) as { n: number }).n : this.visible(expr, Number.MAX_SAFE_INTEGER);
    return { ids, size };
  }

  /**
   * tier fetches a slice of one tier: ranked by bm25 when it has at most rankLimit matches (and
   * `rankable`), else listed in static order the cheapest way for its size. A big tier is not
   * counted to the end: its size is estimated from a sample of the id range.
   */
  tier(expr: (s: Spelling) => string, rankable: boolean, offset: number, limit: number): Slice {
    const seek = expr("seek");
    const { rankLimit, listing } = this.limits;
    const few = this.count(seek, rankLimit + 1);
    if (few === 0) return { ids: [], size: 0 };
    if (few <= rankLimit) return rankable ? this.ranked(expr("rank"), offset, limit) : this.listed(seek, listing ?? "scan", offset, limit);
    // A long prefix without an expansion would be merged again on every probe: never probe it.
    if (listing || this.plan.merges) return this.listed(seek, listing ?? "gather", offset, limit);
    const estimate = Math.max(few, this.sample(seek));
    // A walk visits about this many servers before the page is full.
    const visits = ((offset + limit) * this.walked()) / estimate;
    const phrases = (seek.match(/"/g)?.length ?? 0) / 2;
    const costs: [Listing, number][] = [
      ["probe", visits * phrases * (PROBE_US + PROBE_SEGMENT_US * this.segments())],
      ["gather", estimate * GATHER_US + visits * WALK_US],
      ["scan", estimate * SCAN_US],
    ];
    return this.listed(seek, costs.reduce((a, b) => (b[1] < a[1] ? b : a))[0], offset, limit);
  }

  /** sample estimates how many servers match `expr` from how many do in a slice of the id range. */
  private sample(expr: string): number {
    const ids = this.maxId();
    const width = Math.min(ids, Math.max(SAMPLE_IDS, Math.ceil(ids / 10)));
    const from = Math.floor((ids - width) / 2);
    const hits = (this.sqlite.query("SELECT count(*) AS n FROM servers_fts WHERE servers_fts MATCH ? AND rowid > ? AND rowid <= ?").get(expr, from, from + width) as { n: number }).n;
    return Math.round((hits * ids) / width);
  }

  /** segments is how many b-trees the FTS index is split into (each probe seeks in all of them). */
  private segments(): number {
    this.segmentCount ??= (this.sqlite.query("SELECT count(DISTINCT segid) AS n FROM servers_fts_idx").get() as { n: number }).n;
    return this.segmentCount;
  }

  /** walked is how many servers a walk of servers_rank_idx may visit. */
  private walked(): number {
    this.walkable ??= this.q.deployed ? this.count(facet("deployed"), Number.MAX_SAFE_INTEGER) : this.maxId();
    return this.walkable;
  }

  /** maxId bounds the id range (ids are never reused). */
  private maxId(): number {
    this.idCount ??= (this.sqlite.query("SELECT coalesce(max(id), 0) AS n FROM servers").get() as { n: number }).n;
    return this.idCount;
  }
}

function tiered(p: Planner, plan: MatchPlan, offset: number, limit: number): number[] {
  const ids: number[] = [];
  let skip = offset;
  // While the earlier tiers matched nothing, excluding them from this one is a wasted seek per row.
  let earlierEmpty = true;
  for (const name of ["named", "described", "rest"] as const) {
    const slice = p.tier((s) => matchTier(plan, name, s, !earlierEmpty), true, skip, limit - ids.length);
    ids.push(...slice.ids);
    if (ids.length === limit || slice.size === undefined) break;
    skip = Math.max(0, skip - slice.size);
    earlierEmpty &&= slice.size === 0;
  }
  return ids;
}

/**
 * planPage finds one page of results. Up to rankLimit matches, every match is ranked by bm25
 * (boosted when deployed, then use count), exactly as a small catalog is. Past that, matches come
 * in tiers, each ranked by bm25 when small enough and in static order otherwise: every word in
 * the name or title first, then every word in anything but the namespace, then the rest.
 * Without words, servers come in static order.
 */
export function planPage(sqlite: Database, vis: Visibility, q: SearchQuery, offset: number, limit: number, limits = LIMITS): PageIds {
  const plan = planMatch(sqlite, q);
  if (plan.empty) return { ids: [], total: 0, totalExact: true };
  const p = new Planner(sqlite, vis, q, plan, limits);
  const { total, totalExact } = p.total();
  if (total === 0) return { ids: [], total, totalExact };
  if (!hasTerms(plan)) return { ids: p.listed(null, "scan", offset, limit).ids, total, totalExact };
  if (plan.words.length === 0) return { ids: p.tier((s) => matchAll(plan, s), false, offset, limit).ids, total, totalExact };
  if (totalExact && total <= limits.rankLimit) return { ids: p.ranked(matchAll(plan, "rank"), offset, limit).ids, total, totalExact };
  return { ids: tiered(p, plan, offset, limit), total, totalExact };
}
