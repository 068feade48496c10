import { existsSync, realpathSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import { evaluateCommandFunction, type CommandFunctionResult } from "../installer/command-function.ts";
import type { VersionRow } from "../registry/catalog.ts";
import type { TypedConfig } from "../registry/config-schema.ts";
import { redactedError } from "../secrets/redacted-error.ts";
import { AppError } from "../shared/app-error.ts";
import type { SandboxMode } from "../supervisor/sandbox.ts";
import { secretsOf } from "./launch-plan.ts";

// A commandFunction is a function of the config: the same config gives the same command, so a
// session with a config seen before skips the throwaway child. Bounded, oldest out first.
const MAX_CACHED = 256;
const cache = new Map<string, CommandFunctionResult>();

/**
 * smitheryCommand is a smithery.yaml server's start command for one config: its commandFunction,
 * evaluated in a sandboxed throwaway child (src/installer/command-function.ts, 2 s timeout); a
 * function that throws, loops or returns junk is an `invalid` AppError (422 to a client, a failed
 * deploy at the probe), with the config's secrets taken out of it.
 */
export async function smitheryCommand(
  source: string,
  version: VersionRow,
  config: TypedConfig,
  opts: { runtime: string; sandbox: SandboxMode },
): Promise<CommandFunctionResult> {
  const key = `${version.id}:${JSON.stringify(config)}`;
  let result = cache.get(key);
  if (!result) {
    try {
      result = await evaluateCommandFunction(source, config, { runtime: opts.runtime, sandbox: { mode: opts.sandbox } });
    } catch (e) {
      // What the function threw or printed may quote the config; its secrets never leave in an error.
      throw redactedError(e, secretsOf(version, config));
    }
    cache.set(key, result);
    if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value!);
  }
  return result;
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
