import { and, asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client.ts";
import { namespaces, TEAM_ROLES, teamMembers, teams, users } from "../db/schema.ts";
import { parseNamespace } from "../registry/names.ts";
import { AppError } from "../shared/app-error.ts";
import type { User } from "./users.ts";
import { noteAccessLost } from "./api-keys.ts";

/** TeamRole is a member's role in a team (and so in its namespace). */
export type TeamRole = (typeof TEAM_ROLES)[number];

/** Team is a team as the rest of Hearth sees it. */
export interface Team {
  id: number;
  name: string;
  createdAt: number;
}

/** TeamMember is one member of a team, with the email to show. */
export interface TeamMember {
  userId: number;
  email: string;
  role: TeamRole;
}

/** NamespaceOwnership is what a namespace row says about who owns it. */
export interface NamespaceOwnership {
  kind: "user" | "team";
  ownerUserId: number | null;
  teamId: number | null;
}

/** roleSchema validates a role given at an edge (API body, form, CLI flag). */
export const roleSchema = z.enum(TEAM_ROLES, { error: `must be one of ${TEAM_ROLES.join(", ")}` });

/**
 * namespaceRole is the user's role in a namespace: the owner of a personal (user) namespace acts
 * as its "owner"; in a team's namespace it is the team role. Undefined means no role at all.
 */
export function namespaceRole(db: Db, userId: number | null, ns: NamespaceOwnership): TeamRole | undefined {
  if (userId === null) return undefined;
  if (ns.teamId !== null) return memberRole(db, ns.teamId, userId);
  return ns.ownerUserId === userId ? "owner" : undefined;
}

/** canPublish tells whether a role may publish and deploy in its namespace. */
export function canPublish(role: TeamRole | undefined): boolean {
  return role === "owner" || role === "publisher";
}

/** memberRole is the user's role in the team, if they are a member. */
export function memberRole(db: Db, teamId: number, userId: number): TeamRole | undefined {
  return db.select({ role: teamMembers.role }).from(teamMembers).where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, userId))).get()?.role;
}

/** findTeam returns the team by name (case-insensitive, like namespaces in URLs), if any. */
export function findTeam(db: Db, name: string): Team | undefined {
  return db.select().from(teams).where(sql`${teams.name} = ${name} COLLATE NOCASE`).get();
}

/**
 * visibleTeam returns a team the user may see (members and admins); to anyone else it does not
 * exist (404, like a private server), so team names can't be probed.
 */
export function visibleTeam(db: Db, actor: User, name: string): { team: Team; role: TeamRole | undefined } {
  const team = findTeam(db, name.slice(0, 200));
  const role = team ? memberRole(db, team.id, actor.id) : undefined;
  if (!team || (!role && actor.role !== "admin")) throw new AppError("not_found", `no team named ${name.slice(0, 100)}`);
  return { team, role };
}

/** teamMembersOf lists a team's members, owners first, then by email. */
export function teamMembersOf(db: Db, teamId: number): TeamMember[] {
  const rows = db
    .select({ userId: teamMembers.userId, email: users.email, role: teamMembers.role })
    .from(teamMembers)
    .innerJoin(users, eq(users.id, teamMembers.userId))
    .where(eq(teamMembers.teamId, teamId))
    .orderBy(asc(users.email))
    .all();
  return rows.sort((a, b) => TEAM_ROLES.indexOf(a.role) - TEAM_ROLES.indexOf(b.role));
}

/** teamsOf lists the teams a user can see with their role in each: their own, or every team for admins. */
export function teamsOf(db: Db, user: User): (Team & { role: TeamRole | undefined })[] {
  const rows = db
    .select({ id: teams.id, name: teams.name, createdAt: teams.createdAt, role: teamMembers.role })
    .from(teams)
    .leftJoin(teamMembers, and(eq(teamMembers.teamId, teams.id), eq(teamMembers.userId, user.id)))
    .orderBy(asc(teams.name))
    .all();
  return rows.filter((r) => user.role === "admin" || r.role !== null).map((r) => ({ ...r, role: r.role ?? undefined }));
}

/**
 * createTeam makes a team and its namespace, with `owner` as its first owner. A personal namespace
 * of the same name becomes the team's (its servers move with it) when its owner or an admin asks;
 * any other taken name is a conflict.
 */
