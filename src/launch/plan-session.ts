import type { PlanSession } from "../deploy/session-planner.ts";
import { withDefaults } from "../deploy/settings.ts";
import { startArgv } from "../installer/installer.ts";
import type { NormalisedManifest } from "../registry/manifest.ts";
import { AppError } from "../shared/app-error.ts";
import type { SandboxMode } from "../supervisor/sandbox.ts";
import { planWithSettings, secretsOf } from "./launch-plan.ts";
import { commandFromResult, smitheryCommand } from "./smithery-command.ts";

/** PlannerEnv is all of the instance that planning reads: its default sandbox and the runtime that runs `node`/`bun`. */
export interface PlannerEnv {
  instanceSandbox: SandboxMode;
  /** runtime is the executable that acts as bun with BUN_BE_BUN=1 (process.execPath). */
  runtime: string;
}

/**
 * createPlanner returns the one planSession that sessions, the probe and warm pools share. It turns
 * a ready deployment and a validated config into the exact argv/env of one child: the installer's
 * command prefix, then the version's launch mapping filled from config; a smithery.yaml server's
 * command comes from its commandFunction instead (smithery-command.ts). Config values only ever
 * become separate argv items or env values, never shell text.
 */
export function createPlanner(env: PlannerEnv): PlanSession {
  return async ({ serverKey, deployment, version }, config) => {
    const runs = (version.manifest as NormalisedManifest).runs;
    const installed = deployment.installed;
    if (runs?.kind !== "smithery-function") {
      if (!installed || !runs) throw new AppError("unavailable", `${serverKey} has no start command yet; deploy it again`);
      const { argv, env: childEnv } = startArgv(installed, runs, config);
      return planWithSettings(serverKey, deployment, installed.dir, argv, childEnv, secretsOf(version, config));
    }
    if (!installed?.packageRoot) throw new AppError("unavailable", `${serverKey} has no installed package yet; deploy it again`);
    const sandbox = withDefaults(deployment.settings).sandbox ?? env.instanceSandbox;
    const result = await smitheryCommand(runs.source, version, config, { runtime: env.runtime, sandbox });
    const { argv, env: childEnv } = commandFromResult(result, installed.packageRoot, env.runtime);
    return planWithSettings(serverKey, deployment, installed.dir, argv, childEnv, secretsOf(version, config));
  };
}
