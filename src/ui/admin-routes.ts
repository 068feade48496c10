import { Elysia } from "elysia";
import type { AppContext } from "../http/context.ts";
import { AppError } from "../shared/app-error.ts";
import { AdminPage, AdminStats } from "../../views/pages/admin-page.tsx";
import { html, redirect } from "./html.ts";
import { instanceStats } from "./instance-stats.ts";
import { loginPath, pageContext, requireAdminScope } from "./page-context.ts";

/** adminRoutes serve the instance dashboard to administrators. */
export function adminRoutes(ctx: AppContext) {
  const guard = (request: Request) => {
    const page = pageContext(ctx, request);
    if (!page.user) return { page, response: redirect(loginPath(request)) };
    if (page.user.role !== "admin") throw new AppError("forbidden", "only administrators see the instance dashboard");
    requireAdminScope(page);
    return { page };
  };
  return new Elysia({ name: "ui-admin" })
    .get("/admin", ({ request }) => {
      const { page, response } = guard(request);
      return response ?? html(AdminPage({ stats: instanceStats(ctx), layout: page.layout }), { headers: { "cache-control": "no-store" } });
    })
    .get("/admin/stats", ({ request }) => {
      const { response } = guard(request);
      return response ?? html(AdminStats({ stats: instanceStats(ctx) }), { headers: { "cache-control": "no-store" } });
    });
}
