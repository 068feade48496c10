import { Elysia } from "elysia";
import { z } from "zod";
import { auditRequest } from "../audit/audit-request.ts";
import { principalFor, requireUser } from "./web-auth.ts";
import type { AppContext } from "../http/context.ts";
import { AppError } from "../shared/app-error.ts";
import { API_KEY_SCOPES, createApiKey, findApiKey, missingScope, revokeApiKey, revokedWith, type ApiKeyScope } from "./api-keys.ts";
import type { Principal } from "./principal.ts";

const newKeyBody = z.object({
  name: z.string().max(200),
  scopes: z.array(z.enum(API_KEY_SCOPES)).min(1).max(4),
  namespace: z.string().max(100).nullable().optional(),
});

// What a set of scopes lets a key do: admin implies every scope.
function powers(scopes: readonly ApiKeyScope[]): Set<ApiKeyScope> {
  return new Set(scopes.includes("admin") ? API_KEY_SCOPES : scopes);
}

// A key only makes keys that can do strictly less than itself: fewer scopes (so a connect-only key,
// the kind `hearth install` writes into a client's file, makes none), no wider namespace, no later
// expiry. Otherwise a leaked key could copy itself. A browser session makes what /account would.
function narrowed(ctx: AppContext, p: Extract<Principal, { kind: "key" | "session" }>, body: z.infer<typeof newKeyBody>) {
  if (p.kind === "session") {
    if (body.scopes.includes("admin") && p.user.role !== "admin") throw new AppError("forbidden", "only administrators can make keys with the admin scope");
    return { name: body.name, scopes: body.scopes, namespace: body.namespace ?? null, expiresAt: null };
  }
  const mine = powers(p.scopes);
  if (mine.size === 1 && mine.has("connect")) {
    throw new AppError("forbidden", 'a connect-only API key cannot make keys; make one on your /account page, or with a key that has more scopes than "connect"');
  }
  const lacking = body.scopes.find((s) => !mine.has(s));
  if (lacking) throw missingScope(lacking, p.user.email);
  if (powers(body.scopes).size >= mine.size) {
    throw new AppError("forbidden", `a key makes only keys with fewer scopes than its own (this one has ${p.scopes.join(", ")}); make a key with these scopes on your /account page`);
  }
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
        const { key, id, prefix } = createApiKey(ctx.dbh.db, p.user.id, input, { parentKeyId: p.kind === "key" ? p.keyId : undefined });
        const madeBy = p.kind === "key" ? ` made by key #${p.keyId}` : "";
        auditRequest(ctx, request, p, { action: "key.create", outcome: "ok", target: `key #${id}`, detail: `"${input.name}" scopes ${input.scopes.join(",")}${madeBy}` });
        set.status = 201;
        return { id, key, prefix, name: input.name.trim(), scopes: input.scopes, namespace: input.namespace, expiresAt: input.expiresAt === null ? null : new Date(input.expiresAt).toISOString() };
      },
      { body: newKeyBody, detail: { summary: "Make an API key for the caller (a key makes only keys with fewer scopes, tied to it: revoking it revokes them); shown once", tags: ["accounts"] } },
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
        const descendants = revokeApiKey(ctx.dbh.db, p.keyId);
        auditRequest(ctx, request, p, { action: "key.revoke", outcome: "ok", target: `key #${p.keyId}`, detail: revokedWith(descendants) });
        set.status = 204;
        return null;
      },
      { detail: { summary: "Revoke the API key the request is made with, and every key made with it", tags: ["accounts"] } },
    );
}
