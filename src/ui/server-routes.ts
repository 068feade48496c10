import { Elysia } from "elysia";
import type { AppContext } from "../http/context.ts";
import { ServerOverviewPage } from "../../views/pages/server-overview-page.tsx";
import { ServerToolsPage } from "../../views/pages/server-tools-page.tsx";
import { ServerUsagePage } from "../../views/pages/server-usage-page.tsx";
import { usageHistory } from "../bridge/usage.ts";
import { html } from "./html.ts";
import { pageContext } from "./page-context.ts";
import { loadServerPage } from "./server-page-data.ts";

/** serverRoutes serve a server's Overview and Tools tabs (private servers are 404 to others). */
export function serverRoutes(ctx: AppContext) {
  return new Elysia({ name: "ui-server" })
    .get("/:ns/:name", ({ request, params }) => {
      const page = pageContext(ctx, request);
      const data = loadServerPage(ctx, page, params.ns, params.name);
      return html(ServerOverviewPage({ data, sandbox: ctx.config.sandbox, layout: page.layout }));
    })
    .get("/:ns/:name/tools", ({ request, params }) => {
      const page = pageContext(ctx, request);
      const data = loadServerPage(ctx, page, params.ns, params.name);
      return html(ServerToolsPage({ data, layout: page.layout }));
    })
    .get("/:ns/:name/usage", ({ request, params }) => {
      const page = pageContext(ctx, request);
      const data = loadServerPage(ctx, page, params.ns, params.name);
      // Counts buffered in memory reach the page too: flush before reading.
      ctx.usage?.flush();
      return html(ServerUsagePage({ data, days: usageHistory(ctx.dbh, data.server.id, 30), layout: page.layout }));
    });
}
