import type { LaunchMapping } from "../registry/launch-mapping.ts";

/** InstalledPackage is a complete cache folder and how to start what it holds. */
export interface InstalledPackage {
  dir: string;
  /** cached says the folder was complete before this call, so nothing was fetched. */
  cached: boolean;
  /** command is the absolute argv prefix, e.g. [runtime, "<dir>/node_modules/<pkg>/dist/index.js"]. */
  command: string[];
  /** env is what the command needs, e.g. BUN_BE_BUN=1 when command[0] is the Hearth binary. */
  env: Record<string, string>;
  /** version is the pinned version (npm), or the bundle's or tarball's own. */
  version?: string;
  /** sha256 is the tarball's or bundle's content hash, when installed from one. */
  sha256?: string;
  /** packageRoot is the installed package's own folder (where a commandFunction's relative paths point). */
  packageRoot?: string;
  /** hostVars are `${…}` values only the installer knows (`__dirname` of a bundle). */
  hostVars: Record<string, string>;
  /** launch is a bundle's own args/env from its manifest.json, used when the RunSpec had none. */
  launch?: LaunchMapping;
}
