import { mkdirSync } from "node:fs";
import { isAbsolute, join, normalize } from "node:path";
import { resolveLaunch } from "../registry/launch-mapping.ts";
import { NO_HOST_TOOLS, type RunSpec } from "../registry/manifest.ts";
import { AppError } from "../shared/app-error.ts";
import { installBundle } from "./install-bundle.ts";
import { installNpm, installTarball } from "./install-npm.ts";
import type { InstallOptions, ResolvedInstallOptions } from "./install-options.ts";
import type { InstalledPackage } from "./installed-package.ts";
import { sweepStaging } from "./package-cache.ts";

const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;
const DEFAULT_MAX_DOWNLOAD = 512 * 1024 * 1024;

/**
 * installRunSpec fetches and caches what a server runs from and says how to start it. A complete
 * folder is reused offline; otherwise it is built in staging and renamed into place, once per
 * package and version even when many callers ask at the same time.
 */
export async function installRunSpec(run: RunSpec, opts: InstallOptions): Promise<InstalledPackage> {
  const o = resolveOptions(opts);
  sweepStaging(o.cacheDir);
  switch (run.kind) {
    case "npm":
      return o.artifactPath !== undefined ? installTarball({ path: o.artifactPath }, run, o) : installNpm(run, o);
    case "tarball":
      return installTarball(o.artifactPath !== undefined ? { path: o.artifactPath, sha256: run.sha256 } : { url: run.url, sha256: run.sha256 }, run, o);
    case "mcpb":
      return installBundle(run, o);
    case "command": {
      // Nothing to fetch: the host provides the command. An empty folder keeps the sandbox's packageDir valid.
      const dir = join(o.cacheDir, "none");
      mkdirSync(dir, { recursive: true });
      o.onProgress?.({ phase: "done", message: `${run.command} is provided by the host` });
      return { dir, cached: true, command: [run.command], env: {}, hostVars: {} };
    }
    case "smithery-function":
      // Hearth does not build repositories: the publisher uploads the built package as a tarball,
      // and the commandFunction (evaluated per session) says how to start what is inside it.
      if (o.artifactPath === undefined) throw new AppError("unavailable", "a smithery.yaml server is built from its repository, which Hearth does not do: upload the built package as a tarball artifact with it");
      return installTarball({ path: o.artifactPath }, { kind: "tarball", url: "artifact", launch: { runtimeArgs: [], args: [], env: [] } }, o);
  }
}

/**
 * startArgv is the argv and env that start an installed server with a config: the install's
 * command, then the manifest's args from resolveLaunch (a bundle's own when it has them), and the
 * manifest's env with the install's env on top. Items are passed to exec as they are: no shell.
 */
export function startArgv(installed: InstalledPackage, run: RunSpec, config: Record<string, unknown>): { argv: string[]; env: Record<string, string> } {
  if (run.kind === "smithery-function") {
    throw new AppError("invalid", "a smithery-function server starts from evaluateCommandFunction's result, not from startArgv");
  }
  const launch = run.kind === "mcpb" ? (installed.launch ?? run.launch) : run.launch;
  const resolved = resolveLaunch(launch, config, installed.hostVars);
  const prefix = run.kind === "command" ? [run.command] : installed.command;
  return { argv: [...prefix, ...resolved.argv], env: { ...resolved.env, ...installed.env } };
}

function resolveOptions(opts: InstallOptions): ResolvedInstallOptions {
  for (const [name, path] of [["cacheDir", opts.cacheDir], ["runtime", opts.runtime]] as const) {
    if (!isAbsolute(path) || normalize(path) !== path) throw new AppError("invalid", `${name} must be a normalised absolute path, got ${JSON.stringify(path)}`);
  }
  if (opts.artifactPath !== undefined && !isAbsolute(opts.artifactPath)) throw new AppError("invalid", "artifactPath must be an absolute path");
  for (const [k, v] of Object.entries(opts.passEnv ?? {})) {
    if (k.includes("=") || k.includes("\0") || v.includes("\0")) throw new AppError("invalid", `passEnv ${JSON.stringify(k)} is not a valid environment variable`);
  }
  return {
    ...opts,
    passEnv: { ...opts.passEnv },
    bunCacheDir: opts.bunCacheDir ?? join(opts.cacheDir, ".bun-cache"),
    network: opts.network ?? "online",
    trustedDependencies: opts.trustedDependencies ?? [],
    host: opts.host ?? NO_HOST_TOOLS,
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxDownloadBytes: opts.maxDownloadBytes ?? DEFAULT_MAX_DOWNLOAD,
  };
}
