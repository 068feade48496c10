import { and, count, desc, eq, gt, isNull, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { Db } from "../db/client.ts";
import { apiKeys, users } from "../db/schema.ts";
import { AppError } from "../shared/app-error.ts";
import type { User } from "./users.ts";

/** API_KEY_SCOPES are what a key may be allowed to do. */
export const API_KEY_SCOPES = ["read", "connect", "publish", "admin"] as const;
/** ApiKeyScope is one of API_KEY_SCOPES. */
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/**
 * missingScope is the 403 for a key without a scope it needs, saying how to get a key that has it:
 * the /account page, or `hearth key create` on the Hearth's host.
 */
export function missingScope(scope: ApiKeyScope, email: string): AppError {
  const scopes = scope === "admin" ? "read,connect,publish,admin" : "read,connect,publish";
  return new AppError(
    "forbidden",
    `this API key lacks the "${scope}" scope; make a key that has it on your /account page, or on the Hearth's host with \`hearth key create --user ${email} --name NAME --scopes ${scopes}\``,
    { extra: { missingScope: scope } },
  );
}

/** KeyPrincipal is who a valid key acts for, and what it may do. */
export interface KeyPrincipal {
  user: User;
  keyId: number;
  scopes: ApiKeyScope[];
  namespace: string | null;
}

const newKeySchema = z.object({
  name: z.string().trim().min(1, "must not be empty").max(100, "must be at most 100 characters"),
  scopes: z.array(z.enum(API_KEY_SCOPES, { error: `must be one of ${API_KEY_SCOPES.join(", ")}` })).min(1).default(["read", "connect"]),
  namespace: z.string().min(1).max(100).nullable().default(null),
  expiresAt: z.number().int().positive().nullable().default(null),
});

// Key format: hth_<12-char prefix>_<40 base62 chars>. The prefix finds the row; the rest is ~238 bits of secret.
const KEY_RE = /^hth_([A-Za-z0-9]{12})_([A-Za-z0-9]{40})$/;
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

function randomBase62(n: number): string {
  // Rejection sampling keeps every character uniformly likely (256 is not a multiple of 62).
  let out = "";
  while (out.length < n) {
    for (const b of crypto.getRandomValues(new Uint8Array(n * 2))) {
      if (b < 248 && out.length < n) out += ALPHABET[b % 62];
    }
  }
  return out;
}

function sha256(s: string): string {
  return new Bun.CryptoHasher("sha256").update(s).digest("hex");
}

// A user's live (unrevoked, unexpired) keys are capped, so a leaked key can't mint without bound;
// a user at the cap revokes old keys on /account. README documents the number.
const MAX_LIVE_KEYS_PER_USER = 100;

function liveKeyCount(db: Db, userId: number, now: number): number {
  const live = and(eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt), or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, now)));
  return db.select({ n: count() }).from(apiKeys).where(live).get()!.n;
}

/**
 * createApiKey stores a new key for the user and returns it in full, the only time it is visible.
 * parentKeyId is the key that made it through the API: revoking that key revokes this one too.
 */
export function createApiKey(db: Db, userId: number, input: unknown, opts: { parentKeyId?: number } = {}): { key: string; id: number; prefix: string } {
  const parsed = newKeySchema.safeParse(input);
  if (!parsed.success) {
    throw new AppError("invalid", "API key settings are not acceptable", {
      details: parsed.error.issues.map((i) => ({ pointer: "/" + i.path.join("/"), message: `${i.path.join(".")} ${i.message}` })),
    });
  }
  const prefix = randomBase62(12);
  const key = `hth_${prefix}_${randomBase62(40)}`;
  // Counting and inserting in one immediate transaction: two processes (a server and the CLI) can't both squeeze in under the cap.
  return db.transaction(
    (tx) => {
      if (liveKeyCount(tx, userId, Date.now()) >= MAX_LIVE_KEYS_PER_USER) {
        throw new AppError(
          "conflict",
          `you already have ${MAX_LIVE_KEYS_PER_USER} live API keys, the most one user may have; revoke the ones you no longer use on your /account page (or with \`hearth key revoke\` on the Hearth's host), then try again`,
        );
      }
      const row = tx
        .insert(apiKeys)
        .values({ userId, prefix, hash: sha256(key), ...parsed.data, scopes: [...new Set(parsed.data.scopes)], parentKeyId: opts.parentKeyId ?? null })
        .returning({ id: apiKeys.id })
        .get();
      return { key, id: row.id, prefix };
    },
    { behavior: "immediate" },
  );
}

/** authenticateApiKey returns the principal of a valid, unexpired, unrevoked key, else undefined. */
export function authenticateApiKey(db: Db, key: string, now = Date.now()): KeyPrincipal | undefined {
  const m = KEY_RE.exec(key);
  if (!m) return undefined;
  const row = db
    .select({ key: apiKeys, user: users })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(eq(apiKeys.prefix, m[1]!))
    .get();
  if (!row) return undefined;
  const given = Buffer.from(sha256(key), "hex");
  const stored = Buffer.from(row.key.hash, "hex");
  if (given.length !== stored.length || !timingSafeEqual(given, stored)) return undefined;
  if (row.key.revokedAt !== null || (row.key.expiresAt !== null && row.key.expiresAt <= now)) return undefined;
  // Writing last-used on every request would serialise readers behind a write; once a minute is enough.
  if (row.key.lastUsedAt === null || now - row.key.lastUsedAt > 60_000) {
    db.update(apiKeys).set({ lastUsedAt: now }).where(and(eq(apiKeys.id, row.key.id))).run();
  }
  return {
    user: { id: row.user.id, email: row.user.email, role: row.user.role },
    keyId: row.key.id,
    scopes: row.key.scopes as ApiKeyScope[],
    namespace: row.key.namespace,
  };
}

