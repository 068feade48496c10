import { closeSync, openSync, readFileSync, readSync, realpathSync, statSync } from "node:fs";
import { extname, join, relative, resolve } from "node:path";
import { z } from "zod";
import { AppError } from "../shared/app-error.ts";
import type { LaunchEntry } from "./package-cache.ts";
import { isInside } from "./path-safety.ts";

const PackageJson = z.looseObject({
  name: z.string().min(1),
  version: z.string().min(1),
  bin: z.union([z.string(), z.record(z.string(), z.string())]).optional(),
  main: z.string().optional(),
});

/** PackageJson is the part of a package's package.json the installer reads. */
export type PackageJson = z.infer<typeof PackageJson>;

/** RuntimeChoice is how JS entry points are run: the embedded runtime, or node when the manifest asks and the host has it. */
export interface RuntimeChoice {
  runtime: string;
  nodePath?: string;
  askedForNode: boolean;
}

const JS_EXTENSIONS = new Set([".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".jsx", ".tsx"]);

/** readPackageJson reads and validates a package.json from disk. */
export function readPackageJson(path: string): PackageJson {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new AppError("invalid", `the package has no readable package.json (${path})`, { cause: e });
  }
  const parsed = PackageJson.safeParse(raw);
  if (!parsed.success) throw new AppError("invalid", `the package's package.json is invalid: ${parsed.error.issues[0]?.message ?? "bad shape"}`);
  return parsed.data;
}

/**
 * packageEntry finds what starts an installed package: the bin named binName, else its only bin,
 * else the bin named like the package, else `main` (or index.js). The path is returned relative to
 * installDir after checking that the file (links resolved) is inside it.
 */
export function packageEntry(installDir: string, pkgDir: string, binName?: string): LaunchEntry {
  const pkg = readPackageJson(join(pkgDir, "package.json"));
  const file = resolve(pkgDir, chooseBin(pkg, binName));
  let real: string;
  try {
    real = realpathSync(file);
  } catch {
    throw new AppError("invalid", `${pkg.name}'s entry point ${relative(pkgDir, file)} does not exist`);
  }
  if (!isInside(realpathSync(installDir), real) || !statSync(real).isFile()) {
    throw new AppError("invalid", `${pkg.name}'s entry point ${relative(pkgDir, file)} is not a file inside the package`);
  }
  const rel = relative(installDir, file);
  if (isJsFile(real)) return { kind: "js", path: rel };
  if ((statSync(real).mode & 0o111) === 0) throw new AppError("invalid", `${pkg.name}'s entry point ${rel} is neither JavaScript nor executable`);
  return { kind: "exec", path: rel };
}

function chooseBin(pkg: PackageJson, binName?: string): string {
  const unscoped = pkg.name.replace(/^@[^/]+\//, "");
  const bins: Record<string, string> = typeof pkg.bin === "string" ? { [unscoped]: pkg.bin } : (pkg.bin ?? {});
  const names = Object.keys(bins);
  if (binName !== undefined) {
    const hit = Object.hasOwn(bins, binName) ? bins[binName] : undefined;
    if (hit === undefined) {
      throw new AppError("invalid", `${pkg.name} has no bin named ${binName}; it has: ${names.join(", ") || "none"}`);
    }
    return hit;
  }
  if (names.length === 1) return bins[names[0] as string] as string;
  if (names.length > 1) {
    if (Object.hasOwn(bins, unscoped)) return bins[unscoped] as string;
    throw new AppError("invalid", `${pkg.name} has several bins (${names.join(", ")}); say which one with binName`);
  }
  return pkg.main ?? "index.js";
}

/** isJsFile says whether a file is run by a JS runtime: by extension, else by its #! line; ELF files are not. */
export function isJsFile(path: string): boolean {
  if (JS_EXTENSIONS.has(extname(path))) return true;
  const head = readHead(path, 256);
  if (head.startsWith("\x7fELF")) return false;
  if (head.startsWith("#!")) return /\b(node|bun|nodejs)\b/.test(head.split("\n")[0] ?? "");
  // An extensionless script without #! is what `node file` would run.
  return true;
}

function readHead(path: string, bytes: number): string {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n).toString("latin1");
  } finally {
    closeSync(fd);
  }
}

/**
 * entryCommand is the absolute argv prefix and env for an entry: JS on the embedded runtime (the
 * Hearth binary acting as bun, hence BUN_BE_BUN=1) unless the manifest asked for node and the host
 * has it, an executable by its own path, or a host command by name.
 */
export function entryCommand(dir: string, entry: LaunchEntry, choice: RuntimeChoice): { command: string[]; env: Record<string, string> } {
  const js = (): { command: string[]; env: Record<string, string> } =>
    choice.askedForNode && choice.nodePath ? { command: [choice.nodePath], env: {} } : { command: [choice.runtime], env: { BUN_BE_BUN: "1" } };
  switch (entry.kind) {
    case "js": {
      const base = js();
      return { command: [...base.command, join(dir, entry.path)], env: base.env };
    }
    case "runtime":
      return js();
    case "exec":
      return { command: [join(dir, entry.path)], env: {} };
    case "host":
      return { command: [entry.command], env: {} };
  }
}
