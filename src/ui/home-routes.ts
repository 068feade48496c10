import { Elysia } from "elysia";
import { adminExists } from "../accounts/users.ts";
import { pageAssets } from "../http/assets.ts";
import { principalFor } from "../http/auth.ts";
import type { AppContext } from "../http/context.ts";
import { HomePage } from "../../views/pages/home-page.tsx";
import { html } from "./html.ts";

/** homeRoutes serve the catalog's front page. */
export function homeRoutes(ctx: AppContext) {
  return new Elysia({ name: "ui-home" }).get("/", ({ request, query }) => {
    const p = principalFor(ctx, request);
    const session = p.kind === "session" ? p : undefined;
    return html(
      HomePage({
        query: typeof query.q === "string" ? query.q : "",
        user: session?.user,
        csrfToken: session?.csrfToken,
        assets: pageAssets,
        setupOpen: !adminExists(ctx.dbh.db),
      }),
    );
  });
}