// Open sessions cache "this key is fine" for a second or more; a revocation in this process bumps
// the count so they re-check on their very next message instead. (A revocation by another
// process, the CLI, is seen when the cache expires.)
let revocations = 0;

/** revocationCount changes whenever this process revokes a key: caches of key checks compare it. */
export function revocationCount(): number {
  return revocations;
}

/** noteAccessLost makes open sessions re-check their access on their next message (a member left a team, say). */
export function noteAccessLost(): void {
  revocations++;
}

// Revokes the key and every key made from it, however deep, in one statement (so in one
// transaction); returns how many of those descendants were still live.
function revokeKeyTree(db: Db, id: number): number {
  const rows = db.all<{ id: number }>(sql`
    WITH RECURSIVE tree(id) AS (
      SELECT ${id} UNION SELECT k.id FROM ${apiKeys} k JOIN tree ON k.parent_key_id = tree.id
    )
    UPDATE ${apiKeys} SET revoked_at = ${Date.now()} WHERE id IN tree AND revoked_at IS NULL RETURNING id`);
  revocations++;
  return rows.filter((r) => r.id !== id).length;
}

/** revokeApiKey makes a key, and every key made with it, useless at once; returns how many of those it also revoked. */
export function revokeApiKey(db: Db, id: number): number {
  return revokeKeyTree(db, id);
}

/** revokedWith is the audit detail for a revocation that took descendants along (undefined when none). */
export function revokedWith(descendants: number): string | undefined {
  return descendants > 0 ? `with the ${descendants} key${descendants === 1 ? "" : "s"} made with it` : undefined;
}

/** keyStillValid tells whether a key is neither revoked nor expired (for sessions opened with it). */
export function keyStillValid(db: Db, id: number, now = Date.now()): boolean {
  const row = db.select({ revokedAt: apiKeys.revokedAt, expiresAt: apiKeys.expiresAt }).from(apiKeys).where(eq(apiKeys.id, id)).get();
  return row !== undefined && row.revokedAt === null && (row.expiresAt === null || row.expiresAt > now);
}

/** ApiKeyInfo is what may be shown of a key: never its hash, only the visible prefix. */
export interface ApiKeyInfo {
  id: number;
  userId: number;
  userEmail: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  namespace: string | null;
  expiresAt: number | null;
  lastUsedAt: number | null;
  revokedAt: number | null;
  createdAt: number;
  /** parentKeyId is the key that made this one through the API (null when made on /account or by the CLI). */
  parentKeyId: number | null;
  /** parentPrefix is that key's visible prefix, so a copy can't pass as the original. */
  parentPrefix: string | null;
}

/** listApiKeys returns a user's keys (or everyone's when userId is undefined), newest first. */
export function listApiKeys(db: Db, userId?: number): ApiKeyInfo[] {
  const parent = alias(apiKeys, "parent");
  return db
    .select({
      id: apiKeys.id,
      userId: apiKeys.userId,
      userEmail: users.email,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      scopes: apiKeys.scopes,
      namespace: apiKeys.namespace,
      expiresAt: apiKeys.expiresAt,
      lastUsedAt: apiKeys.lastUsedAt,
      revokedAt: apiKeys.revokedAt,
      createdAt: apiKeys.createdAt,
      parentKeyId: apiKeys.parentKeyId,
      parentPrefix: parent.prefix,
    })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .leftJoin(parent, eq(parent.id, apiKeys.parentKeyId))
    .where(userId === undefined ? undefined : eq(apiKeys.userId, userId))
    .orderBy(desc(apiKeys.id))
    .all()
    .map((k) => ({ ...k, scopes: k.scopes as ApiKeyScope[] }));
}

/** findApiKey looks a key up by id or by its visible prefix (with or without the hth_ start). */
export function findApiKey(db: Db, idOrPrefix: string): ApiKeyInfo | undefined {
  const prefix = idOrPrefix.replace(/^hth_/, "").slice(0, 12);
  return listApiKeys(db).find((k) => String(k.id) === idOrPrefix || k.prefix === prefix);
}

/**
 * revokeOwnApiKey revokes a key, and the keys made with it, only if it is the user's and live;
 * undefined when there is no such key, else how many descendants went with it.
 */
export function revokeOwnApiKey(db: Db, userId: number, id: number): { descendants: number } | undefined {
  return db.transaction((tx) => {
    const mine = tx.select({ id: apiKeys.id }).from(apiKeys).where(and(eq(apiKeys.id, id), eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt))).get();
    return mine ? { descendants: revokeKeyTree(tx, id) } : undefined;
  });
}
