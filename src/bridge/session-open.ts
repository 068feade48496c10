import { requireKeyNamespace, userOf, type Principal } from "../accounts/principal.ts";
import { missingScope } from "../accounts/api-keys.ts";
import { findUserById } from "../accounts/users.ts";
import { getDeployment } from "../deploy/deployments.ts";
import type { AppContext } from "../http/context.ts";
import { profileConfigFor } from "../profiles/profile-config.ts";
import { findServer, getVersionById } from "../registry/catalog.ts";
import type { JsonSchemaObject } from "../registry/manifest.ts";
import { viewerOf } from "../registry/visibility.ts";
import { keyringOf } from "../secrets/keyring.ts";
import { AppError } from "../shared/app-error.ts";
import type { Lease } from "../supervisor/lease.ts";
import { rawConfigFromQuery, resolveConnectionConfig } from "./connection-config.ts";

/** OpenedSession is a leased child for one client session, with the limits that apply to it. */
export interface OpenedSession {
  lease: Lease;
  serverId: number;
  serverKey: string;
  idleTimeoutMs: number;
  maxAgeMs: number;
  /** keyId is the API key the session was opened with, re-checked while it runs (revocation, expiry). */
  keyId?: number;
  /** userId is who opened the session; their access to the server is re-checked while it runs. */
  userId: number;
}

/**
 * canStillConnect tells whether the user may still see the server (removed from its team, the
 * server made private, the account gone: no). Open sessions ask this on their periodic re-check.
 */
export function canStillConnect(ctx: AppContext, userId: number, qualifiedName: string): boolean {
  const user = findUserById(ctx.dbh.db, userId);
  if (!user) return false;
  try {
    findServer(ctx.dbh, { userId: user.id, isAdmin: user.role === "admin" }, qualifiedName);
    return true;
  } catch {
    return false;
  }
}

/** requireConnectPrincipal checks the caller may open sessions at all (a key with `connect`, or a signed-in user). */
export function requireConnectPrincipal(p: Principal): void {
  if (p.kind === "invalid-key") throw new AppError("unauthorized", "the API key is invalid, expired or revoked");
  if (p.kind === "anonymous") throw new AppError("unauthorized", "connecting needs an API key: pass api_key= or Authorization: Bearer");
  if (p.kind === "key" && !p.scopes.includes("connect") && !p.scopes.includes("admin")) throw missingScope("connect", p.user.email);
}

/**
 * openSession does everything that must happen before a child starts: authenticate, check the
 * server exists for this caller (private ones are 404 to others), check it is deployed, resolve the
 * config (the caller's own `profile=`, overridden by `config=` and dot-notation parameters) and
 * validate it (422 in Smithery's shape), then lease a child from the supervisor.
 */
export async function openSession(ctx: AppContext, principal: Principal, qualifiedName: string, params: URLSearchParams): Promise<OpenedSession> {
  requireConnectPrincipal(principal);
  const server = findServer(ctx.dbh, viewerOf(principal), qualifiedName);
  requireKeyNamespace(principal, server.namespace);
  const deployment = getDeployment(ctx.dbh, server.id);
  if (!deployment || deployment.state !== "ready") {
    const why = !deployment ? "is not deployed" : deployment.state === "installing" ? "is still being deployed" : `is not running (deployment ${deployment.state})`;
    throw new AppError("not_found", `${qualifiedName} ${why} on this Hearth`);
  }
  if (!ctx.supervisor || !ctx.planSession) throw new AppError("unavailable", "this Hearth is not hosting servers");
  const version = getVersionById(ctx.dbh, deployment.versionId);
  const schema = (version.configSchema ?? { type: "object", properties: {} }) as JsonSchemaObject;
  const profileId = params.get("profile");
  const base = profileId !== null ? profileConfigFor(ctx.dbh, keyringOf(ctx), principal, server.id, profileId) : {};
  const config = resolveConnectionConfig(schema, rawConfigFromQuery(params, schema, base), { hideValues: profileId !== null });
  const plan = await ctx.planSession({ serverKey: qualifiedName, deployment, version }, config);
  const lease = ctx.supervisor.lease(plan);
  return {
    lease,
    serverId: server.id,
    serverKey: qualifiedName,
    idleTimeoutMs: deployment.settings.idleTimeoutSec * 1000,
    maxAgeMs: deployment.settings.maxAgeSec * 1000,
    userId: userOf(principal)!.id,
    ...(principal.kind === "key" ? { keyId: principal.keyId } : {}),
  };
}
