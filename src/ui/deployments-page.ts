import { listDeployedVersions } from "../deploy/deployed-versions.ts";
import type { AppContext } from "../http/context.ts";
import { ServerDeploymentsPage } from "../../views/pages/server-deployments-page.tsx";
import { progressOf } from "./deploy-progress.ts";
import { settingsPanelView, type SettingsFormState } from "./deployment-settings-view.ts";
import { html } from "./html.ts";
import type { PageContext } from "./page-context.ts";
import type { ServerPage } from "./server-page-data.ts";
import { testConfigView } from "./test-config-form-routes.ts";

const NO_STORE = { "cache-control": "no-store" };

/** deploymentsPage renders a server's Deployments tab; a refused settings form comes back in it (422). */
export function deploymentsPage(ctx: AppContext, page: PageContext, data: ServerPage, settings?: SettingsFormState, status = 200): Response {
  const base = `/${data.server.qualifiedName}`;
  const run = ctx.deployer?.current(data.server.id);
  return html(
    ServerDeploymentsPage({
      data,
      layout: page.layout,
      csrfToken: page.csrfToken ?? "",
      hosting: Boolean(ctx.deployer),
      activeSessions: ctx.supervisor?.count(data.server.qualifiedName) ?? 0,
      status: { base, follow: Boolean(run), progress: run ? progressOf(run.events) : undefined },
      testConfig: testConfigView(ctx, data),
      history: { versions: listDeployedVersions(ctx.dbh, data.server.id), running: Boolean(run) },
      settings: settingsPanelView(data, { instanceSandbox: ctx.config.sandbox, admin: page.user?.role === "admin", cgroup: ctx.supervisor?.cgroupLimits(), state: settings }),
    }),
    { status, headers: NO_STORE },
  );
}