export function createTeam(db: Db, actor: User, name: string, owner: User = actor): Team {
  const teamName = parseNamespace(name);
  return db.transaction(() => {
    const ns = db.select().from(namespaces).where(sql`${namespaces.name} = ${teamName} COLLATE NOCASE`).get();
    if (ns && (ns.kind === "team" || (ns.ownerUserId !== actor.id && actor.role !== "admin"))) {
      throw new AppError("conflict", `the name "${teamName}" is already taken by another namespace`);
    }
    if (findTeam(db, teamName)) throw new AppError("conflict", `a team named "${teamName}" already exists`);
    const team = db.insert(teams).values({ name: ns?.name ?? teamName }).returning().get();
    db.insert(teamMembers).values({ teamId: team.id, userId: owner.id, role: "owner" }).run();
    if (ns) {
      // The personal namespace's owner keeps control as an owner of the new team.
      if (ns.ownerUserId !== null && ns.ownerUserId !== owner.id) db.insert(teamMembers).values({ teamId: team.id, userId: ns.ownerUserId, role: "owner" }).run();
      db.update(namespaces).set({ kind: "team", teamId: team.id, ownerUserId: null }).where(eq(namespaces.id, ns.id)).run();
    } else {
      db.insert(namespaces).values({ name: teamName, kind: "team", teamId: team.id }).run();
    }
    return team;
  });
}

function requireTeamOwner(db: Db, actor: User, teamName: string): Team {
  const { team, role } = visibleTeam(db, actor, teamName);
  if (role !== "owner" && actor.role !== "admin") throw new AppError("forbidden", `only owners of ${team.name} and administrators manage its members`);
  return team;
}

function ownerCount(db: Db, teamId: number): number {
  return db.select({ n: sql<number>`count(*)` }).from(teamMembers).where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.role, "owner"))).get()?.n ?? 0;
}

/** setMember adds a user to a team or changes their role (owners and admins only); a team keeps at least one owner. */
export function setMember(db: Db, actor: User, teamName: string, email: string, role: unknown): TeamMember {
  const r = roleSchema.safeParse(role);
  if (!r.success) throw new AppError("invalid", "the role is not acceptable", { details: [{ pointer: "/role", message: `role ${r.error.issues[0]!.message}` }] });
  return db.transaction(() => {
    const t = db;
    const team = requireTeamOwner(t, actor, teamName);
    const user = t.select().from(users).where(eq(users.email, email.trim().toLowerCase().slice(0, 254))).get();
    if (!user) throw new AppError("invalid", "no such user", { details: [{ pointer: "/email", message: `no user with email ${email.slice(0, 100)}; they need an account first` }] });
    const current = memberRole(t, team.id, user.id);
    if (current === "owner" && r.data !== "owner" && ownerCount(t, team.id) === 1) throw new AppError("conflict", `${user.email} is the last owner of ${team.name}; make someone else owner first`);
    if (current) t.update(teamMembers).set({ role: r.data }).where(and(eq(teamMembers.teamId, team.id), eq(teamMembers.userId, user.id))).run();
    else t.insert(teamMembers).values({ teamId: team.id, userId: user.id, role: r.data }).run();
    return { userId: user.id, email: user.email, role: r.data };
  });
}

/** removeMember takes a user out of a team (owners and admins only); the last owner can't be removed. */
export function removeMember(db: Db, actor: User, teamName: string, email: string): void {
  db.transaction(() => {
    const t = db;
    const team = requireTeamOwner(t, actor, teamName);
    const user = t.select().from(users).where(eq(users.email, email.trim().toLowerCase().slice(0, 254))).get();
    const current = user ? memberRole(t, team.id, user.id) : undefined;
    if (!user || !current) throw new AppError("not_found", `${email.slice(0, 100)} is not a member of ${team.name}`);
    if (current === "owner" && ownerCount(t, team.id) === 1) throw new AppError("conflict", `${user.email} is the last owner of ${team.name}; make someone else owner first`);
    t.delete(teamMembers).where(and(eq(teamMembers.teamId, team.id), eq(teamMembers.userId, user.id))).run();
  });
  // Their open sessions to the team's private servers end on their next message, not at the next re-check.
  noteAccessLost();
}
