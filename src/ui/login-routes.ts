import { Elysia } from "elysia";
import { timingSafeEqual } from "node:crypto";
import { verifyPassword } from "../accounts/users.ts";
import { DEFAULT_GUARD, SignInGuard } from "../accounts/sign-in-guard.ts";
import { createWebSession, endUserSessions, endWebSession } from "../accounts/web-sessions.ts";
import { auditRequest } from "../audit/audit-request.ts";
import { clientIp } from "../http/client-ip.ts";
import { enforceRate } from "../http/rate-limit.ts";
import { isAppError } from "../shared/app-error.ts";
import { clearSessionCookie, sessionCookie } from "../accounts/web-cookies.ts";
import type { AppContext } from "../http/context.ts";
import { logger } from "../shared/log.ts";
import { LoginPage } from "../../views/pages/login-page.tsx";
import { checkOrigin, formString, readForm, requireCsrf } from "./csrf.ts";
import { html, redirect } from "./html.ts";
import { pageContext } from "./page-context.ts";
import { plural } from "../shared/plural.ts";

const log = logger("login");
// Before sign-in there is no session to hold a CSRF token: a random value in a cookie and the same
// value in the form (double submit) proves the form came from our page (login CSRF).
const FORM_COOKIE = "hearth_login";

/** safeNext keeps a post-login redirect on this site: a path, never `//host` or a scheme. */
export function safeNext(next: string | null | undefined): string {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") && next.length < 2000 ? next : "/";
}

function formCookie(token: string): string {
  return new Bun.Cookie(FORM_COOKIE, token, { httpOnly: true, sameSite: "strict", path: "/login", maxAge: 3600 }).serialize();
}

function freshToken(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString("base64url");
}

function matches(a: string, b: string): boolean {
  return a.length > 0 && a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** loginRoutes sign people in (email and password, rate-limited, with lockout) and out (here or everywhere). */
export function loginRoutes(ctx: AppContext) {
  const guard = new SignInGuard({ ...DEFAULT_GUARD, accountAfter: ctx.config.lockoutAfter, ipAfter: ctx.config.lockoutIpAfter });
  return new Elysia({ name: "ui-login" })
    .get("/login", ({ request }) => {
      const page = pageContext(ctx, request);
      const next = safeNext(new URL(request.url).searchParams.get("next"));
      if (page.principal.kind === "session") return redirect(next);
      const token = freshToken();
      return html(LoginPage({ next, formToken: token, layout: page.layout }), { headers: { "set-cookie": formCookie(token), "cache-control": "no-store" } });
    })
    .post(
      "/login",
      async ({ request }) => {
        checkOrigin(ctx, request);
        const form = await readForm(request);
        const page = pageContext(ctx, request);
        const next = safeNext(formString(form, "next"));
        const email = formString(form, "email").trim().slice(0, 254);
        const cookie = new Bun.CookieMap(request.headers.get("cookie") ?? "").get(FORM_COOKIE) ?? "";
        const again = (error: string, status: number, retryAfter?: number) => {
          const token = freshToken();
          const headers: Record<string, string> = { "set-cookie": formCookie(token), "cache-control": "no-store" };
          if (retryAfter) headers["retry-after"] = String(retryAfter);
          return html(LoginPage({ next, formToken: token, email, error, layout: page.layout }), { status, headers });
        };
        if (!matches(cookie, formString(form, "_login"))) return again("This sign-in form expired. Please try again.", 403);
        const ip = clientIp(ctx, request);
        const attempt = { actorUserId: null, actor: email || "(no email)" };
        try {
          enforceRate(ctx, request, "signin");
        } catch (e) {
          if (!isAppError(e) || e.code !== "rate_limited") throw e;
          return again(`Too many sign-in attempts from your network. Try again in ${String(e.extra.retryAfter)} s.`, 429, e.extra.retryAfter as number);
        }
        // Checked before the password, so a locked account can't be probed; the same words whether or not it exists.
        const locked = guard.lockedFor(email, ip);
        if (locked > 0) {
          auditRequest(ctx, request, undefined, { action: "auth.signin", outcome: "denied", actor: attempt, detail: "locked out after repeated failures" });
          const wait = Math.ceil(locked / 1000);
          return again(`Too many failed sign-ins for this email or from your network. Try again in ${wait} s.`, 429, wait);
        }
        const user = email ? await verifyPassword(ctx.dbh.db, email, formString(form, "password").slice(0, 512)) : undefined;
        if (!user) {
          guard.failed(email, ip);
          log.info("sign-in failed", { email });
          auditRequest(ctx, request, undefined, { action: "auth.signin", outcome: "fail", actor: attempt });
          return again("That email and password don't match an account.", 401);
        }
        guard.succeeded(email, ip);
        // Session rotation: whatever session this browser had ends, and the sign-in gets a fresh token.
        if (page.principal.kind === "session") endWebSession(ctx.dbh.db, page.principal.token);
        const s = createWebSession(ctx.dbh.db, user.id, { ip, userAgent: request.headers.get("user-agent") ?? undefined });
        auditRequest(ctx, request, undefined, { action: "auth.signin", outcome: "ok", actor: { actorUserId: user.id, actor: user.email } });
        const headers = new Headers({ location: next });
        headers.append("set-cookie", sessionCookie(ctx, s.token, request));
        headers.append("set-cookie", new Bun.Cookie(FORM_COOKIE, "", { path: "/login", maxAge: 0 }).serialize());
        return new Response(null, { status: 303, headers });
      },
      { parse: "none" },
    )
    .post(
      "/logout",
      async ({ request }) => {
        const form = await readForm(request);
        const page = requireCsrf(ctx, request, form);
        if (page.principal.kind === "session") endWebSession(ctx.dbh.db, page.principal.token);
        auditRequest(ctx, request, page.principal, { action: "auth.signout", outcome: "ok" });
        return redirect("/", { "set-cookie": clearSessionCookie() });
      },
      { parse: "none" },
    )
    .post(
      "/logout/everywhere",
      async ({ request }) => {
        const form = await readForm(request);
        const page = requireCsrf(ctx, request, form);
        const ended = endUserSessions(ctx.dbh.db, page.user!.id);
        auditRequest(ctx, request, page.principal, { action: "auth.signout_everywhere", outcome: "ok", detail: `${plural(ended, "session")} ended` });
        return redirect("/login", { "set-cookie": clearSessionCookie() });
      },
      { parse: "none" },
    );
}
