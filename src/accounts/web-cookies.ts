import { SESSION_COOKIE, SESSION_TTL_MS } from "./web-sessions.ts";
import { reachedOverHttps, type ProxyConfig } from "../http/client-ip.ts";

/** sessionCookie builds the Set-Cookie value for a new sign-in (Secure whenever users reach us over https, directly or via a trusted proxy). */
export function sessionCookie(ctx: { config: ProxyConfig }, token: string, request?: Request): string {
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
