import type { HostCapabilities } from "../registry/manifest.ts";
import type { NetworkUse } from "./npm.ts";

/** InstallPhase is where an install is, in order; `done` also ends a cached reuse. */
type InstallPhase = "resolving" | "downloading" | "extracting" | "installing" | "verifying" | "done";

/** InstallProgress is one progress report (bun's own output lines arrive as `installing` messages). */
export interface InstallProgress {
  phase: InstallPhase;
  message?: string;
  bytes?: number;
  percent?: number;
}

/** InstallOptions say where the cache is, what runs installs, and what of the operator's env they get. */
export interface InstallOptions {
  /** cacheDir is `<data>/packages`; per-version folders live under it. */
  cacheDir: string;
  /** runtime is the executable that acts as bun with BUN_BE_BUN=1 (process.execPath). */
  runtime: string;
  /** passEnv is the operator-allowed env for installs (proxy, CA, npm registry settings); nothing else of process.env is used. */
  passEnv?: Record<string, string>;
  /** artifactPath is an uploaded tarball/.mcpb on disk, when the version came with one. */
  artifactPath?: string;
  onProgress?: (p: InstallProgress) => void;
  signal?: AbortSignal;
  /** bunCacheDir is bun's package cache, shared by installs (default `<cacheDir>/.bun-cache`). */
  bunCacheDir?: string;
  /** network: "offline" installs only from bun's cache; "prefer-offline" uses cached metadata of any age. */
  network?: NetworkUse;
  /** trustedDependencies may run lifecycle scripts; by default no script runs. */
  trustedDependencies?: string[];
  /** nodePath is the host's node; when set, packages whose manifest asks for node run on it. */
  nodePath?: string;
  /** runtimeHint is the manifest's runtimeHint for an npm package ("node"/"npx" ask for node). */
  runtimeHint?: string;
  /** host says which host tools exist, for bundles that need python or uv. */
  host?: HostCapabilities;
  /** timeoutMs bounds each install child and download (default 10 minutes). */
  timeoutMs?: number;
  /** maxDownloadBytes bounds a downloaded tarball or bundle (default 512 MiB). */
  maxDownloadBytes?: number;
}

/** ResolvedInstallOptions are InstallOptions with every default filled in. */
export type ResolvedInstallOptions = Required<Omit<InstallOptions, "artifactPath" | "onProgress" | "signal" | "nodePath" | "runtimeHint">> &
  Pick<InstallOptions, "artifactPath" | "onProgress" | "signal" | "nodePath" | "runtimeHint">;
