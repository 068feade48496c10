import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { AppError } from "../shared/app-error.ts";
import type { LaunchMapping } from "../registry/launch-mapping.ts";
import { normaliseMcpbManifest } from "../registry/manifest-mcpb.ts";
import type { HostCapabilities } from "../registry/manifest.ts";
import { isJsFile } from "./entry-point.ts";
import type { LaunchEntry } from "./package-cache.ts";
import { isInside } from "./path-safety.ts";

/** BUNDLE_DIR is the sub-folder of an install folder that holds the unpacked bundle (`${__dirname}`). */
export const BUNDLE_DIR = "bundle";

/** BundleLaunch is how an unpacked bundle starts: the entry Hearth runs and the bundle's own args/env. */
export interface BundleLaunch {
  entry: LaunchEntry;
  launch: LaunchMapping;
  name: string;
  version: string;
}

const MAX_MANIFEST = 1024 * 1024;

/** bundleHostVars are the `${…}` values a bundle's mcp_config may use that only the installer knows. */
export function bundleHostVars(installDir: string): Record<string, string> {
  return { __dirname: join(installDir, BUNDLE_DIR), pathSeparator: "/", "/": "/" };
}

/**
 * readBundle reads the manifest.json of a bundle unpacked under installDir and works out what to
 * run: `node` becomes the embedded runtime (the args name the script), a `${__dirname}/…` command
 * becomes that file, and anything else (python3, uv) is a host command. It refuses a bundle this
 * host cannot run, or whose entry point or command file is missing.
 */
export function readBundle(installDir: string, host: HostCapabilities): BundleLaunch {
  const bundleDir = join(installDir, BUNDLE_DIR);
  const manifestPath = join(bundleDir, "manifest.json");
  if (!existsSync(manifestPath)) throw new AppError("invalid", "the bundle has no manifest.json at its top level");
  if (statSync(manifestPath).size > MAX_MANIFEST) throw new AppError("too_large", "the bundle's manifest.json is over 1 MiB");
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(manifestPath, "utf8"));
  } catch (e) {
    throw new AppError("invalid", "the bundle's manifest.json is not valid JSON", { cause: e });
  }
  const m = normaliseMcpbManifest(raw, { host });
  if (!m.runs || m.runs.kind !== "mcpb" || !m.runs.entry) {
    throw new AppError("unavailable", m.notRunnableReason ?? "the bundle does not say how to start its server");
  }
  const { entry, launch } = m.runs;
  mustExist(bundleDir, entry.entryPoint, "entry point");
  return { entry: launchEntry(installDir, bundleDir, entry.command), launch, name: m.name, version: m.version };
}

function launchEntry(installDir: string, bundleDir: string, command: string): LaunchEntry {
  if (command === "node" || command === "nodejs" || command === "bun") return { kind: "runtime" };
  if (command.includes("${__dirname}")) {
    const path = command.replaceAll("${__dirname}", bundleDir);
    const real = mustExist(bundleDir, relative(bundleDir, path), "command");
    const rel = relative(installDir, resolve(path));
    if (isJsFile(real)) return { kind: "js", path: rel };
    if ((statSync(real).mode & 0o111) === 0) throw new AppError("invalid", `the bundle's command ${relative(bundleDir, path)} is not executable`);
    return { kind: "exec", path: rel };
  }
  if (command.includes("/") || command.includes("${")) {
    throw new AppError("invalid", `the bundle's command ${JSON.stringify(command)} is neither a program name nor a file in the bundle`);
  }
  return { kind: "host", command };
}

function mustExist(bundleDir: string, rel: string, what: string): string {
  const path = resolve(bundleDir, rel);
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    throw new AppError("invalid", `the bundle's ${what} ${rel} does not exist`);
  }
  if (!isInside(realpathSync(bundleDir), real)) throw new AppError("invalid", `the bundle's ${what} ${rel} is outside the bundle`);
  return real;
}
