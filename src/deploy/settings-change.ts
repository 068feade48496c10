import type { Principal } from "../accounts/principal.ts";
import { auditRequest } from "../audit/audit-request.ts";
import type { Config } from "../config/config.ts";
import type { ProxyConfig } from "../http/client-ip.ts";
import type { FoundServer } from "../registry/catalog.ts";
import { AppError } from "../shared/app-error.ts";
import { getDeployment, saveDeploymentSettings, type Deployment } from "./deployments.ts";
import { applySettingsPatch, type SettingsActor, type SettingsPatch } from "./settings.ts";
import { warmDeployment, type WarmDeps } from "./warm.ts";

/**
 * changeDeploymentSettings is the one "apply a settings change" step, for the API's PATCH and the
 * Deployments page's form alike: merge (admins only may drop the sandbox, or reset it to an instance default of none), save, audit, re-warm.
 */
export function changeDeploymentSettings(
  ctx: WarmDeps & { config: ProxyConfig & Pick<Config, "sandbox"> },
  request: Request,
  principal: Principal,
  server: Pick<FoundServer, "id" | "qualifiedName">,
  patch: SettingsPatch,
  actor: Pick<SettingsActor, "admin">,
): Deployment {
  const d = getDeployment(ctx.dbh, server.id);
  if (!d) throw new AppError("not_found", `${server.qualifiedName} is not deployed yet: pass the settings with its first deploy`);
  const next = saveDeploymentSettings(ctx.dbh, d, applySettingsPatch(d.settings, patch, { ...actor, instanceSandbox: ctx.config.sandbox }));
  auditRequest(ctx, request, principal, { action: "settings.change", outcome: "ok", target: server.qualifiedName, detail: JSON.stringify(patch).slice(0, 500) });
  // The warm pool is keyed by the launch plan, so new limits or sandbox replace its children.
  warmDeployment(ctx, server.qualifiedName, next);
  return next;
}
