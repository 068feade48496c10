import { Elysia } from "elysia";
import { createTeam, removeMember, setMember, teamMembersOf, teamsOf, visibleTeam } from "../accounts/teams.ts";
import type { User } from "../accounts/users.ts";
import { auditRequest } from "../audit/audit-request.ts";
import type { AppContext } from "../http/context.ts";
import { isAppError } from "../shared/app-error.ts";
import { TeamPage, TeamsPage } from "../../views/pages/teams-page.tsx";
import { formString, readForm, requireCsrf } from "./csrf.ts";
import { html, redirect } from "./html.ts";
import { loginPath, pageContext, type PageContext } from "./page-context.ts";

const NO_STORE = { "cache-control": "no-store" };

// Refusals a user can fix (a taken name, the last owner) are shown on the page; the rest go to the error mapper.
function shown(e: unknown): string {
  if (!isAppError(e) || !["invalid", "conflict"].includes(e.code)) throw e;
  return [e.message, ...e.details.map((d) => d.message)].join(": ");
}

function teamPage(ctx: AppContext, page: PageContext & { csrfToken: string }, user: User, name: string, extra: { error?: string; email?: string } = {}, status = 200): Response {
  const { team, role } = visibleTeam(ctx.dbh.db, user, name);
  const canManage = role === "owner" || user.role === "admin";
  return html(TeamPage({ team, members: teamMembersOf(ctx.dbh.db, team.id), canManage, csrfToken: page.csrfToken, layout: page.layout, ...extra }), { status, headers: NO_STORE });
}

/** teamPageRoutes serve /teams (your teams, create one) and /teams/{team} (its members), as plain forms. */
export function teamPageRoutes(ctx: AppContext) {
  const db = ctx.dbh.db;
  return new Elysia({ name: "ui-teams" })
    .get("/teams", ({ request }) => {
      const page = pageContext(ctx, request);
      if (page.principal.kind !== "session" || !page.csrfToken) return redirect(loginPath(request));
      return html(TeamsPage({ teams: teamsOf(db, page.principal.user), csrfToken: page.csrfToken, layout: page.layout }), { headers: NO_STORE });
    })
    .post(
      "/teams",
      async ({ request }) => {
        const form = await readForm(request);
        const page = requireCsrf(ctx, request, form);
        const user = page.user!;
        const name = formString(form, "name").trim();
        try {
          const team = createTeam(db, user, name);
          auditRequest(ctx, request, page.principal, { action: "team.create", outcome: "ok", target: team.name });
          return redirect(`/teams/${encodeURIComponent(team.name)}`);
        } catch (e) {
          const error = shown(e);
          return html(TeamsPage({ teams: teamsOf(db, user), csrfToken: page.csrfToken, name: name.slice(0, 200), error, layout: page.layout }), { status: 422, headers: NO_STORE });
        }
      },
      { parse: "none" },
    )
    .get("/teams/:team", ({ request, params }) => {
      const page = pageContext(ctx, request);
      if (page.principal.kind !== "session" || !page.csrfToken) return redirect(loginPath(request));
      return teamPage(ctx, { ...page, csrfToken: page.csrfToken }, page.principal.user, params.team);
    })
    .post(
      "/teams/:team/members",
      async ({ request, params }) => {
        const form = await readForm(request);
        const page = requireCsrf(ctx, request, form);
        const email = formString(form, "email");
        try {
          const team = visibleTeam(db, page.user!, params.team).team;
          const m = setMember(db, page.user!, team.name, email, formString(form, "role"));
          auditRequest(ctx, request, page.principal, { action: "team.member_set", outcome: "ok", target: team.name, detail: `${m.email} as ${m.role}` });
          return redirect(`/teams/${encodeURIComponent(team.name)}`);
        } catch (e) {
          return teamPage(ctx, page, page.user!, params.team, { error: shown(e), email: email.slice(0, 254) }, 422);
        }
      },
      { parse: "none" },
    )
    .post(
      "/teams/:team/members/remove",
      async ({ request, params }) => {
        const form = await readForm(request);
        const page = requireCsrf(ctx, request, form);
        try {
          const team = visibleTeam(db, page.user!, params.team).team;
          removeMember(db, page.user!, team.name, formString(form, "email"));
          auditRequest(ctx, request, page.principal, { action: "team.member_remove", outcome: "ok", target: team.name, detail: formString(form, "email") });
          return redirect(`/teams/${encodeURIComponent(team.name)}`);
        } catch (e) {
          return teamPage(ctx, page, page.user!, params.team, { error: shown(e) }, 422);
        }
      },
      { parse: "none" },
    );
}
