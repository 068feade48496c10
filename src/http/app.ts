import { openapi } from "@elysiajs/openapi";
import { Elysia } from "elysia";
import { auditApiRoutes } from "../audit/audit-api-routes.ts";
import { accountRoutes } from "../ui/account-routes.ts";
import { adminAuditRoutes } from "../ui/admin-audit-routes.ts";
import { inviteRoutes } from "../ui/invite-routes.ts";
import { adminRoutes } from "../ui/admin-routes.ts";
import { z } from "zod";
import { streamableHttpRoutes } from "../bridge/streamable-http.ts";
import { deployRoutes } from "../deploy/deploy-routes.ts";
import { testConfigRoutes } from "../deploy/test-config-routes.ts";
import { metricsRoutes } from "../metrics/metrics-routes.ts";
import { registryApiRoutes } from "../registry/registry-api-routes.ts";
import { profileRoutes } from "../profiles/profile-routes.ts";
import { officialRoutes } from "../registry/official-routes.ts";
import { AppError } from "../shared/app-error.ts";
import { connectRoutes } from "../ui/connect-routes.ts";
import { homeRoutes } from "../ui/home-routes.ts";
import { hostingRoutes } from "../ui/hosting-routes.ts";
import { testConfigFormRoutes } from "../ui/test-config-form-routes.ts";
import { deploymentSettingsFormRoutes } from "../ui/deployment-settings-form-routes.ts";
import { loginRoutes } from "../ui/login-routes.ts";
import { playgroundRoutes } from "../ui/playground-routes.ts";
import { publishRoutes } from "../ui/publish-routes.ts";
import { serverRoutes } from "../ui/server-routes.ts";
import { setupRoutes } from "../ui/setup-routes.ts";
import { teamPageRoutes } from "../ui/team-page-routes.ts";
import { teamRoutes } from "../accounts/team-routes.ts";
import { keyRoutes } from "../accounts/key-routes.ts";
import type { AppContext } from "./context.ts";
import { guardBrowserWrites } from "../accounts/csrf-guard.ts";
import { errorResponse, toPublicError } from "./errors.ts";
import { errorViews } from "../ui/error-views.ts";
import { signInOnlyRefusal } from "../accounts/sign-in-only.ts";
import { systemRoutes } from "./system-routes.ts";

interface ValidationIssue {
  path?: string;
  message?: string;
  summary?: string;
}

// Elysia's own failures (unknown route, schema mismatch, unparsable body) become AppErrors here so
// that errors.ts stays the one place that decides status and shape.
function fromElysia(code: string | number, error: unknown, request: Request): unknown {
  if (code === "NOT_FOUND") return new AppError("not_found", `nothing here at ${new URL(request.url).pathname}`);
  if (code === "PARSE") return new AppError("bad_request", "the request body could not be parsed; check its Content-Type and syntax");
  if (code === "VALIDATION") {
    const all = ((error as { all?: ValidationIssue[] }).all ?? []).slice(0, 50);
    return new AppError("invalid", "the request is not valid", {
      details: all.map((i) => ({ pointer: i.path ? (i.path.startsWith("/") ? i.path : `/${i.path}`) : "", message: `${i.path ? `${i.path.replace(/^\//, "")}: ` : ""}${i.summary ?? i.message ?? "invalid value"}` })),
    });
  }
  return error;
}

/** createApp composes every route group into one Elysia app; the server (server.ts) wraps it. */
export function createApp(ctx: AppContext) {
  const html = errorViews(ctx);
  return new Elysia()
    .onError(({ code, error, request }) => errorResponse(toPublicError(fromElysia(code, error, request)), request, {}, html))
    .onRequest(({ request }) => signInOnlyRefusal(ctx, request, html))
    .onRequest(({ request }) => guardBrowserWrites(ctx, request))
    .use(
      openapi({
        path: "/api/docs",
        specPath: "/api/openapi.json",
        provider: null,
        mapJsonSchema: { zod: z.toJSONSchema },
        documentation: { info: { title: "Hearth API", version: ctx.version, description: "Hearth's registry API (/api/v1) and the official MCP Registry API (/v0.1)." } },
      }),
    )
    .use(systemRoutes(ctx))
    .use(officialRoutes(ctx, "/v0.1"))
    .use(officialRoutes(ctx, "/v0"))
    .use(registryApiRoutes(ctx))
    .use(deployRoutes(ctx))
    .use(teamRoutes(ctx))
    .use(keyRoutes(ctx))
    .use(profileRoutes(ctx))
    .use(testConfigRoutes(ctx))
    .use(metricsRoutes(ctx))
    .use(streamableHttpRoutes(ctx))
    .use(setupRoutes(ctx))
    .use(loginRoutes(ctx))
    .use(publishRoutes(ctx))
    .use(adminRoutes(ctx))
    .use(teamPageRoutes(ctx))
    .use(adminAuditRoutes(ctx))
    .use(auditApiRoutes(ctx))
    .use(accountRoutes(ctx))
    .use(inviteRoutes(ctx))
    .use(serverRoutes(ctx))
    .use(connectRoutes(ctx))
    .use(playgroundRoutes(ctx))
    .use(hostingRoutes(ctx))
    .use(testConfigFormRoutes(ctx))
    .use(deploymentSettingsFormRoutes(ctx))
    .use(homeRoutes(ctx));
}

/** App is the composed application type. */
export type App = ReturnType<typeof createApp>;
