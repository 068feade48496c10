import { escapeHtml } from "@kitajs/html";
import { Elysia } from "elysia";
import type { DeployRun } from "../deploy/deployer.ts";
import { auditRequest } from "../audit/audit-request.ts";
import { auditDeployRun } from "../deploy/deploy-audit.ts";
import { listDeployedVersions } from "../deploy/deployed-versions.ts";
import type { AppContext } from "../http/context.ts";
import { AppError, isAppError } from "../shared/app-error.ts";
import type { LogLine as Line } from "../supervisor/log-ring.ts";
import { DeployHistoryPanel } from "../../views/components/deploy-history-panel.tsx";
import { DeploymentBadge } from "../../views/components/server-shell.tsx";
import { DeployProgressView, DeployStatePanel, DeployStatus } from "../../views/pages/server-deployments-page.tsx";
import { LogLine, ServerLogsPage, type LogFilter } from "../../views/pages/server-logs-page.tsx";
import { formString, readForm, requireCsrf } from "./csrf.ts";
import { progressOf } from "./deploy-progress.ts";
import { deploymentsPage } from "./deployments-page.ts";
import { fragmentStream } from "./fragment-stream.ts";
import { html, redirect } from "./html.ts";
import { isFragmentRequest, loginPath, pageContext } from "./page-context.ts";
import { loadServerPage, requireManager } from "./server-page-data.ts";

const NO_STORE = { "cache-control": "no-store" };
const TAIL = 500;

// The server is looked up first, so a private one is 404 (not "sign in") to those who can't see it.
function managed(ctx: AppContext, request: Request, ns: string, name: string) {
  const page = pageContext(ctx, request);
  const data = loadServerPage(ctx, page, ns, name);
  return { page, data, base: `/${data.server.qualifiedName}`, signIn: page.user ? undefined : redirect(loginPath(request)), check: () => requireManager(data, page) };
}

function logFilter(params: URLSearchParams): LogFilter {
  const stream = params.get("stream");
  return { q: (params.get("q") ?? "").slice(0, 200), stream: stream === "stderr" || stream === "hearth" ? stream : "" };
}

function passes(f: LogFilter, l: Line): boolean {
  return (!f.stream || l.stream === f.stream) && (!f.q || l.text.toLowerCase().includes(f.q.toLowerCase()));
}

function hostingDeployer(ctx: AppContext) {
  if (!ctx.deployer) throw new AppError("unavailable", "this Hearth is not hosting servers");
  return ctx.deployer;
}

// A deploy or rollback refused before it starts (unknown version, nothing to roll back to) is shown in the status region.
function startRun(start: () => DeployRun): { run?: DeployRun; refused?: AppError } {
  try {
    return { run: start() };
  } catch (e) {
    if (!isAppError(e) || e.code === "internal") throw e;
    return { refused: e };
  }
}

function statusFragment(base: string, started: { run?: DeployRun; refused?: AppError }): Response {
  const { run, refused } = started;
  return html(DeployStatus({ base, follow: Boolean(run), error: refused?.message, progress: run ? progressOf(run.events) : undefined }), { headers: NO_STORE });
}

// The Deploy and Roll back forms: the same checks, audit and answer; only the run differs. Without
// JS a refused run (another deploy running, a rollback target that never served here or doesn't
// exist) is its own error page rather than a redirect that would hide it.
async function runFromForm(ctx: AppContext, request: Request, params: { ns: string; name: string }, kind: "deploy" | "rollback"): Promise<Response> {
  const form = await readForm(request);
  const { principal } = requireCsrf(ctx, request, form);
  const { data, base, check } = managed(ctx, request, params.ns, params.name);
  check();
  const deployer = hostingDeployer(ctx);
  const version = formString(form, "version");
  const started = startRun(() => (kind === "deploy" ? deployer.deploy(data.server, version || "latest") : deployer.rollback(data.server, version || undefined)));
  if (started.run) auditDeployRun((e) => auditRequest(ctx, request, principal, e), kind, data.server.qualifiedName, started.run);
  if (!isFragmentRequest(request)) {
    if (started.refused) throw started.refused;
    return redirect(`${base}/deployments`);
  }
  return statusFragment(base, started);
}

