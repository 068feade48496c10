import { and, desc, eq, lt, sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { auditEvents } from "../db/schema.ts";

/** AuditOutcome is how an audited action ended: done, failed, or refused for lack of rights. */
export type AuditOutcome = "ok" | "fail" | "denied";

/** AuditInput is one event: who (user id and a readable name), what, to what, from where, and how it ended. */
export interface AuditInput {
  action: string;
  outcome: AuditOutcome;
  actorUserId?: number | null;
  /** actor is who acted as shown to admins: an email, "key hth_ABC… (email)", "cli", "anonymous". */
  actor: string;
  target?: string | null;
  ip?: string | null;
  /** detail is a short note; never a secret (callers pass names and reasons, not values). */
  detail?: string | null;
  at?: number;
}

/** AuditEvent is a stored event. */
export type AuditEvent = typeof auditEvents.$inferSelect;

/** AuditRetention bounds the log: events older than maxAgeMs go, and only the newest maxRows stay. */
export interface AuditRetention {
  maxAgeMs: number;
  maxRows: number;
}

/** DEFAULT_RETENTION keeps 180 days, at most 200 000 events (a few tens of MB). */
export const DEFAULT_RETENTION: AuditRetention = { maxAgeMs: 180 * 86_400_000, maxRows: 200_000 };

// Pruning on every write would double its cost; every PRUNE_EVERY writes keeps the bound loose but cheap.
const PRUNE_EVERY = 500;
const writes = new WeakMap<Db, number>();

/** audit records one event. It is the function every part of Hearth calls; it never throws into the caller's action. */
export function audit(db: Db, e: AuditInput, retention: AuditRetention = DEFAULT_RETENTION): void {
  try {
    db.insert(auditEvents)
      .values({
        at: e.at ?? Date.now(),
        actorUserId: e.actorUserId ?? null,
        actor: e.actor.slice(0, 300),
        action: e.action.slice(0, 100),
        target: e.target?.slice(0, 300) ?? null,
        outcome: e.outcome,
        ip: e.ip?.slice(0, 64) ?? null,
        detail: e.detail?.slice(0, 1000) ?? null,
      })
      .run();
    const n = (writes.get(db) ?? 0) + 1;
    writes.set(db, n % PRUNE_EVERY);
    if (n >= PRUNE_EVERY) pruneAudit(db, retention);
  } catch {
    // An audit failure (disk full, locked) must not turn a sign-out or publish into an error page.
  }
}

/** pruneAudit drops events past the retention bounds and returns how many went. */
export function pruneAudit(db: Db, retention: AuditRetention = DEFAULT_RETENTION, now = Date.now()): number {
  let gone = db.delete(auditEvents).where(lt(auditEvents.at, now - retention.maxAgeMs)).returning({ id: auditEvents.id }).all().length;
  const cutoff = db.select({ id: auditEvents.id }).from(auditEvents).orderBy(desc(auditEvents.id)).limit(1).offset(retention.maxRows).get();
  if (cutoff) gone += db.delete(auditEvents).where(sql`${auditEvents.id} <= ${cutoff.id}`).returning({ id: auditEvents.id }).all().length;
  return gone;
}

/** AuditFilter narrows a listing: by action (exact or prefix ending in "."), actor substring, outcome. */
export interface AuditFilter {
  action?: string;
  actor?: string;
  outcome?: AuditOutcome;
}

/** listAudit returns one page of events, newest first, and whether there are more. */
export function listAudit(db: Db, filter: AuditFilter, page: number, pageSize: number): { events: AuditEvent[]; more: boolean } {
  const where: SQL[] = [];
  if (filter.action) {
    where.push(filter.action.endsWith(".") ? sql`substr(${auditEvents.action}, 1, ${filter.action.length}) = ${filter.action}` : eq(auditEvents.action, filter.action));
  }
  // instr, not LIKE: what an admin types is matched literally (no % or _ wildcards).
  if (filter.actor) where.push(sql`instr(lower(${auditEvents.actor}), ${filter.actor.toLowerCase()}) > 0`);
  if (filter.outcome) where.push(eq(auditEvents.outcome, filter.outcome));
  const rows = db
    .select()
    .from(auditEvents)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditEvents.id))
    .limit(pageSize + 1)
    .offset((page - 1) * pageSize)
    .all();
  return { events: rows.slice(0, pageSize), more: rows.length > pageSize };
}
