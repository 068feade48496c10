import { Elysia } from "elysia";
import { adminExists, upsertAdmin } from "../accounts/users.ts";
import { createWebSession } from "../accounts/web-sessions.ts";
import { pageAssets } from "../http/assets.ts";
import { sessionCookie } from "../accounts/web-cookies.ts";
import type { AppContext } from "../http/context.ts";
import { AppError, isAppError } from "../shared/app-error.ts";
import { logger } from "../shared/log.ts";
import { SetupPage } from "../../views/pages/setup-page.tsx";
import { html, redirect } from "./html.ts";

const log = logger("setup");

function field(body: unknown, name: string): string {
  const v = typeof body === "object" && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  return typeof v === "string" ? v : "";
}

/** setupRoutes create the first admin through the one-time link `serve` prints (PocketBase's habit). */
export function setupRoutes(ctx: AppContext) {
  const gone = () => new AppError("not_found", "setup is finished or this link has expired; sign in, or use `hearth admin create`");
  return new Elysia({ name: "ui-setup" })
    .get("/setup", ({ query }) => {
      if (adminExists(ctx.dbh.db) || !ctx.setup.valid(query.token)) throw gone();
      return html(SetupPage({ token: String(query.token), assets: pageAssets }));
    })
    .post("/setup", async ({ body, request }) => {
      const token = field(body, "token");
      if (adminExists(ctx.dbh.db) || !ctx.setup.valid(token)) throw gone();
      const email = field(body, "email");
      try {
        const { user } = await upsertAdmin(ctx.dbh.db, { email, password: field(body, "password") });
        ctx.setup.consume();
        log.info("first administrator created", { email: user.email });
        const s = createWebSession(ctx.dbh.db, user.id, { userAgent: request.headers.get("user-agent") ?? undefined });
        return redirect("/", { "set-cookie": sessionCookie(ctx, s.token, request) });
      } catch (e) {
        if (!isAppError(e) || e.code !== "invalid") throw e;
        return html(SetupPage({ token, email, errors: e.details, assets: pageAssets }), { status: 422 });
      }
    });
}
