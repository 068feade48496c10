import { SESSION_COOKIE, SESSION_TTL_MS } from "../accounts/web-sessions.ts";
import { reachedOverHttps } from "./client-ip.ts";
import type { AppContext } from "./context.ts";

/** sessionCookie builds the Set-Cookie value for a new sign-in (Secure whenever users reach us over https, directly or via a trusted proxy). */
export function sessionCookie(ctx: AppContext, token: string, request?: Request): string {
  const secure = reachedOverHttps(ctx, request);
  return new Bun.Cookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure,
    maxAge: Math.floor(SESSION_TTL_MS / 1000),
  }).serialize();
}

/** clearSessionCookie expires the session cookie in the browser. */
export function clearSessionCookie(): string {
  return new Bun.Cookie(SESSION_COOKIE, "", { httpOnly: true, sameSite: "lax", path: "/", maxAge: 0 }).serialize();
}
