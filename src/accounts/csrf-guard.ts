import { timingSafeEqual } from "node:crypto";
import { bearerToken } from "./principal.ts";
import { SESSION_COOKIE } from "./web-sessions.ts";
import { AppError } from "../shared/app-error.ts";
import { principalFor } from "./web-auth.ts";
import type { Config } from "../config/config.ts";
import type { DbHandle } from "../db/client.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/**
 * sameOrigin tells whether a browser request came from one of our own pages: its Origin (sent on
 * every cross-origin request and every POST), else its Referer, must be Hearth's public origin or
 * the origin the request was addressed to. "null" (sandboxed frames, some redirects) is foreign.
 * With neither header the request is not from a browser page we can place, and only the CSRF
 * token vouches for it.
 */
export function sameOrigin(ctx: { config: Pick<Config, "publicUrl"> }, request: Request): boolean {
  const origin = request.headers.get("origin");
  const referer = request.headers.get("referer");
  const from = origin !== null ? (origin === "null" ? undefined : originOf(origin)) : referer !== null ? originOf(referer) : null;
  if (from === null) return true;
  return from !== undefined && (from === originOf(ctx.config.publicUrl) || from === new URL(request.url).origin);
}

/**
 * guardBrowserWrites runs before every route. A state-changing request that carries the session
 * cookie (and no API key) is a browser acting for a signed-in user: it must come from our origin,
 * and on the JSON APIs (which have no form field for it) carry the X-CSRF-Token header. Forms check
 * their token themselves (requireCsrf), so a route that forgets is still covered by the origin check.
 */
export function guardBrowserWrites(ctx: { dbh: DbHandle; config: Pick<Config, "publicUrl"> }, request: Request): void {
  if (SAFE_METHODS.has(request.method)) return;
  if (bearerToken(request.headers.get("authorization")) !== undefined || new URL(request.url).searchParams.has("api_key")) return;
  const cookie = new Bun.CookieMap(request.headers.get("cookie") ?? "").get(SESSION_COOKIE);
  if (!cookie) return;
  if (!sameOrigin(ctx, request)) throw new AppError("forbidden", "this request was sent from another site; reload the page and try again");
  if (!/^\/(api|v0|v0\.1)\//.test(new URL(request.url).pathname)) return;
  const p = principalFor(ctx, request);
  if (p.kind !== "session") return;
  const sent = Buffer.from(request.headers.get("x-csrf-token") ?? "");
  const want = Buffer.from(p.csrfToken);
  if (sent.length !== want.length || !timingSafeEqual(sent, want)) {
    throw new AppError("forbidden", "a signed-in browser must send the X-CSRF-Token header with API writes (or use an API key)");
  }
}
