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

/** indexServer replaces the server's row in servers_fts (rowid = servers.id). */
export function indexServer(sqlite: Database, doc: SearchDocument): void {
  sqlite.query("DELETE FROM servers_fts WHERE rowid = ?").run(doc.serverId);
  sqlite
    .query("INSERT INTO servers_fts (rowid, name, title, description, tags, tools) VALUES (?, ?, ?, ?, ?, ?)")
    .run(doc.serverId, doc.name.replace(/[/._-]/g, " ") + " " + doc.name, doc.title ?? "", doc.description, doc.tags.join(" "), doc.tools);
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
