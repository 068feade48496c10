import { Elysia } from "elysia";
import { migrationStatus } from "../db/migrate.ts";
import { serveAsset } from "./assets.ts";
import { principalFor, requireUser } from "../accounts/web-auth.ts";
import type { AppContext } from "./context.ts";

/** systemRoutes are the operational endpoints: health, readiness, static assets, and whoami. */
export function systemRoutes(ctx: AppContext) {
  return new Elysia({ name: "system" })
    .get("/healthz", () => ({ status: "ok", version: ctx.version, uptimeMs: Date.now() - ctx.startedAt }), {
      detail: { summary: "Process is up", tags: ["operations"] },
    })
    .get(
      "/readyz",
      ({ set }) => {
        try {
          ctx.dbh.sqlite.query("SELECT 1").get();
          const m = migrationStatus(ctx.dbh.sqlite);
          const ready = m.pending.length === 0 && m.unknown.length === 0 && m.changed.length === 0;
          if (!ready) set.status = 503;
          return { status: ready ? "ready" : "not_ready", database: "ok", migrations: { applied: m.applied.length, pending: m.pending, changed: m.changed } };
        } catch (e) {
          set.status = 503;
          return { status: "not_ready", database: "unreachable", error: (e as Error).message };
        }
      },
      { detail: { summary: "Database reachable and migrations current", tags: ["operations"] } },
    )
    .get("/static/:name", ({ params, request }) => serveAsset(params.name, request.headers.get("if-none-match")))
    .get(
      "/api/v1/me",
      ({ request }) => {
        const user = requireUser(ctx, request);
        const p = principalFor(ctx, request);
        return { id: user.id, email: user.email, role: user.role, via: p.kind, scopes: p.kind === "key" ? p.scopes : undefined };
      },
      { detail: { summary: "Who the caller is (session or API key)", tags: ["accounts"] } },
    );
}
