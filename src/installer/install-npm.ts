import { copyFileSync, mkdirSync } from "node:fs";
import { join, relative } from "node:path";
import type { RunSpec } from "../registry/manifest.ts";
import { AppError } from "../shared/app-error.ts";
import { locateArtifact } from "./artifact.ts";
import { cachedOrBuild, type BuildContext, type CacheResult } from "./cache-build.ts";
import { entryCommand, packageEntry, readPackageJson } from "./entry-point.ts";
import type { ResolvedInstallOptions } from "./install-options.ts";
import type { InstalledPackage } from "./installed-package.ts";
import { bunInstall, checkPackageName, checkVersionSpec, isExactVersion, resolveVersion, type BunInstallOptions } from "./npm.ts";
import { makeStaging, removeQuietly, type Marker } from "./package-cache.ts";
import { inspectTarball } from "./tarball.ts";

type NpmRun = Extract<RunSpec, { kind: "npm" }>;
type TarballRun = Extract<RunSpec, { kind: "tarball" }>;

/**
 * installNpm installs `package@version` from the registry into `npm/<name>@<version>`. An unpinned
 * version (null, a tag or a range) is first resolved to the release it means, so the folder and
 * the returned version are always pinned.
 */
export async function installNpm(run: NpmRun, o: ResolvedInstallOptions): Promise<InstalledPackage> {
  const name = checkPackageName(run.package);
  const bun = bunOptions(o, run.registryBaseUrl);
  let version = run.version;
  if (version === null || !isExactVersion(version)) {
    const spec = checkVersionSpec(version ?? "latest");
    if (o.network === "offline") throw new AppError("unavailable", `${name}@${spec} is not pinned, and resolving it needs the registry, but installs are offline`);
    o.onProgress?.({ phase: "resolving", message: `resolving ${name}@${spec}` });
    const scratch = makeStaging(o.cacheDir);
    try {
      version = await resolveVersion(name, spec, { ...bun, ...(o.signal ? { signal: o.signal } : {}) }, scratch);
    } finally {
      removeQuietly(scratch);
    }
  }
  const pinned = version;
  const key = `npm/${name.replace("/", "+")}@${pinned}`;
  const result = await cachedOrBuild(request(o, key), async (staging, ctx) => {
    ctx.progress({ phase: "installing", message: `bun install ${name}@${pinned}` });
    await bunInstall(staging, { [name]: pinned }, withCtx(bun, ctx));
    const installed = readPackageJson(join(staging, "node_modules", name, "package.json"));
    if (installed.version !== pinned) throw new AppError("internal", `bun installed ${name}@${installed.version}, not ${pinned}`);
    const entry = packageEntry(staging, join(staging, "node_modules", name), run.binName);
    return marker("npm", name, pinned, undefined, entry);
  });
  return toInstalled(result, o, asksForNode(o.runtimeHint));
}

/**
 * installTarball installs an npm-style tarball (an upload on disk or a URL) into `tgz/<sha256>`:
 * the file is checked entry by entry first, then bun installs it with its dependencies. For an
 * npm RunSpec the tarball must be that package (and version, when pinned).
 */
