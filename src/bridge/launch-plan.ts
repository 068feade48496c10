import type { Deployment } from "../deploy/deployments.ts";
import type { VersionRow } from "../registry/catalog.ts";
import { resolveLaunch } from "../registry/launch-mapping.ts";
import type { NormalisedManifest } from "../registry/manifest.ts";
import { AppError } from "../shared/app-error.ts";
import type { LaunchPlan } from "../supervisor/supervisor.ts";

/**
 * launchPlanFor turns a ready deployment plus a validated config into the exact argv/env of one
 * child: the installer's command prefix, then the version's launch mapping filled from config.
 * Config values only ever become separate argv items or env values — never shell text.
 */
export function launchPlanFor(serverKey: string, deployment: Deployment, version: VersionRow, config: Record<string, unknown>): LaunchPlan {
  if (!deployment.command || !deployment.packageDir) throw new AppError("unavailable", `${serverKey} has no start command yet; deploy it again`);
  const runs = (version.manifest as NormalisedManifest).runs;
  let argv = [...deployment.command];
  let env = { ...(deployment.env ?? {}) };
  if (runs && runs.kind !== "smithery-function") {
    const r = resolveLaunch(runs.launch, config, { __dirname: deployment.packageDir });
    argv = [...argv, ...r.argv];
    env = { ...env, ...r.env };
  }
  return {
    serverKey,
    argv,
    env,
    packageDir: deployment.packageDir,
    network: deployment.settings.network,
    maxSessions: deployment.settings.maxSessions,
  };
}
