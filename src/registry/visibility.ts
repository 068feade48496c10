import { eq, or, sql, type SQL } from "drizzle-orm";
import type { Principal } from "../accounts/principal.ts";
import type { TeamRole } from "../accounts/teams.ts";
import { namespaces, servers } from "../db/schema.ts";

/** Viewer is who is looking at the catalog, reduced to what visibility rules need. */
export interface Viewer {
  userId: number | null;
  isAdmin: boolean;
}

/** ANONYMOUS sees public servers only. */
export const ANONYMOUS: Viewer = { userId: null, isAdmin: false };

/** viewerOf reduces a request principal to a Viewer. */
export function viewerOf(p: Principal): Viewer {
  if (p.kind === "session" || p.kind === "key") return { userId: p.user.id, isAdmin: p.user.role === "admin" };
  return ANONYMOUS;
}

// A namespace is "theirs" when they own it personally or belong to the team that owns it.
const MEMBER_SQL = "(n.owner_user_id = ? OR n.team_id IN (SELECT tm.team_id FROM team_members tm WHERE tm.user_id = ?))";

/**
 * visibleTo is the SQL condition "this server may be seen by the viewer" (servers joined with
 * namespaces). Private servers exist only for their namespace's owner, its team's members, and admins.
 */
export function visibleTo(viewer: Viewer): SQL | undefined {
  if (viewer.isAdmin) return undefined;
  if (viewer.userId === null) return eq(servers.visibility, "public");
  return or(
    eq(servers.visibility, "public"),
    eq(namespaces.ownerUserId, viewer.userId),
    sql`${namespaces.teamId} IN (SELECT tm.team_id FROM team_members tm WHERE tm.user_id = ${viewer.userId})`,
  );
}

/** canSee checks one server against the viewer, given the viewer's role in its namespace (same rule as visibleTo). */
export function canSee(viewer: Viewer, server: { visibility: string }, role: TeamRole | undefined): boolean {
  return server.visibility === "public" || viewer.isAdmin || role !== undefined;
}

/** visibleSql is visibleTo as raw SQL over aliases `s` (servers) and `n` (namespaces), for the FTS query. */
export function visibleSql(viewer: Viewer): { clause: string; params: (string | number)[] } {
  if (viewer.isAdmin) return { clause: "1", params: [] };
  if (viewer.userId === null) return { clause: "s.visibility = 'public'", params: [] };
  return { clause: `(s.visibility = 'public' OR ${MEMBER_SQL})`, params: [viewer.userId, viewer.userId] };
}