/** hostingRoutes serve the owners' tabs: Deployments (deploy and roll back with live progress) and Logs (live tail). */
export function hostingRoutes(ctx: AppContext) {
  return new Elysia({ name: "ui-hosting" })
    .get("/:ns/:name/deployments", ({ request, params }) => {
      // An anonymous visitor is sent to sign in; a signed-in non-owner gets 403.
      const { page, data, signIn, check } = managed(ctx, request, params.ns, params.name);
      if (signIn) return signIn;
      check();
      return deploymentsPage(ctx, page, data);
    })
    .post("/:ns/:name/deployments", ({ request, params }) => runFromForm(ctx, request, params, "deploy"), { parse: "none" })
    .post("/:ns/:name/deployments/rollback", ({ request, params }) => runFromForm(ctx, request, params, "rollback"), { parse: "none" })
    .get("/:ns/:name/deployments/progress", ({ request, params }) => {
      const { page, data, base, check } = managed(ctx, request, params.ns, params.name);
      check();
      const run = ctx.deployer?.current(data.server.id);
      // The last message also refreshes the state panel and the header badge, out of band.
      const final = () => {
        const fresh = loadServerPage(ctx, page, params.ns, params.name);
        const sessions = ctx.supervisor?.count(fresh.server.qualifiedName) ?? 0;
        const history = DeployHistoryPanel({ base, csrfToken: page.csrfToken ?? "", versions: listDeployedVersions(ctx.dbh, fresh.server.id), running: false, oob: true });
        return `${DeployProgressView({ progress: progressOf(run?.events ?? []), base })}${DeployStatePanel({ data: fresh, activeSessions: sessions, oob: true })}${history}<span id="deployment-badge" hx-swap-oob="true">${DeploymentBadge({ data: fresh })}</span>`;
      };
      return fragmentStream((w) => {
        const show = () => w.fragment(DeployProgressView({ progress: progressOf(run?.events ?? []), base }));
        // Nothing running (it ended before we connected): say so and end, without hx-sse reconnecting.
        if (!run) {
          w.fragment(`<p class="muted">No deploy is running. <a href="${escapeHtml(base)}/deployments">Refresh</a> to see the current state.</p>`);
          w.event("done");
          w.close();
          return;
        }
        show();
        const unsubscribe = run.subscribe(show);
        void run.done.then(() => {
          w.fragment(final());
          w.event("done");
          w.close();
        });
        return unsubscribe;
      });
    })
    .get("/:ns/:name/logs", ({ request, params }) => {
      const { page, data, signIn, check } = managed(ctx, request, params.ns, params.name);
      if (signIn) return signIn;
      check();
      const filter = logFilter(new URL(request.url).searchParams);
      const key = data.server.qualifiedName;
      // History comes from the log store (it outlives restarts), else from the live ring.
      const all = ctx.logStore ? ctx.logStore.tail(key, 2000) : (ctx.logs?.get(key)?.tail(2000) ?? []);
      const lines = all.filter((l) => passes(filter, l)).slice(-TAIL);
      return html(ServerLogsPage({ data, layout: page.layout, lines, filter, live: Boolean(ctx.supervisor || ctx.logs?.has(key)) }), { headers: NO_STORE });
    })
    .get("/:ns/:name/logs/stream", ({ request, params }) => {
      const { data, check } = managed(ctx, request, params.ns, params.name);
      check();
      const filter = logFilter(new URL(request.url).searchParams);
      // A server with no child yet has no ring: logsFor creates it, so its first line reaches this tail.
      const ring = ctx.logs?.get(data.server.qualifiedName) ?? ctx.supervisor?.logsFor(data.server.qualifiedName);
      if (!ring) throw new AppError("unavailable", "this Hearth is not hosting servers, so there is nothing to follow");
      return fragmentStream((w) => ring.subscribe((l) => passes(filter, l) && w.fragment(LogLine({ line: l }))));
    });
}

