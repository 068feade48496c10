import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import validateNpmName from "validate-npm-package-name";
import { AppError } from "../shared/app-error.ts";
import { cancelled } from "./in-flight.ts";
import { runOnce, type RunOnceResult } from "./install-child.ts";
import { removeQuietly } from "./package-cache.ts";

/** NetworkUse is how bun install may use the registry: always, only for what its cache lacks, or never. */
export type NetworkUse = "online" | "prefer-offline" | "offline";

/** BunRunOptions are what every bun child of the installer needs. */
export interface BunRunOptions {
  /** runtime acts as bun with BUN_BE_BUN=1 (the Hearth binary, or bun itself). */
  runtime: string;
  passEnv: Record<string, string>;
  bunCacheDir: string;
  registry?: string;
  network: NetworkUse;
  timeoutMs: number;
  signal?: AbortSignal;
  onLine?: (line: string) => void;
}

/** BunInstallOptions add what only `bun install` takes. */
export interface BunInstallOptions extends BunRunOptions {
  /** trustedDependencies may run lifecycle scripts; when empty, no script runs at all. */
  trustedDependencies: string[];
}

const DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";
// pdeathsig: if Hearth is SIGKILLed mid-install, bun dies with it instead of finishing into a dead staging folder.
const SETPRIV = Bun.which("setpriv", { PATH: "/usr/bin:/bin" });
const DIE_WITH_PARENT = SETPRIV ? [SETPRIV, "--pdeathsig", "KILL", "--"] : [];
const NPM_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-zA-Z0-9][a-zA-Z0-9._~-]*$/;
const EXACT_VERSION = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
// Tags and ranges only: no ':' or '/', so never file:, git+…, http… or a path.
const VERSION_SPEC = /^[0-9A-Za-z.+\-^~<>=| *]+$/;
const PUBLIC_REGISTRY = /^https:\/\/registry\.npmjs\.org\/?$/;

/**
 * checkPackageName refuses names npm would not publish (npm's own rule, validate-npm-package-name,
 * taking the names older packages still carry) and, by the stricter pattern besides, anything that
 * could act as a path or URL segment (`@../x` passes npm's rule).
 */
export function checkPackageName(name: string): string {
  const npm = validateNpmName(name);
  if (name.length > 214 || !NPM_NAME.test(name) || !npm.validForOldPackages) {
    const why = npm.errors?.[0] ?? (name.length > 214 ? "it is over 214 characters" : "it may use lowercase letters, digits, -, ., _ and ~, with an optional @scope/");
    throw new AppError("invalid", `${JSON.stringify(name.slice(0, 220))} is not a valid npm package name: ${why}`);
  }
  return name;
}

/** isExactVersion says whether a version pins one release (so its folder can be cached). */
export function isExactVersion(v: string): boolean {
  return EXACT_VERSION.test(v);
}

/** checkVersionSpec refuses version specs that are not a version, range or tag. */
export function checkVersionSpec(spec: string): string {
  if (spec.length > 100 || !VERSION_SPEC.test(spec)) throw new AppError("invalid", `${JSON.stringify(spec)} is not an npm version, range or tag`);
  return spec;
}

/**
 * installEnv is the whole environment of an install child: a minimal PATH, a throwaway HOME and
 * TMPDIR, the operator's pass-through settings (proxy, CA, registry), and Hearth's own bun settings
 * last so that nothing can turn them off. Nothing else of Hearth's environment is passed.
 */
export function installEnv(home: string, o: BunRunOptions): Record<string, string> {
  return { PATH: DEFAULT_PATH, ...o.passEnv, HOME: home, TMPDIR: home, BUN_INSTALL_CACHE_DIR: o.bunCacheDir, BUN_BE_BUN: "1" };
}

function registryFlags(o: BunRunOptions): string[] {
  const flags: string[] = [];
  // The public registry is the default anyway; naming it would override an operator's mirror.
  if (o.registry !== undefined && !PUBLIC_REGISTRY.test(o.registry)) {
    if (!/^https?:\/\//.test(o.registry)) throw new AppError("invalid", `registry ${JSON.stringify(o.registry)} is not an http(s) URL`);
    flags.push(`--registry=${o.registry}`);
  }
  if (o.network === "offline") flags.push("--offline");
  if (o.network === "prefer-offline") flags.push("--prefer-offline");
  return flags;
}

/**
 * resolveVersion asks the registry which release a tag or range means (`bun info`), so an
 * unpinned package gets the pinned folder it would have had with an exact version.
 */
export async function resolveVersion(name: string, spec: string, o: BunRunOptions, home: string): Promise<string> {
  const argv = [...DIE_WITH_PARENT, o.runtime, "info", `${name}@${spec}`, "version", "--json", ...registryFlags(o)];
  const r = await runOnce({ argv, env: installEnv(home, o), cwd: home, label: "bun info", timeoutMs: o.timeoutMs, signal: o.signal });
  if (r.ended !== "exited" || r.code !== 0) throw failure(`resolving ${name}@${spec}`, r, o);
  let found: unknown;
  try {
    found = JSON.parse(r.stdout.trim() || "null");
  } catch {
    found = null;
  }
  const version = Array.isArray(found) ? found[found.length - 1] : found;
  if (typeof version !== "string" || !isExactVersion(version)) {
    throw new AppError("not_found", `the registry has no release of ${name} matching ${spec}`);
  }
  return version;
}

/**
 * bunInstall writes a package.json naming `dependencies` into dir and runs `bun install
 * --production` there on the embedded runtime. Dependencies' lifecycle scripts run only for
 * trusted packages. Files are copied from bun's cache rather than hard-linked, so a server that
 * writes to its own folder cannot change the cache that other installs share.
 */
export async function bunInstall(dir: string, dependencies: Record<string, string>, o: BunInstallOptions): Promise<void> {
  const home = join(dir, ".hearth-home");
  mkdirSync(home, { recursive: true });
  const manifest = { name: "hearth-package", private: true, dependencies, trustedDependencies: o.trustedDependencies };
  writeFileSync(join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  const argv = [...DIE_WITH_PARENT, o.runtime, "install", "--production", "--no-progress", "--no-save", "--backend=copyfile", ...registryFlags(o)];
  if (o.trustedDependencies.length === 0) argv.push("--ignore-scripts");
  try {
    const r = await runOnce({
      argv,
      env: installEnv(home, o),
      cwd: dir,
      label: "bun install",
      timeoutMs: o.timeoutMs,
      signal: o.signal,
      onLine: (_stream, line) => line.trim() && o.onLine?.(line),
    });
    if (r.ended !== "exited" || r.code !== 0) throw failure(`installing ${Object.keys(dependencies).join(", ")}`, r, o);
  } finally {
    removeQuietly(home);
  }
}

function failure(what: string, r: RunOnceResult, o: BunRunOptions): AppError {
  if (r.ended === "aborted") return cancelled();
  const lines = r.stderrTail.filter((l) => l.trim() !== "");
  const how = r.ended === "timeout" ? `timed out after ${o.timeoutMs} ms` : r.signal ? `was killed by ${r.signal}` : `failed with exit code ${r.code}`;
  const missing = lines.some((l) => / - 404\b|404 Not Found|does not exist in this registry|No version matching/.test(l));
  const code = missing ? "not_found" : "unavailable";
  return new AppError(code, `${what} ${how}${lines.length ? `:\n${lines.join("\n")}` : ""}`, { extra: { stderr: lines } });
}
