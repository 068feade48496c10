import { Elysia } from "elysia";
import { z } from "zod";
import { requireKeyNamespace } from "../accounts/principal.ts";
import { principalFor, requireUser } from "../accounts/web-auth.ts";
import type { AppContext } from "../http/context.ts";
import { sseResponse } from "../http/sse.ts";
import { canManage, findServer, getVersionById, type FoundServer } from "../registry/catalog.ts";
import { viewerOf } from "../registry/visibility.ts";
import { AppError } from "../shared/app-error.ts";
import { auditRequest } from "../audit/audit-request.ts";
import { auditDeployRun } from "./deploy-audit.ts";
import { listDeployedVersions } from "./deployed-versions.ts";
import type { DeployRun } from "./deployer.ts";
import { getDeployment } from "./deployments.ts";
import { changeDeploymentSettings } from "./settings-change.ts";
import { parseSettingsPatch } from "./settings.ts";

function ownedServer(ctx: AppContext, request: Request, ns: string, name: string, scope: "publish" | "read") {
  const user = requireUser(ctx, request, scope);
  const principal = principalFor(ctx, request);
  const viewer = viewerOf(principal);
  // Looked up first: a private server is 404 to outsiders, and only then 403 to members who can't manage it.
  const server = findServer(ctx.dbh, viewer, `${ns}/${name}`);
  if (!canManage(viewer, server)) throw new AppError("forbidden", `only publishers and owners of ${server.namespace} and admins manage this server's deployment`);
  requireKeyNamespace(principal, server.namespace);
  return { server, admin: user.role === "admin" };
}

/**
 * deploymentView is a deployment as the API shows it: what serves (state, version, its own error),
 * how the latest deploy or rollback went (lastDeploy: a failed redeploy shows here while the old
 * version keeps serving), and the versions that served before (rollback targets).
 */
function deploymentView(ctx: AppContext, server: Pick<FoundServer, "id" | "qualifiedName">) {
  const d = getDeployment(ctx.dbh, server.id);
  if (!d) return { state: "not-deployed" as const, lastDeploy: null, deployedVersions: [] };
  const iso = (at: number) => new Date(at).toISOString();
  return {
    state: d.state,
    version: getVersionById(ctx.dbh, d.versionId).version,
    versionId: d.versionId,
    error: d.error,
    lastDeploy: d.lastDeploy ? { ...d.lastDeploy, at: iso(d.lastDeploy.at) } : null,
    deployedVersions: listDeployedVersions(ctx.dbh, server.id).map((v) => ({ version: v.version, deployedAt: iso(v.deployedAt), serving: v.serving })),
    settings: d.settings,
    activeSessions: ctx.supervisor?.count(server.qualifiedName) ?? 0,
    updatedAt: iso(d.updatedAt),
  };
}

// Without an event stream the caller waits for the end; a failure is a 503 carrying the deployment, which may still serve.
async function answerRun(ctx: AppContext, request: Request, server: FoundServer, run: DeployRun) {
  if (!(request.headers.get("accept") ?? "").includes("text/event-stream")) {
    const end = await run.done;
    const deployment = deploymentView(ctx, server);
    if (end.phase === "failed") throw new AppError("unavailable", end.message, { extra: { version: end.version, serving: end.serving ?? null, deployment } });
    return { ...end, deployment: deployment.state };
  }
  return sseResponse((w) => {
    for (const e of run.events) w.send("progress", e);
    const unsubscribe = run.subscribe((e) => w.send("progress", e));
    void run.done.then(() => w.close());
    return unsubscribe;
  });
}

/** deployRoutes deploy and roll back servers, show deployment state and stream server logs (publishers, owners and admins). */
export function deployRoutes(ctx: AppContext) {
  return new Elysia({ name: "deploy" })
    .post(
      "/api/v1/servers/:ns/:name/deploy",
      async ({ params, query, request, body }) => {
        const { server, admin } = ownedServer(ctx, request, params.ns, params.name, "publish");
        if (!ctx.deployer) throw new AppError("unavailable", "this Hearth is not hosting servers");
        // The body is optional: `{ "settings": {...} }` changes the server's settings with this deploy.
        const settings = body && typeof body === "object" && "settings" in body ? parseSettingsPatch((body as { settings: unknown }).settings) : undefined;
        const run = ctx.deployer.deploy(server, query.version ?? "latest", settings && { patch: settings, admin });
        auditDeployRun((e) => auditRequest(ctx, request, principalFor(ctx, request), e), "deploy", server.qualifiedName, run);
        return answerRun(ctx, request, server, run);
      },
      { query: z.object({ version: z.string().max(100).optional() }), detail: { summary: "Deploy a version beside the serving one, optionally with new settings (SSE progress with Accept: text/event-stream)", tags: ["hosting"] } },
    )
    .post(
      "/api/v1/servers/:ns/:name/rollback",
      async ({ params, query, request }) => {
        const { server } = ownedServer(ctx, request, params.ns, params.name, "publish");
        if (!ctx.deployer) throw new AppError("unavailable", "this Hearth is not hosting servers");
        const run = ctx.deployer.rollback(server, query.version);
        auditDeployRun((e) => auditRequest(ctx, request, principalFor(ctx, request), e), "rollback", server.qualifiedName, run);
        return answerRun(ctx, request, server, run);
      },
      {
        query: z.object({ version: z.string().max(100).optional() }),
        detail: { summary: "Roll back to a version that served here before (default: the newest earlier one); SSE progress with Accept: text/event-stream", tags: ["hosting"] },
      },
    )
    .get(
      "/api/v1/servers/:ns/:name/deployment",
      ({ params, request }) => {
        const { server } = ownedServer(ctx, request, params.ns, params.name, "read");
        return deploymentView(ctx, server);
      },
      { detail: { summary: "A server's deployment state", tags: ["hosting"] } },
    )
    .patch(
      "/api/v1/servers/:ns/:name/deployment",
      ({ params, request, body }) => {
        const { server, admin } = ownedServer(ctx, request, params.ns, params.name, "publish");
        const patch = parseSettingsPatch(body && typeof body === "object" && "settings" in body ? (body as { settings: unknown }).settings : body);
        const next = changeDeploymentSettings(ctx, request, principalFor(ctx, request), server, patch, { admin });
        return { state: next.state, settings: next.settings };
      },
      { detail: { summary: "Change a server's deployment settings (sandbox, network, pool, limits, session policy); new sessions use them", tags: ["hosting"] } },
    )
    .get(
      "/api/v1/servers/:ns/:name/logs",
      ({ params, query, request }) => {
        const { server } = ownedServer(ctx, request, params.ns, params.name, "read");
        const ring = ctx.logs?.get(server.qualifiedName);
        // History comes from the log store (it outlives restarts); the live tail from the ring.
        const n = Math.min(query.tail ?? 200, 2000);
        const lines = ctx.logStore ? ctx.logStore.tail(server.qualifiedName, n).map(({ id: _id, ...line }) => line) : (ring?.tail(n) ?? []);
        if (!query.follow) return { lines };
        return sseResponse((w) => {
          for (const l of lines) w.send("log", l);
          // A server with no child yet has no ring: create it so the first line reaches this tail.
          const live = ring ?? ctx.supervisor?.logsFor(server.qualifiedName);
          return live?.subscribe((l) => w.send("log", l));
        });
      },
      {
        query: z.object({ follow: z.stringbool().optional(), tail: z.coerce.number().int().min(0).max(2000).optional() }),
        detail: { summary: "A server's stderr and lifecycle log (SSE with follow=1)", tags: ["hosting"] },
      },
    );
}
