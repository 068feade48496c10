import type { Database } from "bun:sqlite";

/** SearchDocument is what the full-text index knows of one server. */
export interface SearchDocument {
  serverId: number;
  name: string;
  title: string | null;
  description: string;
  tags: string[];
  /** Tool names and descriptions from the latest snapshot, as one text. */
  tools: string;
}

/** FACET starts every filter token in the `facets` column (char(57344) in migration 0002's server_facets). */
export const FACET = "\uE000";
/** STRONG starts every token of the `strong` column: the name's and title's tokens again. */
export const STRONG = "\uE001";

const words = (s: string) => s.replace(/[/._-]/g, " ");

/**
 * indexServer replaces the server's row in servers_fts (rowid = servers.id) and adds its tokens to
 * search_terms. `io.github.acme/pg-tools` is indexed as name "pg tools" and namespace
 * "io github acme": a namespace is shared by many servers and ranks low, the short name ranks high.
 * The name's and title's tokens are repeated, marked, in `strong`; facets (filters) are read from
 * the servers row, which must exist. See migration 0002 for why.
 */
export function indexServer(sqlite: Database, doc: SearchDocument): void {
  const slash = doc.name.indexOf("/");
  const name = words(doc.name.slice(slash + 1));
  const namespace = words(doc.name.slice(0, Math.max(0, slash)));
  const columns = [name, namespace, doc.title ?? "", doc.description, doc.tags.join(" "), doc.tools];
  const tokens = sqlite.query("SELECT token FROM search_tokenizer WHERE input = ?");
  const strong = (tokens.all(`${name}\n${doc.title ?? ""}`) as { token: string }[]).map((r) => STRONG + r.token).join(" ");
  sqlite.query("DELETE FROM servers_fts WHERE rowid = ?").run(doc.serverId);
  sqlite
    .query(`INSERT INTO servers_fts (rowid, name, namespace, title, description, tags, tools, strong, facets)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, coalesce((SELECT facets FROM server_facets WHERE id = ?), ''))`)
    .run(doc.serverId, ...columns, strong, doc.serverId);
  sqlite.query("INSERT OR IGNORE INTO search_terms (term) SELECT token FROM search_tokenizer WHERE input = ?").run(columns.join("\n"));
}

/** toolsText flattens a snapshot's tools into index text (names split on _ and - so parts match too). */
export function toolsText(tools: unknown[]): string {
  return tools
    .map((t) => {
      const tool = t as { name?: unknown; description?: unknown };
      const name = typeof tool.name === "string" ? tool.name : "";
      const desc = typeof tool.description === "string" ? tool.description.slice(0, 500) : "";
      return `${name} ${name.replace(/[_-]/g, " ")} ${desc}`;
    })
    .join("\n");
}
