import type { Database } from "bun:sqlite";
import { FACET, STRONG } from "./search-index.ts";
import type { SearchQuery } from "./search-query.ts";

// FTS5 MATCH expressions for a parsed query. Every piece is a quoted token that came out of the
// tokenizer, search_terms or a facet encoder, and each expression is bound as a parameter: user
// text never becomes FTS5 syntax or SQL.

// Everything the publisher wrote or the server listed, but not its namespace.
const TEXT = "{name title description tags tools}";

/** Spelling is how a word is written: `rank` matches and scores exactly like `"word"*`; `seek` matches the same servers and is cheap to probe. */
export type Spelling = "rank" | "seek";

/** Word is one query word as the index knows it. */
export interface Word {
  /** The word as the tokenizer folds it. */
  token: string;
  /** Indexed terms starting with `token`, or null to use a prefix query (1-3 characters: FTS5 has prefix indexes for those; or too many completions). */
  terms: string[] | null;
}

/** MatchPlan is a query as FTS5 pieces: words (all must match) and facet filters. */
export interface MatchPlan {
  words: Word[];
  facets: string[];
  /** Some word's `seek` spelling is a long prefix, which FTS5 merges from every completion's doclist each time it runs. */
  merges: boolean;
  /** Some word or filter can match no server at all. */
  empty: boolean;
}

// A longer prefix has few completions; more than this and the plain prefix query is used.
const MAX_EXPANSION = 24;
const quote = (token: string) => `"${token.replaceAll('"', '""')}"`;

/** facet is the index token of one filter value (see server_facets in migration 0002). */
export function facet(kind: "public" | "private" | "deployed" | "verified"): string {
  return quote(FACET + kind);
}

/**
 * spell writes one word; `mark` selects the `strong` column's marked tokens. A word with one
 * completion is that term (the same matches and bm25 as the prefix); for several, `seek` is an
 * OR of them, since FTS5 would otherwise merge every completion's doclist on each probe.
 */
function spell(w: Word, spelling: Spelling, mark: string): string {
  const prefix = `${quote(mark + w.token)}*`;
  if (w.terms === null) return prefix;
  if (w.terms.length === 1) return quote(mark + w.terms[0]!);
  return spelling === "rank" ? prefix : `(${w.terms.map((t) => quote(mark + t)).join(" OR ")})`;
}

function wordFor(sqlite: Database, word: string): Word | null {
  const tokens = (sqlite.query("SELECT token FROM search_tokenizer WHERE input = ?").all(word) as { token: string }[]).map((r) => r.token);
  // The tokenizer and parseSearchQuery disagree on what splits words (rare): let FTS5 make a phrase of it.
  if (tokens.length !== 1) return { token: word, terms: null };
  const token = tokens[0]!;
  if ([...token].length <= 3) return { token, terms: null };
  const terms = (sqlite.query("SELECT term FROM search_terms WHERE term >= ? AND term < ? ORDER BY term LIMIT ?").all(token, token + "\u{10FFFF}", MAX_EXPANSION + 1) as { term: string }[]).map((r) => r.term);
  if (terms.length === 0) return null;
  return { token, terms: terms.length > MAX_EXPANSION ? null : terms };
}

/** planMatch turns parsed words and filters into FTS5 pieces, resolving owner names and word completions. */
export function planMatch(sqlite: Database, q: SearchQuery): MatchPlan {
  const plan: MatchPlan = { words: [], facets: [], merges: false, empty: false };
  for (const word of q.words) {
    const w = wordFor(sqlite, word);
    if (w) plan.words.push(w);
    else plan.empty = true;
    plan.merges ||= w !== null && w.terms === null && [...w.token].length > 3;
  }
  if (q.owner !== undefined) {
    const ids = (sqlite.query("SELECT id FROM namespaces WHERE name = ? COLLATE NOCASE").all(q.owner) as { id: number }[]).map((r) => r.id);
    if (ids.length === 0) plan.empty = true;
    else plan.facets.push(`(${ids.map((id) => quote(`${FACET}ns${id}`)).join(" OR ")})`);
  }
  // Tags are hex-encoded in the index so any tag is one token.
  for (const tag of q.tags) plan.facets.push(quote(`${FACET}t${Buffer.from(tag, "utf8").toString("hex")}`));
  if (q.deployed) plan.facets.push(facet("deployed"));
  if (q.verified) plan.facets.push(facet("verified"));
  return plan;
}

/** hasTerms tells whether the plan restricts anything (words or filters). */
export function hasTerms(plan: MatchPlan): boolean {
  return plan.words.length > 0 || plan.facets.length > 0;
}

function words(plan: MatchPlan, spelling: Spelling, mark = ""): string {
  return plan.words.map((w) => spell(w, spelling, mark)).join(" AND ");
}

/**
 * matchAll is the whole query: words anywhere, and every filter ("" when there is neither). Words
 * need no column filter: no word can match a marked or facet token.
 */
export function matchAll(plan: MatchPlan, spelling: Spelling): string {
  const parts = [...(plan.words.length ? [words(plan, spelling)] : []), ...plan.facets.map((f) => `{facets} : ${f}`)];
  return parts.map((p) => `(${p})`).join(" AND ");
}

/** TierName names where all of a server's words matched; tiers partition the matches, strongest first. */
export type TierName = "named" | "described" | "rest";

/**
 * matchTier is one tier: "named" servers have every word in the name or title (searched in the
 * marked `strong` column, whose doclists hold only those); "described", in anything but the
 * namespace; "rest" are the others (some word only in the namespace). `exclusive: false` leaves
 * out excluding the earlier tiers, for when they are known to be empty.
 */
export function matchTier(plan: MatchPlan, tier: TierName, spelling: Spelling, exclusive = true): string {
  const facets = plan.facets.map((f) => ` AND ({facets} : ${f})`).join("");
  if (tier === "named") return `({strong} : (${words(plan, spelling, STRONG)}))${facets}`;
  const within = tier === "described" ? `(${TEXT} : (${words(plan, spelling)}))${facets}` : `(${words(plan, spelling)})${facets}`;
  if (!exclusive) return within;
  const earlier = tier === "described" ? `{strong} : (${words(plan, "seek", STRONG)})` : `${TEXT} : (${words(plan, "seek")})`;
  return `(${within}) NOT (${earlier})`;
}
