import type { Deployment } from "../deploy/deployments.ts";
import { resourceLimitsOf, withDefaults } from "../deploy/settings.ts";
import { startArgv } from "../installer/installer.ts";
import type { VersionRow } from "../registry/catalog.ts";
import type { JsonSchemaObject, NormalisedManifest } from "../registry/manifest.ts";
import { secretValues } from "../secrets/mask.ts";
import { AppError } from "../shared/app-error.ts";
import type { LaunchPlan } from "../supervisor/launch-plan.ts";

/**
 * launchPlanFor turns a ready deployment plus a validated config into the exact argv/env of one
 * child: the installer's command prefix, then the version's launch mapping filled from config.
 * Config values only ever become separate argv items or env values — never shell text.
 */
export function launchPlanFor(serverKey: string, deployment: Deployment, version: VersionRow, config: Record<string, unknown>): LaunchPlan {
  const installed = deployment.installed;
  const runs = (version.manifest as NormalisedManifest).runs;
  if (!installed || !runs) throw new AppError("unavailable", `${serverKey} has no start command yet; deploy it again`);
  const { argv, env } = startArgv(installed, runs, config);
  return planWithSettings(serverKey, deployment, installed.dir, argv, env, secretsOf(version, config));
}

/** secretsOf lists the config's secret values, which the child's logged stderr never shows. */
export function secretsOf(version: VersionRow, config: Record<string, unknown>): string[] {
  return secretValues((version.configSchema ?? undefined) as JsonSchemaObject | undefined, config);
}

/** planWithSettings is one child's plan from its argv/env and the deployment's settings (sandbox, network, limits, policy). */
export function planWithSettings(serverKey: string, deployment: Deployment, packageDir: string, argv: string[], env: Record<string, string>, redact: string[]): LaunchPlan {
  const settings = withDefaults(deployment.settings);
  return {
    serverKey,
    argv,
    env,
    packageDir,
    network: settings.network,
    maxSessions: settings.maxSessions,
    sessionPolicy: settings.sessionPolicy,
    ...(settings.sandbox ? { sandbox: settings.sandbox } : {}),
    limits: resourceLimitsOf(settings.limits),
    redact,
  };
}
