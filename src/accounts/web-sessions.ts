import { and, eq, lt, ne } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { webSessions } from "../db/schema.ts";
import { logger } from "../shared/log.ts";
import { findUserById, type User } from "./users.ts";

const log = logger("accounts.web-sessions");

/** SESSION_COOKIE is the browser cookie that carries a web session token. */
export const SESSION_COOKIE = "hearth_session";
/** SESSION_TTL_MS is how long a sign-in lasts without activity checks (14 days). */
export const SESSION_TTL_MS = 14 * 24 * 3600 * 1000;

/** WebSession is a signed-in browser: who, and the CSRF token its forms must carry. */
export interface WebSession {
  user: User;
  csrfToken: string;
  expiresAt: number;
}

function sha256(s: string): string {
  return new Bun.CryptoHasher("sha256").update(s).digest("hex");
}

function randomToken(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
}

/** createWebSession starts a session for the user and returns the cookie token (stored only hashed). */
export function createWebSession(db: Db, userId: number, meta: { ip?: string; userAgent?: string } = {}): { token: string; csrfToken: string } {
  const token = randomToken();
  const csrfToken = randomToken();
  db.insert(webSessions)
    .values({ id: sha256(token), userId, csrfToken, ip: meta.ip ?? null, userAgent: meta.userAgent?.slice(0, 300) ?? null, expiresAt: Date.now() + SESSION_TTL_MS })
    .run();
  return { token, csrfToken };
}

/** findWebSession resolves a cookie token to its live session, dropping it if expired. */
export function findWebSession(db: Db, token: string, now = Date.now()): WebSession | undefined {
  if (!token || token.length > 100) return undefined;
  const row = db.select().from(webSessions).where(eq(webSessions.id, sha256(token))).get();
  if (!row) return undefined;
  if (row.expiresAt <= now) {
    db.delete(webSessions).where(eq(webSessions.id, row.id)).run();
    return undefined;
  }
  const user = findUserById(db, row.userId);
  return user ? { user, csrfToken: row.csrfToken, expiresAt: row.expiresAt } : undefined;
}

/** endWebSession signs one browser out. */
export function endWebSession(db: Db, token: string): void {
  db.delete(webSessions).where(eq(webSessions.id, sha256(token))).run();
}

/** endUserSessions signs a user out of every browser, except the session whose token is `keep` (if given). */
export function endUserSessions(db: Db, userId: number, keep?: string): number {
  const kept = keep ? sha256(keep) : "";
  return db.delete(webSessions).where(and(eq(webSessions.userId, userId), ne(webSessions.id, kept))).returning({ id: webSessions.id }).all().length;
}

/** pruneWebSessions deletes expired sessions. */
export function pruneWebSessions(db: Db, now = Date.now()): void {
  db.delete(webSessions).where(lt(webSessions.expiresAt, now)).run();
}

/** WEB_SESSION_PRUNE_MS is how often a running Hearth deletes expired web sessions. */
const WEB_SESSION_PRUNE_MS = 3600_000;

/**
 * pruneWebSessionsEvery deletes expired web sessions now and then every `intervalMs`, and returns
 * the function that stops it. The timer is unref'd: it never keeps the process alive.
 */
export function pruneWebSessionsEvery(db: Db, intervalMs = WEB_SESSION_PRUNE_MS): () => void {
  const prune = () => {
    try {
      pruneWebSessions(db);
    } catch (e) {
      // A busy or closing database skips one round; the next one catches up.
      log.warn("pruning expired web sessions failed", { error: (e as Error).message });
    }
  };
  prune();
  const timer = setInterval(prune, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
