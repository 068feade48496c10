// Words, tags and a deterministic mix for synthetic catalogs, shared by the search and render benches.

/** VOCAB is the word pool synthetic names and descriptions draw from. */
export const VOCAB = ("github gitlab postgres mysql sqlite redis mongo slack discord email calendar weather maps search browser files " +
  "memory notes docs jira linear notion figma stripe shopify aws azure gcp kubernetes docker terraform sentry datadog grafana " +
  "prometheus openai anthropic translate pdf image audio video youtube spotify twitter reddit news finance crypto stocks " +
  "analytics crm salesforce hubspot zendesk twilio sms whatsapp telegram rss scraper crawler fetch http api graphql rest " +
  "vector embeddings rag knowledge wiki obsidian todo tasks time timezone math python javascript rust go shell git").split(" ");

/** TAGS are the tags synthetic servers get. */
export const TAGS = ["db", "search", "devtools", "ai", "cloud", "chat", "productivity", "finance", "media", "monitoring"];

/** hash is a 32-bit integer mix (murmur3's finaliser): deterministic, and words co-occur like real text. */
export function hash(i: number, k: number): number {
  let h = Math.imul(i + 1, 0x9e3779b1) ^ Math.imul(k + 1, 0x85ebca77);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** pick is the k-th word of synthetic server i. */
export const pick = (i: number, k: number): string => VOCAB[hash(i, k) % VOCAB.length]!;
