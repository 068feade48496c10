import type { SQLQueryBindings } from "bun:sqlite";
import { and, asc, eq } from "drizzle-orm";
import type { DbHandle } from "../db/client.ts";
import { namespaces, servers, serverVersions } from "../db/schema.ts";
import { AppError } from "../shared/app-error.ts";
import { canPublish, namespaceRole, type TeamRole } from "../accounts/teams.ts";
import { canSee, visibleSql, type Viewer } from "./visibility.ts";

/** ServerRow is a catalog entry as stored. */
export type ServerRow = typeof servers.$inferSelect;
/** VersionRow is one published version as stored. */
export type VersionRow = typeof serverVersions.$inferSelect;

/** FoundServer is a server the viewer may see, with its namespace and the viewer's role there. */
export type FoundServer = ServerRow & { namespace: string; ownerUserId: number | null; teamId: number | null; role: TeamRole | undefined };

/** findServer returns a server the viewer may see; a private one is "not found" to others (never 403). */
export function findServer(dbh: DbHandle, viewer: Viewer, qualifiedName: string): FoundServer {
  const row = dbh.db
    .select({ server: servers, ns: namespaces })
    .from(servers)
    .innerJoin(namespaces, eq(namespaces.id, servers.namespaceId))
    .where(eq(servers.qualifiedName, qualifiedName))
    .get();
  const role = row ? namespaceRole(dbh.db, viewer.userId, row.ns) : undefined;
  // The same error, word for word, whether the server is missing or hidden: nothing tells them apart.
  if (!row || !canSee(viewer, row.server, role)) throw new AppError("not_found", `no server named ${qualifiedName.slice(0, 200)}`);
  return { ...row.server, namespace: row.ns.name, ownerUserId: row.ns.ownerUserId, teamId: row.ns.teamId, role };
}

/** canManage tells whether the viewer may deploy a server and read its logs: publishers, owners and admins. */
export function canManage(viewer: Viewer, server: FoundServer): boolean {
  return viewer.isAdmin || canPublish(server.role);
}

/** listVersions returns a server's versions, oldest first, without deleted ones. */
export function listVersions(dbh: DbHandle, serverId: number): VersionRow[] {
  return dbh.db.select().from(serverVersions).where(eq(serverVersions.serverId, serverId)).orderBy(asc(serverVersions.id)).all().filter((v) => v.status !== "deleted");
}

/** getVersion returns one version by string, or the latest for "latest". */
export function getVersion(dbh: DbHandle, serverId: number, version: string): VersionRow {
  const cond = version === "latest" ? eq(serverVersions.isLatest, true) : eq(serverVersions.version, version);
  const row = dbh.db.select().from(serverVersions).where(and(eq(serverVersions.serverId, serverId), cond)).get();
  if (!row || row.status === "deleted") throw new AppError("not_found", `no version ${version.slice(0, 100)} of this server`);
  return row;
}

/** OfficialListQuery is the official Registry API's list parameters. */
export interface OfficialListQuery {
  cursor?: string;
  limit: number;
  search?: string;
  updatedSince?: number;
  latestOnly: boolean;
}

/** OfficialListRow is one (server, version) in registry order. */
export interface OfficialListRow {
  qualifiedName: string;
  versionId: number;
  serverJson: Record<string, unknown>;
  status: string;
  isLatest: boolean;
  publishedAt: number;
  updatedAt: number;
}

function encodeCursor(name: string, versionId: number): string {
  return Buffer.from(JSON.stringify([name, versionId])).toString("base64url");
}

function decodeCursor(cursor: string): [string, number] {
  try {
    const v = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (Array.isArray(v) && typeof v[0] === "string" && Number.isInteger(v[1])) return [v[0], v[1] as number];
  } catch {
    // fall through to the error below
  }
  throw new AppError("bad_request", "cursor is not one this registry issued; start again without it");
}

/** officialList pages through versions ordered by (name, version id): stable under inserts, no gaps. */
export function officialList(dbh: DbHandle, viewer: Viewer, q: OfficialListQuery): { rows: OfficialListRow[]; nextCursor?: string } {
  const vis = visibleSql(viewer);
  const where = [vis.clause, "v.status != 'deleted'"];
  const params: SQLQueryBindings[] = [...vis.params];
  if (q.latestOnly) where.push("v.is_latest = 1");
  if (q.search) {
    where.push("s.qualified_name LIKE ? ESCAPE '\\'");
    params.push(`%${q.search.replace(/[\\%_]/g, (c) => "\\" + c)}%`);
  }
  if (q.updatedSince !== undefined) {
    where.push("v.updated_at >= ?");
    params.push(q.updatedSince);
  }
  if (q.cursor) {
    const [name, id] = decodeCursor(q.cursor);
    where.push("(s.qualified_name > ? OR (s.qualified_name = ? AND v.id > ?))");
    params.push(name, name, id);
  }
  const rows = dbh.sqlite
    .query(
      `SELECT s.qualified_name AS qualifiedName, v.id AS versionId, v.server_json AS serverJson, v.status, v.is_latest AS isLatest,
         v.published_at AS publishedAt, v.updated_at AS updatedAt
       FROM server_versions v JOIN servers s ON s.id = v.server_id JOIN namespaces n ON n.id = s.namespace_id
       WHERE ${where.join(" AND ")} ORDER BY s.qualified_name, v.id LIMIT ?`,
    )
    .all(...params, q.limit + 1) as (Omit<OfficialListRow, "serverJson" | "isLatest"> & { serverJson: string; isLatest: number })[];
  const more = rows.length > q.limit;
  const page = rows.slice(0, q.limit).map((r) => ({ ...r, serverJson: JSON.parse(r.serverJson) as Record<string, unknown>, isLatest: r.isLatest === 1 }));
  const last = page.at(-1);
  return { rows: page, nextCursor: more && last ? encodeCursor(last.qualifiedName, last.versionId) : undefined };
}

/** getVersionById returns one version by its row id. */
export function getVersionById(dbh: DbHandle, id: number): VersionRow {
  const row = dbh.db.select().from(serverVersions).where(eq(serverVersions.id, id)).get();
  if (!row) throw new AppError("not_found", "that version no longer exists");
  return row;
}
