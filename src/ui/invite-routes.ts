import { Elysia } from "elysia";
import { acceptInvitation, createInvitation, findInvitation, listInvitations } from "../accounts/invitations.ts";
import { createWebSession } from "../accounts/web-sessions.ts";
import { auditRequest } from "../audit/audit-request.ts";
import { clientIp } from "../http/client-ip.ts";
import { sessionCookie } from "../accounts/web-cookies.ts";
import type { AppContext } from "../http/context.ts";
import { AppError, isAppError } from "../shared/app-error.ts";
import { InvitationsPage, InviteAcceptPage } from "../../views/pages/invitations-page.tsx";
import { checkOrigin, formString, readForm, requireCsrf } from "./csrf.ts";
import { html, redirect } from "./html.ts";
import { loginPath, pageContext } from "./page-context.ts";
import { plural } from "../shared/plural.ts";

// The link is a credential: no cache, no referrer leaking it to the next site.
const PRIVATE = { "cache-control": "no-store", "referrer-policy": "no-referrer" };
const DAY_MS = 86_400_000;
const gone = () => new AppError("not_found", "this invitation link was already used or has expired; ask an administrator for a new one");

/** inviteRoutes serve admin-made invitations: /admin/invitations to make links, /invite/:token to accept one. */
export function inviteRoutes(ctx: AppContext) {
  const listPage = (request: Request, extra: Partial<Parameters<typeof InvitationsPage>[0]> = {}, status = 200) => {
    const page = pageContext(ctx, request);
    return html(InvitationsPage({ invitations: listInvitations(ctx.dbh.db), csrfToken: page.csrfToken ?? "", now: Date.now(), layout: page.layout, ...extra }), { status, headers: PRIVATE });
  };
  return new Elysia({ name: "ui-invite" })
    .get("/admin/invitations", ({ request }) => {
      const page = pageContext(ctx, request);
      if (!page.user) return redirect(loginPath(request));
      // Like the other admin pages: a non-admin is refused whatever they hold; the page itself
      // (its forms need a CSRF token) is for a signed-in browser, so an admin's key signs in first.
      if (page.user.role !== "admin") throw new AppError("forbidden", "only administrators invite people");
      if (page.principal.kind !== "session") return redirect(loginPath(request));
      return listPage(request);
    })
    .post(
      "/admin/invitations",
      async ({ request }) => {
        const form = await readForm(request);
        const page = requireCsrf(ctx, request, form);
        if (page.user!.role !== "admin") throw new AppError("forbidden", "only administrators invite people");
        const f = { email: formString(form, "email").trim(), role: formString(form, "role") || "user", days: formString(form, "days").trim() || "7" };
        if (!/^\d{1,3}$/.test(f.days)) return listPage(request, { errors: ["days must be a whole number from 1 to 90"], form: f }, 422);
        try {
          const inv = createInvitation(ctx.dbh.db, page.user!.id, { email: f.email, role: f.role, ttlMs: Number(f.days) * DAY_MS });
          auditRequest(ctx, request, page.principal, { action: "invite.create", outcome: "ok", target: inv.email, detail: `role ${f.role}, ${plural(Number(f.days), "day")}` });
          return listPage(request, { created: { link: `${ctx.config.publicUrl}/invite/${inv.token}`, email: inv.email } });
        } catch (e) {
          if (!isAppError(e) || (e.code !== "invalid" && e.code !== "conflict")) throw e;
          const errors = e.details.length ? e.details.map((d) => d.message.replace(/^ttlMs/, "days")) : [e.message];
          return listPage(request, { errors, form: f }, e.code === "conflict" ? 409 : 422);
        }
      },
      { parse: "none" },
    )
    .get("/invite/:token", ({ request, params }) => {
      const invite = findInvitation(ctx.dbh.db, params.token);
      if (!invite) throw gone();
      return html(InviteAcceptPage({ email: invite.email, token: params.token, layout: pageContext(ctx, request).layout }), { headers: PRIVATE });
    })
    .post(
      "/invite/:token",
      async ({ request, params }) => {
        // No session exists yet; the unguessable token in the path is what a forged form can't know.
        checkOrigin(ctx, request);
        const form = await readForm(request);
        const invite = findInvitation(ctx.dbh.db, params.token);
        if (!invite) throw gone();
        try {
          const user = await acceptInvitation(ctx.dbh.db, params.token, formString(form, "password"));
          auditRequest(ctx, request, undefined, { action: "invite.accept", outcome: "ok", actor: { actorUserId: user.id, actor: user.email } });
          const s = createWebSession(ctx.dbh.db, user.id, { ip: clientIp(ctx, request), userAgent: request.headers.get("user-agent") ?? undefined });
          return redirect("/", { "set-cookie": sessionCookie(ctx, s.token, request) });
        } catch (e) {
          if (!isAppError(e) || e.code !== "invalid") throw e;
          return html(InviteAcceptPage({ email: invite.email, token: params.token, errors: e.details.map((d) => d.message), layout: pageContext(ctx, request).layout }), { status: 422, headers: PRIVATE });
        }
      },
      { parse: "none" },
    );
}
