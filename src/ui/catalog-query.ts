import { splitFilters } from "../registry/search-query.ts";

/** SORTS are the orders the catalog offers; "relevance" is search's own ranking. */
export const SORTS = { relevance: "Best match", popular: "Most used", recent: "Recently updated", name: "Name" } as const;
/** Sort is one of SORTS. */
export type Sort = keyof typeof SORTS;

/** CatalogState is the search form: free words plus the filters the query syntax knows. */
export interface CatalogState {
  words: string;
  deployed: boolean;
  verified: boolean;
  tags: string[];
  owner: string;
  sort: Sort;
  page: number;
}

const MAX_PAGE = 500;

function isSort(s: string): s is Sort {
  return Object.hasOwn(SORTS, s);
}

/**
 * splitQuery reads `is:deployed tag:db owner:acme github` into form state: filters go to their
 * controls, everything else stays as typed words.
 */
export function splitQuery(q: string): Pick<CatalogState, "words" | "deployed" | "verified" | "tags" | "owner"> {
  const f = splitFilters(q);
  return { words: f.rest.join(" "), deployed: f.deployed ?? false, verified: f.verified ?? false, tags: [...new Set(f.tags)], owner: f.owner ?? "" };
}

/** joinQuery writes form state back as one query in the search syntax (the shareable form). */
export function joinQuery(s: Pick<CatalogState, "words" | "deployed" | "verified" | "tags" | "owner">): string {
  const parts: string[] = [];
  if (s.deployed) parts.push("is:deployed");
  if (s.verified) parts.push("is:verified");
  for (const t of s.tags) parts.push(`tag:${t}`);
  if (s.owner) parts.push(`owner:${s.owner}`);
  if (s.words.trim()) parts.push(s.words.trim());
  return parts.join(" ");
}

const token = (v: string) => v.trim().replace(/\s+/g, "-").slice(0, 100);

/**
 * catalogState reads the search URL: `q` in the query syntax, plus the form's own controls
 * (checkboxes, tag and owner fields) which are merged into it, as a GET form without JS sends them.
 */
export function catalogState(params: URLSearchParams): CatalogState {
  const base = splitQuery(params.get("q") ?? "");
  const tags = (params.get("tag") ?? "").split(/[,\s]+/).map((t) => token(t).toLowerCase()).filter(Boolean);
  const owner = token(params.get("owner") ?? "");
  const sort = params.get("sort") ?? "";
  const page = Number(params.get("page") ?? 1);
  return {
    words: base.words,
    deployed: base.deployed || params.get("deployed") === "1",
    verified: base.verified || params.get("verified") === "1",
    tags: [...new Set([...base.tags, ...tags])].slice(0, 10),
    owner: owner || base.owner,
    sort: isSort(sort) ? sort : "relevance",
    page: Number.isInteger(page) && page >= 1 ? Math.min(page, MAX_PAGE) : 1,
  };
}

/** catalogUrl is the canonical, shareable URL of a search state (what the address bar shows). */
export function catalogUrl(s: CatalogState, page = s.page): string {
  const p = new URLSearchParams();
  const q = joinQuery(s);
  if (q) p.set("q", q);
  if (s.sort !== "relevance") p.set("sort", s.sort);
  if (page > 1) p.set("page", String(page));
  const qs = p.toString();
  return qs ? `/?${qs}` : "/";
}
