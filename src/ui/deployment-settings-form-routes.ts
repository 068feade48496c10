import { Elysia } from "elysia";
import type { DeploymentSettings } from "../db/schema.ts";
import { changeDeploymentSettings } from "../deploy/settings-change.ts";
import { DEFAULT_SETTINGS, parseSettingsPatch } from "../deploy/settings.ts";
import type { AppContext } from "../http/context.ts";
import { AppError, isAppError } from "../shared/app-error.ts";
import { DeployStatePanel } from "../../views/pages/server-deployments-page.tsx";
import { DeploymentSettingsPanel } from "../../views/components/deployment-settings-panel.tsx";
import { formString, readForm, requireCsrf } from "./csrf.ts";
import { settingValue, isNumeric, SETTING_NAMES, settingsPanelView, type SettingName, type SettingsFormState } from "./deployment-settings-view.ts";
import { deploymentsPage } from "./deployments-page.ts";
import { html, redirect } from "./html.ts";
import { isFragmentRequest, type PageContext } from "./page-context.ts";
import { loadServerPage, requireManager, type ServerPage } from "./server-page-data.ts";

/**
 * readSettingsForm turns the form into a settings change holding only what differs from now, so
 * resubmitting a value an admin set (sandbox "none") is no change. Whole numbers become numbers;
 * anything else stays a string for the API's schema to refuse, by name. A field sent empty (a
 * cleared number, the sandbox's "instance default") puts the setting back to its default (null);
 * a field not sent at all is left alone.
 */
function readSettingsForm(form: FormData, current: DeploymentSettings): { change: Record<string, unknown>; typed: SettingsFormState["values"] } {
  const change: Record<string, unknown> = {};
  const limits: Record<string, unknown> = {};
  const typed: SettingsFormState["values"] = {};
  for (const name of SETTING_NAMES) {
    if (!form.has(name)) continue;
    const text = formString(form, name).trim().slice(0, 100);
    typed[name] = text;
    const value = !text ? null : isNumeric(name) && /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
    if (value === settingValue(current, name)) continue;
    // Empty on a setting already at its default (sandbox unset is the instance's) changes nothing.
    if (value === null && settingValue(current, name) === settingValue(DEFAULT_SETTINGS, name)) continue;
    if (name.startsWith("limits.")) limits[name.slice(7)] = value;
    else change[name] = value;
  }
  if (Object.keys(limits).length) change.limits = limits;
  return { change, typed };
}

// A refusal's details point at fields (/limits/memoryMiB); each message goes beside its field.
function refused(e: AppError, typed: SettingsFormState["values"]): SettingsFormState {
  const errors: SettingsFormState["errors"] = {};
  const loose: string[] = [];
  for (const d of e.details) {
    const name = (d.pointer ?? "").slice(1).replaceAll("/", ".") as SettingName;
    if (SETTING_NAMES.includes(name)) errors[name] = d.message.startsWith(`${name}: `) ? d.message.slice(name.length + 2) : d.message;
    else loose.push(d.message);
  }
  // When every problem sits beside its field, the summary just points there.
  const error = loose.length || !Object.keys(errors).length ? [e.message, ...loose].join("\n") : "Nothing was saved: see the marked settings below.";
  return { values: typed, errors, error };
}

function panel(ctx: AppContext, page: PageContext & { csrfToken: string }, data: ServerPage, o: { state?: SettingsFormState; saved?: boolean }): string {
  const view = settingsPanelView(data, { instanceSandbox: ctx.config.sandbox, admin: page.user?.role === "admin", cgroup: ctx.supervisor?.cgroupLimits(), ...o });
  return String(DeploymentSettingsPanel({ base: `/${data.server.qualifiedName}`, csrfToken: page.csrfToken, ...view }));
}

/** deploymentSettingsFormRoutes take the Deployments page's settings form (publishers, owners, admins). */
export function deploymentSettingsFormRoutes(ctx: AppContext) {
  return new Elysia({ name: "ui-deployment-settings" }).post(
    "/:ns/:name/deployments/settings",
    async ({ request, params }) => {
      const form = await readForm(request);
      const page = requireCsrf(ctx, request, form);
      const data = loadServerPage(ctx, page, params.ns, params.name);
      requireManager(data, page);
      if (!data.deployment) throw new AppError("not_found", `${data.server.qualifiedName} is not deployed yet: its settings are made by its first deploy`);
      const { change, typed } = readSettingsForm(form, data.deployment.settings);
      try {
        // The API's own validation and merge: same bounds, same admin-only sandbox "none".
        const patch = parseSettingsPatch(change);
        if (Object.keys(patch).length) changeDeploymentSettings(ctx, request, page.principal, data.server, patch, { admin: page.user?.role === "admin" });
      } catch (e) {
        if (!isAppError(e) || e.code !== "invalid") throw e;
        const state = refused(e, typed);
        if (isFragmentRequest(request)) return html(panel(ctx, page, data, { state }), { status: 422 });
        return deploymentsPage(ctx, page, data, state, 422);
      }
      if (!isFragmentRequest(request)) return redirect(`/${data.server.qualifiedName}/deployments`);
      // htmx swaps the panel; the state panel's summary of limits is refreshed out of band.
      const fresh = loadServerPage(ctx, page, params.ns, params.name);
      const sessions = ctx.supervisor?.count(fresh.server.qualifiedName) ?? 0;
      return html(`${panel(ctx, page, fresh, { saved: true })}${DeployStatePanel({ data: fresh, activeSessions: sessions, oob: true })}`, { headers: { "cache-control": "no-store" } });
    },
    { parse: "none" },
  );
}
