import type { Principal } from "../accounts/principal.ts";
import { audit, type AuditOutcome } from "./audit-log.ts";
import type { DbHandle } from "../db/client.ts";
import { clientIp, type ProxyConfig } from "../http/client-ip.ts";

/** actorOf names a principal for the audit log: the user's email, and which key when it was one. */
function actorOf(p: Principal | undefined): { actorUserId: number | null; actor: string } {
  if (p?.kind === "session") return { actorUserId: p.user.id, actor: p.user.email };
  if (p?.kind === "key") return { actorUserId: p.user.id, actor: `${p.user.email} (key #${p.keyId})` };
  return { actorUserId: null, actor: p?.kind === "invalid-key" ? "invalid key" : "anonymous" };
}

/** auditRequest records an event made by an HTTP request: its principal as actor, its client IP as origin. */
export function auditRequest(
  ctx: { dbh: DbHandle; config: ProxyConfig },
  request: Request,
  principal: Principal | undefined,
  e: { action: string; outcome: AuditOutcome; target?: string | null; detail?: string | null; actor?: { actorUserId: number | null; actor: string } },
): void {
  audit(ctx.dbh.db, { ...(e.actor ?? actorOf(principal)), action: e.action, outcome: e.outcome, target: e.target, detail: e.detail, ip: clientIp(ctx, request) });
}
