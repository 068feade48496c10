import type { Deployment } from "../deploy/deployments.ts";
import { resourceLimitsOf, withDefaults } from "../deploy/settings.ts";
import type { VersionRow } from "../registry/catalog.ts";
import type { JsonSchemaObject } from "../registry/manifest.ts";
import { secretValues } from "../secrets/mask.ts";
import type { LaunchPlan } from "../supervisor/launch-plan.ts";

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
    ...(settings.preset === "browser" ? { browser: true } : {}),
    limits: resourceLimitsOf(settings.limits),
    redact,
  };
}
