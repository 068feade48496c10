import { Elysia } from "elysia";
import { requireAdmin } from "../accounts/web-auth.ts";
import type { AppContext } from "../http/context.ts";
import { listAudit } from "./audit-log.ts";
import { auditQuery, filterOf } from "./audit-query.ts";

/** auditApiRoutes serve the audit log to administrators as JSON, newest first. */
export function auditApiRoutes(ctx: AppContext) {
  return new Elysia({ name: "audit-api" }).get(
    "/api/v1/audit",
    ({ query, request }) => {
      requireAdmin(ctx, request);
      const { events, more } = listAudit(ctx.dbh.db, filterOf(query), query.page, query.pageSize);
      return {
        events: events.map((e) => ({ ...e, at: new Date(e.at).toISOString() })),
        page: query.page,
        pageSize: query.pageSize,
        more,
      };
    },
    { query: auditQuery, detail: { summary: "The audit log: sign-ins, keys, publishes, deploys (admins; filter by action, actor, outcome)", tags: ["admin"] } },
  );
}