export async function installTarball(
  src: { path?: string; url?: string; sha256?: string },
  run: NpmRun | TarballRun,
  o: ResolvedInstallOptions,
): Promise<InstalledPackage> {
  const expectName = run.kind === "npm" ? run.package : undefined;
  const expectVersion = run.kind === "npm" && run.version !== null && isExactVersion(run.version) ? run.version : undefined;
  const bun = bunOptions(o, run.kind === "npm" ? run.registryBaseUrl : undefined);
  o.onProgress?.({ phase: "resolving", message: "hashing the tarball" });
  const artifact = await locateArtifact({ what: "the tarball", ...src, cacheDir: o.cacheDir, download: downloadOptions(o), signal: o.signal, onProgress: o.onProgress });
  try {
    const result = await cachedOrBuild(request(o, `tgz/${artifact.sha256}`), async (staging, ctx) => {
      // bun takes a file: dependency as a tarball only by its .tgz name; the copy also keeps the recipe relative.
      const file = join(ctx.scratch, "package.tgz");
      mkdirSync(ctx.scratch, { recursive: true });
      copyFileSync(await artifact.open(ctx), file);
      ctx.progress({ phase: "extracting", message: "checking the tarball's entries" });
      const info = await inspectTarball(file);
      const { name, version } = tarballIdentity(info.packageJson, expectName, expectVersion);
      ctx.progress({ phase: "installing", message: `bun install ${name}@${version}` });
      await bunInstall(staging, { [name]: `file:./${relative(staging, file)}` }, withCtx(bun, ctx));
      const entry = packageEntry(staging, join(staging, "node_modules", name), run.binName);
      return marker(run.kind, name, version, artifact.sha256, entry);
    });
    if (expectName !== undefined && result.marker.name !== expectName) {
      throw new AppError("invalid", `the uploaded tarball is ${result.marker.name ?? "unnamed"}, not ${expectName}`);
    }
    return toInstalled(result, o, asksForNode(o.runtimeHint));
  } finally {
    artifact.cleanup();
  }
}

function tarballIdentity(raw: unknown, expectName?: string, expectVersion?: string): { name: string; version: string } {
  const pkg = raw as { name?: unknown; version?: unknown };
  if (typeof pkg.name !== "string" || typeof pkg.version !== "string") throw new AppError("invalid", "the tarball's package.json has no name or version");
  const name = checkPackageName(pkg.name);
  if (expectName !== undefined && name !== expectName) throw new AppError("invalid", `the uploaded tarball is ${name}, not ${expectName}`);
  if (expectVersion !== undefined && pkg.version !== expectVersion) {
    throw new AppError("invalid", `the uploaded tarball is ${name}@${pkg.version}, not version ${expectVersion}`);
  }
  return { name, version: pkg.version };
}

/** toInstalled turns a cache folder into an InstalledPackage for this caller's runtime. */
export function toInstalled(r: CacheResult, o: ResolvedInstallOptions, askedForNode: boolean): InstalledPackage {
  const { command, env } = entryCommand(r.dir, r.marker.entry, { runtime: o.runtime, nodePath: o.nodePath, askedForNode });
  const out: InstalledPackage = { dir: r.dir, cached: r.cached, command, env, hostVars: {} };
  if (r.marker.name !== undefined) out.packageRoot = join(r.dir, "node_modules", r.marker.name);
  if (r.marker.version !== undefined) out.version = r.marker.version;
  if (r.marker.sha256 !== undefined) out.sha256 = r.marker.sha256;
  return out;
}

function asksForNode(hint: string | undefined): boolean {
  return hint === "node" || hint === "npx";
}

function marker(kind: Marker["kind"], name: string, version: string, sha256: string | undefined, entry: Marker["entry"]): Marker {
  return { v: 1, kind, name, version, ...(sha256 ? { sha256 } : {}), entry, installedAt: new Date().toISOString() };
}

function request(o: ResolvedInstallOptions, key: string) {
  return { cacheDir: o.cacheDir, key, signal: o.signal, onProgress: o.onProgress };
}

function bunOptions(o: ResolvedInstallOptions, registry: string | undefined): BunInstallOptions {
  return {
    runtime: o.runtime,
    passEnv: o.passEnv,
    bunCacheDir: o.bunCacheDir,
    network: o.network,
    timeoutMs: o.timeoutMs,
    trustedDependencies: o.trustedDependencies,
    ...(registry !== undefined ? { registry } : {}),
  };
}

function withCtx(b: BunInstallOptions, ctx: BuildContext): BunInstallOptions {
  return { ...b, signal: ctx.signal, onLine: (line) => ctx.progress({ phase: "installing", message: line }) };
}

/** downloadOptions are the download bounds and routing an install uses. */
export function downloadOptions(o: ResolvedInstallOptions) {
  return { passEnv: o.passEnv, maxBytes: o.maxDownloadBytes, timeoutMs: o.timeoutMs };
}
