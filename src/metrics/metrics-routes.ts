import { Elysia } from "elysia";
import { requireAdmin } from "../accounts/web-auth.ts";
import type { AppContext } from "../http/context.ts";
import { registry } from "./metrics.ts";

/** metricsRoutes serve Prometheus text at /metrics, to admins (an admin-scoped key for scrapers). */
export function metricsRoutes(ctx: AppContext) {
  return new Elysia({ name: "metrics" }).get(
    "/metrics",
    async ({ request }) => {
      requireAdmin(ctx, request);
      return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType } });
    },
    { detail: { summary: "Prometheus metrics (admin key)", tags: ["operations"] } },
  );
}
