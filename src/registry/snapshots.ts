import { and, desc, eq } from "drizzle-orm";
import type { DbHandle } from "../db/client.ts";
import { servers, serverVersions, toolSnapshots } from "../db/schema.ts";
import { indexServer, toolsText } from "./search-index.ts";

/** ToolListing is what a server answered to tools/list, prompts/list and resources/list. */
export interface ToolListing {
  tools: unknown[];
  prompts: unknown[];
  resources: unknown[];
}

/** Snapshot is a stored listing of one version, or why listing failed. */
export interface Snapshot extends ToolListing {
  contentHash: string;
  needsConfig: boolean;
  error: string | null;
  takenAt: number;
}

/** listingHash is a stable SHA-256 of a listing, to tell when a server's tools changed. */
export function listingHash(l: ToolListing): string {
  return new Bun.CryptoHasher("sha256").update(JSON.stringify([l.tools, l.prompts, l.resources])).digest("hex");
}

/** latestSnapshot returns the newest snapshot of a version. */
export function latestSnapshot(dbh: DbHandle, versionId: number): Snapshot | undefined {
  const row = dbh.db.select().from(toolSnapshots).where(eq(toolSnapshots.versionId, versionId)).orderBy(desc(toolSnapshots.id)).limit(1).get();
  return row ? { tools: row.tools, prompts: row.prompts, resources: row.resources, contentHash: row.contentHash, needsConfig: row.needsConfig, error: row.error, takenAt: row.takenAt } : undefined;
}

/** latestToolsText is the index text of the server's latest version's tools ("" when none listed yet). */
export function latestToolsText(dbh: DbHandle, serverId: number): string {
  const v = dbh.db.select({ id: serverVersions.id }).from(serverVersions).where(and(eq(serverVersions.serverId, serverId), eq(serverVersions.isLatest, true))).get();
  const snap = v ? latestSnapshot(dbh, v.id) : undefined;
  return snap ? toolsText(snap.tools) : "";
}

/** recordSnapshot stores a probe's result and re-indexes the server so tool names become searchable. */
export function recordSnapshot(dbh: DbHandle, versionId: number, result: ToolListing & { needsConfig?: boolean; error?: string | null }): Snapshot {
  const snap: Snapshot = {
    tools: result.tools,
    prompts: result.prompts,
    resources: result.resources,
    contentHash: listingHash(result),
    needsConfig: result.needsConfig ?? false,
    error: result.error ?? null,
    takenAt: Date.now(),
  };
  dbh.sqlite.transaction(() => {
    dbh.db.insert(toolSnapshots).values({ versionId, ...snap }).run();
    const v = dbh.db.select().from(serverVersions).where(eq(serverVersions.id, versionId)).get();
    if (!v?.isLatest) return;
    const s = dbh.db.select().from(servers).where(eq(servers.id, v.serverId)).get();
    if (s) indexServer(dbh.sqlite, { serverId: s.id, name: s.qualifiedName, title: s.title, description: s.description, tags: s.tags, tools: toolsText(snap.tools) });
  })();
  return snap;
}
