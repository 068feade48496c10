import { Elysia } from "elysia";
import { z } from "zod";
import { auditRequest } from "../audit/audit-request.ts";
import { principalFor, requireUser } from "./web-auth.ts";
import type { AppContext } from "../http/context.ts";
import { AppError } from "../shared/app-error.ts";
import { API_KEY_SCOPES, createApiKey, findApiKey, missingScope, revokeApiKey, type ApiKeyScope } from "./api-keys.ts";
import type { Principal } from "./principal.ts";

const newKeyBody = z.object({
  name: z.string().max(200),
  scopes: z.array(z.enum(API_KEY_SCOPES)).min(1).max(4),
  namespace: z.string().max(100).nullable().optional(),
});

// A key only makes keys that can do less than itself: no scope it lacks (admin implies all), no
// wider namespace, no later expiry. A browser session makes what /account would.
function narrowed(ctx: AppContext, p: Extract<Principal, { kind: "key" | "session" }>, body: z.infer<typeof newKeyBody>) {
  if (p.kind === "session") {
    if (body.scopes.includes("admin") && p.user.role !== "admin") throw new AppError("forbidden", "only administrators can make keys with the admin scope");
    return { name: body.name, scopes: body.scopes, namespace: body.namespace ?? null, expiresAt: null };
  }
  const lacking = body.scopes.find((s) => !p.scopes.includes(s) && !p.scopes.includes("admin"));
  if (lacking) throw missingScope(lacking as ApiKeyScope, p.user.email);
  const namespace = body.namespace ?? p.namespace;
  if (p.namespace !== null && namespace !== p.namespace) throw new AppError("forbidden", `this API key is restricted to the namespace "${p.namespace}", so the keys it makes are too`);
  const expiresAt = findApiKey(ctx.dbh.db, String(p.keyId))?.expiresAt ?? null;
  return { name: body.name, scopes: body.scopes, namespace, expiresAt };
}

// Signed in by a session or a valid key of any scope; requireUser answers the 401 otherwise.
function caller(ctx: AppContext, request: Request): Extract<Principal, { kind: "key" | "session" }> {
  const p = principalFor(ctx, request);
  if (p.kind === "key" || p.kind === "session") return p;
  requireUser(ctx, request);
  throw new AppError("unauthorized", "sign in, or give an API key");
}

function selfKey(ctx: AppContext, request: Request): Extract<Principal, { kind: "key" }> {
  const p = caller(ctx, request);
  if (p.kind !== "key") throw new AppError("bad_request", "this acts on the API key the request is made with; a browser session has none (manage keys on /account)");
  return p;
}

/**
 * keyRoutes let a client make and drop keys for itself: `hearth install` makes a connect-only key
 * for the client it writes to (a key may only make keys that can do less than it), and `hearth
 * uninstall` reads and revokes that key with the key itself.
 */
export function keyRoutes(ctx: AppContext) {
  return new Elysia({ name: "keys-api" })
    .post(
      "/api/v1/keys",
      ({ body, request, set }) => {
        const p = caller(ctx, request);
        const input = narrowed(ctx, p, body);
        const { key, id, prefix } = createApiKey(ctx.dbh.db, p.user.id, input);
        auditRequest(ctx, request, p, { action: "key.create", outcome: "ok", target: `key #${id}`, detail: `"${input.name}" scopes ${input.scopes.join(",")}` });
        set.status = 201;
        return { id, key, prefix, name: input.name.trim(), scopes: input.scopes, namespace: input.namespace, expiresAt: input.expiresAt === null ? null : new Date(input.expiresAt).toISOString() };
      },
      { body: newKeyBody, detail: { summary: "Make an API key for the caller (a key makes only keys that can do less than itself); shown once", tags: ["accounts"] } },
    )
    .get(
      "/api/v1/keys/self",
      ({ request }) => {
        const p = selfKey(ctx, request);
        const info = findApiKey(ctx.dbh.db, String(p.keyId));
        return { id: p.keyId, name: info?.name ?? "", scopes: p.scopes, namespace: p.namespace };
      },
      { detail: { summary: "The API key the request is made with: its id, name and scopes (any scope)", tags: ["accounts"] } },
    )
    .delete(
      "/api/v1/keys/self",
      ({ request, set }) => {
        const p = selfKey(ctx, request);
        revokeApiKey(ctx.dbh.db, p.keyId);
        auditRequest(ctx, request, p, { action: "key.revoke", outcome: "ok", target: `key #${p.keyId}` });
        set.status = 204;
        return null;
      },
      { detail: { summary: "Revoke the API key the request is made with", tags: ["accounts"] } },
    );
}
