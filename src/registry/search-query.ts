// Pure query-syntax parsing, shared by the search itself and the UI's form (views import it, so no I/O here).

/** SearchFilters are a query's filter tokens, plus the other tokens as typed. */
export interface SearchFilters {
  owner?: string;
  tags: string[];
  deployed?: boolean;
  verified?: boolean;
  rest: string[];
}

/** SearchQuery is a parsed search box: words for full-text, plus Smithery-style filters. */
export interface SearchQuery {
  words: string[];
  owner?: string;
  tags: string[];
  deployed?: boolean;
  verified?: boolean;
}

/** splitFilters separates Smithery-style filters (`owner:`, `tag:`, `is:deployed`, `is:verified`) from the other tokens. */
export function splitFilters(q: string): SearchFilters {
  const out: SearchFilters = { tags: [], rest: [] };
  for (const token of q.slice(0, 500).split(/\s+/).filter(Boolean).slice(0, 20)) {
    const m = /^(owner|is|tag):(.+)$/i.exec(token);
    const key = m?.[1]?.toLowerCase();
    const value = m?.[2] ?? "";
    if (key === "owner") out.owner = value;
    else if (key === "tag") out.tags.push(value.toLowerCase());
    else if (key === "is" && /^(deployed|hosted)$/i.test(value)) out.deployed = true;
    else if (key === "is" && /^verified$/i.test(value)) out.verified = true;
    else out.rest.push(token);
  }
  return out;
}
