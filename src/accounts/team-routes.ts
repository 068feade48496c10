import { Elysia } from "elysia";
import { z } from "zod";
import { auditRequest } from "../audit/audit-request.ts";
import { principalFor, requireUser } from "./web-auth.ts";
import type { AppContext } from "../http/context.ts";
import { TEAM_ROLES } from "../db/schema.ts";
import { createTeam, removeMember, setMember, teamMembersOf, teamsOf, visibleTeam } from "./teams.ts";

const teamBody = z.object({ name: z.string().max(200) });
const memberBody = z.object({ email: z.string().max(254), role: z.enum(TEAM_ROLES) });

function teamJson(team: { name: string; createdAt: number }, role: string | undefined) {
  return { name: team.name, namespace: team.name, role: role ?? null, createdAt: new Date(team.createdAt).toISOString() };
}

/**
 * teamRoutes manage teams under /api/v1/teams. Reading needs a key's `read` scope; changing a team
 * is account management, so a key needs `admin` (it still acts only with its user's own rights).
 */
export function teamRoutes(ctx: AppContext) {
  const db = ctx.dbh.db;
  return new Elysia({ name: "teams-api" })
    .get(
      "/api/v1/teams",
      ({ request }) => ({ teams: teamsOf(db, requireUser(ctx, request, "read")).map((t) => teamJson(t, t.role)) }),
      { detail: { summary: "The caller's teams (every team for admins)", tags: ["accounts"] } },
    )
    .post(
      "/api/v1/teams",
      ({ body, request, set }) => {
        const user = requireUser(ctx, request, "admin");
        const team = createTeam(db, user, body.name);
        auditRequest(ctx, request, principalFor(ctx, request), { action: "team.create", outcome: "ok", target: team.name });
        set.status = 201;
        return teamJson(team, "owner");
      },
      { body: teamBody, detail: { summary: "Create a team and its namespace; the caller becomes its owner", tags: ["accounts"] } },
    )
    .get(
      "/api/v1/teams/:team",
      ({ params, request }) => {
        const { team, role } = visibleTeam(db, requireUser(ctx, request, "read"), params.team);
        return { ...teamJson(team, role), members: teamMembersOf(db, team.id).map(({ email, role }) => ({ email, role })) };
      },
      { detail: { summary: "A team and its members (members and admins only; 404 to others)", tags: ["accounts"] } },
    )
    .put(
      "/api/v1/teams/:team/members",
      ({ body, params, request }) => {
        const m = setMember(db, requireUser(ctx, request, "admin"), params.team, body.email, body.role);
        auditRequest(ctx, request, principalFor(ctx, request), { action: "team.member_set", outcome: "ok", target: params.team, detail: `${m.email} as ${m.role}` });
        return { email: m.email, role: m.role };
      },
      { body: memberBody, detail: { summary: "Add a member or change their role (team owners and admins)", tags: ["accounts"] } },
    )
    .delete(
      "/api/v1/teams/:team/members/:email",
      ({ params, request, set }) => {
        const email = decodeURIComponent(params.email);
        removeMember(db, requireUser(ctx, request, "admin"), params.team, email);
        auditRequest(ctx, request, principalFor(ctx, request), { action: "team.member_remove", outcome: "ok", target: params.team, detail: email });
        set.status = 204;
        return null;
      },
      { detail: { summary: "Remove a member (team owners and admins; never the last owner)", tags: ["accounts"] } },
    );
}
