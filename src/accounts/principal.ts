import type { Db } from "../db/client.ts";
import { authenticateApiKey, type ApiKeyScope } from "./api-keys.ts";
import { AppError } from "../shared/app-error.ts";
import type { User } from "./users.ts";
import { findWebSession, SESSION_COOKIE } from "./web-sessions.ts";

/** Principal is who is making a request: nobody, a signed-in browser, or an API key. */
export type Principal =
  | { kind: "anonymous" }
  | { kind: "session"; user: User; csrfToken: string; token: string }
  | { kind: "key"; user: User; keyId: number; scopes: ApiKeyScope[]; namespace: string | null }
  | { kind: "invalid-key" };

/** bearerToken extracts a key from `Authorization: Bearer` (case-insensitive scheme, bounded length). */
export function bearerToken(header: string | null): string | undefined {
  if (!header || header.length > 512) return undefined;
  const m = /^Bearer[ \t]+([\x21-\x7e]+)[ \t]*$/i.exec(header);
  return m?.[1];
}

/**
 * resolvePrincipal reads the bearer key (or `api_key` query parameter, Smithery's convention) and
 * the session cookie. A key that was given but is not valid is reported as such, never downgraded
 * to anonymous, so callers can answer 401 instead of silently showing public data.
 */
export function resolvePrincipal(db: Db, request: Request): Principal {
  const url = new URL(request.url);
  const header = request.headers.get("authorization");
  // A Bearer credential that can't even be read (too long, two tokens, control characters) is a
  // bad key, not "no key". Other schemes (a proxy's Basic auth) are not ours and are ignored.
  if (header !== null && /^\s*bearer\b/i.test(header) && bearerToken(header) === undefined) return { kind: "invalid-key" };
  const key = bearerToken(header) ?? url.searchParams.get("api_key") ?? undefined;
  if (key !== undefined) {
    const p = authenticateApiKey(db, key);
    return p ? { kind: "key", ...p } : { kind: "invalid-key" };
  }
  const cookies = new Bun.CookieMap(request.headers.get("cookie") ?? "");
  const token = cookies.get(SESSION_COOKIE);
  if (token) {
    const s = findWebSession(db, token);
    if (s) return { kind: "session", user: s.user, csrfToken: s.csrfToken, token };
  }
  return { kind: "anonymous" };
}

/**
 * requireKeyNamespace refuses a key restricted to one namespace acting in another (publish,
 * deploy, connect). Sessions and unrestricted keys pass. Names compare case-insensitively, as URLs do.
 */
export function requireKeyNamespace(p: Principal, namespace: string): void {
  if (p.kind === "key" && p.namespace !== null && p.namespace.toLowerCase() !== namespace.toLowerCase()) {
    throw new AppError("forbidden", `this API key is restricted to the namespace "${p.namespace}"`);
  }
}

/** userOf returns the signed-in or key-holding user, if any. */
export function userOf(p: Principal): User | undefined {
  return p.kind === "session" || p.kind === "key" ? p.user : undefined;
}
