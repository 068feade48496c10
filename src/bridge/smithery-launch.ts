import { existsSync, realpathSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import type { Deployment } from "../deploy/deployments.ts";
import { withDefaults } from "../deploy/settings.ts";
import type { AppContext } from "../http/context.ts";
import { evaluateCommandFunction, type CommandFunctionResult } from "../installer/command-function.ts";
import type { VersionRow } from "../registry/catalog.ts";
import type { NormalisedManifest } from "../registry/manifest.ts";
import { redactValues } from "../secrets/mask.ts";
import { AppError, isAppError } from "../shared/app-error.ts";
import type { LaunchPlan } from "../supervisor/launch-plan.ts";
import { launchPlanFor, planWithSettings, secretsOf } from "./launch-plan.ts";

// A commandFunction is a function of the config: the same config gives the same command, so a
// session with a config seen before skips the throwaway child. Bounded, oldest out first.
const MAX_CACHED = 256;
const cache = new Map<string, CommandFunctionResult>();

/**
 * resolveLaunchPlan is launchPlanFor for every kind of server: a smithery.yaml server's start
 * command comes from its commandFunction, evaluated with the session's config in a sandboxed
 * throwaway child (src/installer/command-function.ts, 2 s timeout); a function that throws, loops
 * or returns junk is an `invalid` AppError (422 to a client, a failed deploy at the probe).
 */
export async function resolveLaunchPlan(ctx: AppContext, serverKey: string, deployment: Deployment, version: VersionRow, config: Record<string, unknown>): Promise<LaunchPlan> {
  const runs = (version.manifest as NormalisedManifest).runs;
  if (runs?.kind !== "smithery-function") return launchPlanFor(serverKey, deployment, version, config);
  const installed = deployment.installed;
  if (!installed?.packageRoot) throw new AppError("unavailable", `${serverKey} has no installed package yet; deploy it again`);
  const key = `${version.id}:${JSON.stringify(config)}`;
  let result = cache.get(key);
  if (!result) {
    const mode = withDefaults(deployment.settings).sandbox ?? ctx.config.sandbox;
    try {
      result = await evaluateCommandFunction(runs.source, config, { runtime: process.execPath, sandbox: { mode } });
    } catch (e) {
      // What the function threw or printed may quote the config; its secrets never leave in an error.
      throw redactedError(e, secretsOf(version, config));
    }
    cache.set(key, result);
    if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value!);
  }
  const { argv, env } = commandFromResult(result, installed.packageRoot, process.execPath);
  return planWithSettings(serverKey, deployment, installed.dir, argv, env, secretsOf(version, config));
}

/** redactedError is e with the given secret values replaced in its message and details. */
export function redactedError(e: unknown, secrets: string[]): unknown {
  if (!isAppError(e) || secrets.length === 0) return e;
  return new AppError(e.code, redactValues(e.message, secrets), {
    details: e.details.map((d) => ({ ...d, message: redactValues(d.message, secrets) })),
    extra: JSON.parse(redactValues(JSON.stringify(e.extra), secrets.map((v) => JSON.stringify(v).slice(1, -1)))) as Record<string, unknown>,
  });
}

/**
 * commandFromResult maps `{command, args, env}` onto this host, the way Smithery runs it from the
 * repository root: `node` and `bun` are the runtime inside Hearth (no Node needed), relative paths
 * that name files of the package become absolute (children run in their own work dir), `npx` is
 * refused (it would fetch and run code Hearth never installed), and any other bare name is a host command.
 */
export function commandFromResult(r: CommandFunctionResult, packageRoot: string, runtime: string): { argv: string[]; env: Record<string, string> } {
  const inPackage = (p: string): string | undefined => {
    if (isAbsolute(p) || p.startsWith("-")) return undefined;
    const full = join(packageRoot, p);
    if (!existsSync(full)) return undefined;
    const rel = relative(realpathSync(packageRoot), realpathSync(full));
    if (rel.startsWith("..") || isAbsolute(rel)) throw new AppError("invalid", `the commandFunction names ${p}, which points outside the package`);
    return full;
  };
  if (r.command === "npx" || r.command.endsWith("/npx")) throw new AppError("invalid", "the commandFunction asks for npx, which Hearth does not run: return node (or bun) with the package's entry file");
  const args = r.args.map((a) => inPackage(a) ?? a);
  if (r.command === "node" || r.command === "bun") return { argv: [runtime, ...args], env: { ...r.env, BUN_BE_BUN: "1" } };
  if (r.command.includes("/")) {
    const own = inPackage(r.command);
    if (!own) throw new AppError("invalid", `the commandFunction's command ${r.command} is not a file of the package`);
    return { argv: [own, ...args], env: r.env };
  }
  return { argv: [r.command, ...args], env: r.env };
}
