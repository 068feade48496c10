import { and, eq, or, type SQL } from "drizzle-orm";
import type { Principal } from "../accounts/principal.ts";
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

/**
 * visibleTo is the SQL condition "this server may be seen by the viewer" (servers joined with
 * namespaces). Private servers exist only for their namespace's owner and admins; the accounts
 * issue widens "owner" to team members.
 */
export function visibleTo(viewer: Viewer): SQL | undefined {
  if (viewer.isAdmin) return undefined;
  if (viewer.userId === null) return eq(servers.visibility, "public");
  return or(eq(servers.visibility, "public"), and(eq(servers.visibility, "private"), eq(namespaces.ownerUserId, viewer.userId)));
}

/** canSee checks one server row against the viewer (same rule as visibleTo). */
export function canSee(viewer: Viewer, server: { visibility: string }, ns: { ownerUserId: number | null }): boolean {
  return server.visibility === "public" || viewer.isAdmin || (viewer.userId !== null && ns.ownerUserId === viewer.userId);
}

/** visibleSql is visibleTo as raw SQL over aliases `s` (servers) and `n` (namespaces), for the FTS query. */
export function visibleSql(viewer: Viewer): { clause: string; params: (string | number)[] } {
  if (viewer.isAdmin) return { clause: "1", params: [] };
  if (viewer.userId === null) return { clause: "s.visibility = 'public'", params: [] };
  return { clause: "(s.visibility = 'public' OR n.owner_user_id = ?)", params: [viewer.userId] };
}
