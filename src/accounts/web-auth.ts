import { resolvePrincipal, type Principal } from "./principal.ts";
import { AppError } from "../shared/app-error.ts";
import { missingScope, type ApiKeyScope } from "./api-keys.ts";
import type { User } from "./users.ts";
import type { DbHandle } from "../db/client.ts";

// Resolved once per request: several hooks and handlers may ask who is calling.
const cache = new WeakMap<Request, Principal>();

/**
 * principalFor returns (and caches) who made the request. A key that was sent but is not valid is
 * refused (401) here, for every route: read routes must not quietly treat it as anonymous.
 */
export function principalFor(ctx: { dbh: DbHandle }, request: Request): Principal {
  let p = cache.get(request);
  if (!p) {
    p = resolvePrincipal(ctx.dbh.db, request);
    cache.set(request, p);
  }
  if (p.kind === "invalid-key") throw new AppError("unauthorized", "the API key is invalid, expired or revoked");
  return p;
}

/** requireUser returns the caller's user or throws 401; a key must carry the given scope. */
export function requireUser(ctx: { dbh: DbHandle }, request: Request, scope: ApiKeyScope = "read"): User {
  const p = principalFor(ctx, request);
  if (p.kind === "invalid-key") throw new AppError("unauthorized", "the API key is invalid, expired or revoked");
  if (p.kind === "anonymous") throw new AppError("unauthorized", "sign in or send an API key (Authorization: Bearer …)");
  if (p.kind === "key" && !p.scopes.includes(scope) && !p.scopes.includes("admin")) {
    throw missingScope(scope, p.user.email);
  }
  return p.user;
}

/** requireAdmin returns the caller if they are an instance admin, else throws. */
export function requireAdmin(ctx: { dbh: DbHandle }, request: Request): User {
  const user = requireUser(ctx, request, "admin");
  if (user.role !== "admin") throw new AppError("forbidden", "only administrators can do this");
  return user;
}
