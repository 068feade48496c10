import { Elysia } from "elysia";
import { listAudit } from "../audit/audit-log.ts";
import { auditQuery, filterOf } from "../audit/audit-query.ts";
import type { AppContext } from "../http/context.ts";
import { AppError } from "../shared/app-error.ts";
import { AuditPage, AuditResults } from "../../views/pages/admin-audit-page.tsx";
import { html, redirect } from "./html.ts";
import { isFragmentRequest, loginPath, pageContext, requireAdminScope } from "./page-context.ts";

/** adminAuditRoutes serve /admin/audit: the audit log, filtered and paged (htmx swaps just the results). */
export function adminAuditRoutes(ctx: AppContext) {
  return new Elysia({ name: "ui-admin-audit" }).get(
    "/admin/audit",
    ({ request, query }) => {
      const page = pageContext(ctx, request);
      if (!page.user) return redirect(loginPath(request));
      if (page.user.role !== "admin") throw new AppError("forbidden", "only administrators see the audit log");
      requireAdminScope(page);
      const { events, more } = listAudit(ctx.dbh.db, filterOf(query), query.page, query.pageSize);
      const props = { query, events, more };
      const headers = { "cache-control": "no-store" };
      if (isFragmentRequest(request)) return html(AuditResults(props), { headers });
      return html(AuditPage({ ...props, layout: page.layout }), { headers });
    },
    { query: auditQuery },
  );
}
