import { z } from "zod";
import type { AuditFilter } from "./audit-log.ts";

/** AUDIT_ACTIONS are the actions Hearth records today (others, e.g. team events, may be added by callers). */
export const AUDIT_ACTIONS = [
  "auth.signin",
  "auth.signout",
  "auth.signout_everywhere",
  "auth.password_change",
  "invite.create",
  "invite.accept",
  "key.create",
  "key.revoke",
  "server.publish",
  "server.deploy",
  "server.rollback",
  "settings.change",
] as const;

/** auditQuery validates the filters and page of an audit listing (the page and the API share it). */
export const auditQuery = z.object({
  action: z.string().trim().max(100).regex(/^[a-z_.]*$/, "must be an action name like auth.signin, or a prefix like auth.").default(""),
  actor: z.string().trim().max(254).default(""),
  outcome: z.enum(["", "ok", "fail", "denied"], { error: "must be ok, fail or denied" }).default(""),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

/** AuditQuery is a validated listing request. */
export type AuditQuery = z.infer<typeof auditQuery>;

/** filterOf turns a query into listAudit's filter (empty fields mean "any"). */
export function filterOf(q: AuditQuery): AuditFilter {
  return { action: q.action || undefined, actor: q.actor || undefined, outcome: q.outcome || undefined };
}
