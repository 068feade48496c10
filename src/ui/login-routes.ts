import { Elysia } from "elysia";
import { timingSafeEqual } from "node:crypto";
import { verifyPassword } from "../accounts/users.ts";
import { createWebSession, endWebSession } from "../accounts/web-sessions.ts";
import { clearSessionCookie, sessionCookie } from "../http/cookies.ts";
import type { AppContext } from "../http/context.ts";
import { logger } from "../shared/log.ts";
import { LoginPage } from "../../views/pages/login-page.tsx";
import { checkOrigin, formString, readForm, requireCsrf } from "./csrf.ts";
import { html, redirect } from "./html.ts";
import { pageContext } from "./page-context.ts";

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

/** loginRoutes sign people in (email and password) and out. */
export function loginRoutes(ctx: AppContext) {
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
        const again = (error: string, status: number) => {
          const token = freshToken();
          return html(LoginPage({ next, formToken: token, email, error, layout: page.layout }), { status, headers: { "set-cookie": formCookie(token), "cache-control": "no-store" } });
        };
        if (!matches(cookie, formString(form, "_login"))) return again("This sign-in form expired. Please try again.", 403);
        const user = email ? await verifyPassword(ctx.dbh.db, email, formString(form, "password").slice(0, 512)) : undefined;
        if (!user) {
          log.info("sign-in failed", { email });
          return again("That email and password don't match an account.", 401);
        }
        const s = createWebSession(ctx.dbh.db, user.id, { userAgent: request.headers.get("user-agent") ?? undefined });
        const headers = new Headers({ location: next });
        headers.append("set-cookie", sessionCookie(ctx, s.token));
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
        return redirect("/", { "set-cookie": clearSessionCookie() });
      },
      { parse: "none" },
    );
}
