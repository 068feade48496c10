import type { Config } from "../config/config.ts";
import type { DbHandle } from "../db/client.ts";
import { principalFor } from "./web-auth.ts";
import { errorResponse, wantsJson, type HtmlErrors } from "../http/errors.ts";

// What an anonymous visitor still reaches on a sign-in-only instance: operations probes, the way
// in (sign-in, first-run setup, and an invitation's one-time link), and the assets those pages load.
const OPEN = /^\/(healthz|readyz|login|setup|invite\/[^/]+|static\/[^/]+)$/;

/**
 * signInOnlyRefusal answers anonymous requests when `--public-read=false` makes the instance
 * sign-in only: 401 for APIs and connection endpoints, a redirect to sign in for pages. It runs
 * before routing, so unknown paths are refused the same way (nothing can be probed).
 */
export function signInOnlyRefusal(ctx: { dbh: DbHandle; config: Pick<Config, "publicRead"> }, request: Request, html?: HtmlErrors): Response | undefined {
  if (ctx.config.publicRead) return undefined;
  const url = new URL(request.url);
  // CORS preflights never carry credentials; refusing them would break every signed-in browser client.
  if (OPEN.test(url.pathname) || request.method === "OPTIONS") return undefined;
  let kind: string;
  try {
    kind = principalFor(ctx, request).kind;
  } catch {
    return undefined; // an invalid key: the route's own 401 says so
  }
  if (kind !== "anonymous") return undefined;
  if (wantsJson(request) || request.method !== "GET") {
    return errorResponse({ status: 401, code: "unauthorized", message: "this Hearth is for signed-in users: sign in or send an API key (Authorization: Bearer …)", details: [], extra: {} }, request, { "www-authenticate": 'Bearer realm="hearth"' }, html);
  }
  const next = encodeURIComponent(url.pathname + url.search);
  return new Response(null, { status: 303, headers: { location: `/login?next=${next}` } });
}

