import type { EnvSpec, LaunchMapping, Template } from "./launch-mapping.ts";

/** JsonSchemaObject is a JSON Schema held as plain data (validated with ajv where it is used). */
export type JsonSchemaObject = Record<string, unknown>;

/** ManifestSource names the format a manifest was read from. */
export type ManifestSource = "server.json" | "smithery.yaml" | "mcpb";

/** RegistryType is a server.json package registry; unknown values are kept verbatim. */
export type RegistryType = "npm" | "pypi" | "oci" | "nuget" | "mcpb" | "cargo" | "go" | (string & {});

/** HostCapabilities says which optional tools this host has; callers detect them, parsers never look. */
export interface HostCapabilities {
  /** `uv`/`uvx` on PATH: PyPI packages can run. */
  uv: boolean;
  /** A python interpreter: python .mcpb bundles can run. */
  python: boolean;
  /** A container engine for OCI images, or null when there is none. */
  containerEngine: "docker" | "podman" | null;
}

/** NO_HOST_TOOLS is the conservative default: only what runs on Hearth's embedded runtime. */
export const NO_HOST_TOOLS: HostCapabilities = Object.freeze({ uv: false, python: false, containerEngine: null });

/** ParseOptions are the inputs every manifest parser takes besides the document. */
export interface ParseOptions {
  host?: HostCapabilities;
}

/** SmitheryBuild is smithery.yaml's `build` block (a Dockerfile build of the publisher's repo). */
export interface SmitheryBuild {
  dockerfile?: string;
  dockerBuildPath?: string;
}

/** McpbEntry is how a bundle's own manifest.json starts its server, relative to the unpacked bundle. */
export interface McpbEntry {
  serverType: "node" | "python" | "binary" | "uv";
  entryPoint: string;
  command: string;
}

/**
 * RunSpec is how Hearth would start a server locally; the installer fetches what it names and
 * the supervisor spawns it (never through a shell). Every kind but `smithery-function` carries a
 * LaunchMapping; `smithery-function` hands the whole config to publisher code run in a sandbox.
 * - `npm`: install `package@version` (null version: resolve and pin at install) and run its bin on
 *   the embedded runtime; `launch.runtimeArgs` were meant for npx and are not used.
 * - `tarball`: an npm-style package from a URL.
 * - `mcpb`: a bundle. From server.json only `bundleUrl`/`sha256` are known; `entry` appears once
 *   the bundle's own manifest.json is parsed, and `launch` then holds its args/env with
 *   `${__dirname}`-style host values the installer supplies.
 * - `command`: `[command, ...resolveLaunch(launch).argv]`; `requires` names what the host needs.
 * - `smithery-function`: the commandFunction source, as text; `build` says how Smithery built the repo.
 */
export type RunSpec =
  | {
      kind: "npm";
      package: string;
      version: string | null;
      registryBaseUrl?: string;
      binName?: string;
      launch: LaunchMapping;
    }
  | { kind: "tarball"; url: string; sha256?: string; binName?: string; launch: LaunchMapping }
  | { kind: "mcpb"; bundleUrl?: string; sha256?: string; entry?: McpbEntry; launch: LaunchMapping }
  | {
      kind: "command";
      command: string;
      launch: LaunchMapping;
      requires: "uv" | "python" | "container-engine" | "source-checkout" | null;
    }
  | { kind: "smithery-function"; source: string; build?: SmitheryBuild };

/** PackageTransport is how a package speaks MCP once started. */
export type PackageTransport = { type: "stdio" } | { type: "streamable-http" | "sse"; url: string };

/** NormalisedPackage is one server.json package, with its config form and whether this host can run it. */
export interface NormalisedPackage {
  registryType: RegistryType;
  identifier: string;
  version?: string;
  registryBaseUrl?: string;
  fileSha256?: string;
  runtimeHint?: string;
  transport: PackageTransport;
  configSchema: JsonSchemaObject;
  launch: LaunchMapping;
  /** How to run it, when Hearth knows how at all (even if this host lacks a tool). */
  run: RunSpec | null;
  deployable: boolean;
  notDeployableReason?: string;
}

/** NormalisedRemote is a hosted endpoint of the server; url and headers may read config values. */
export interface NormalisedRemote {
  type: "streamable-http" | "sse";
  url: string;
  urlTemplate: Template;
  headers: EnvSpec[];
  configSchema: JsonSchemaObject;
}

/** NormalisedIcon is a server.json icon. */
export interface NormalisedIcon {
  src: string;
  mimeType?: string;
  sizes?: string[];
  theme?: "light" | "dark";
}

/** NormalisedRepository is where the server's source lives. */
export interface NormalisedRepository {
  url: string;
  source: string;
  id?: string;
  subfolder?: string;
}

/**
 * NormalisedManifest is every import format (server.json of any schema date, smithery.yaml,
 * .mcpb manifest.json) in the camelCase 2025-12-11 shape plus what Hearth derives from it.
 * `runs` is the first package this host can run (or the smithery/mcpb start); `configSchema`
 * belongs to that target, else to the first remote, else to the first package. Remote-only
 * servers have `remotes` and `runs: null`.
 */
export interface NormalisedManifest {
  name: string;
  title?: string;
  description: string;
  version: string;
  websiteUrl?: string;
  repository?: NormalisedRepository;
  icons?: NormalisedIcon[];
  tags?: string[];
  packages: NormalisedPackage[];
  remotes: NormalisedRemote[];
  runs: RunSpec | null;
  /** Why `runs` is null, in one sentence for the server page. */
  notRunnableReason?: string;
  configSchema: JsonSchemaObject;
  exampleConfig?: Record<string, unknown>;
  /** Which server.json schema date validated the document (server.json only). */
  schemaDate?: string;
  warnings: string[];
  source: ManifestSource;
  raw: unknown;
}

/** emptyConfigSchema is the configSchema of a server that takes no settings (a fresh object each call). */
export function emptyConfigSchema(): JsonSchemaObject {
  return { type: "object", properties: {} };
}
