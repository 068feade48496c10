import {
  buildPackageConfig,
  type ServerJsonArgument,
  type ServerJsonKeyValue,
} from "./config-schema.ts";
import { literal, type ArgSpec, type LaunchMapping } from "./launch-mapping.ts";
import type { HostCapabilities, NormalisedPackage, PackageTransport, RunSpec } from "./manifest.ts";

/** ServerJsonPackage is one camelCase server.json package, as the schema has already checked it. */
export interface ServerJsonPackage {
  registryType: string;
  identifier: string;
  version?: string;
  registryBaseUrl?: string;
  fileSha256?: string;
  runtimeHint?: string;
  transport: { type: string; url?: string; headers?: ServerJsonKeyValue[] };
  runtimeArguments?: ServerJsonArgument[];
  packageArguments?: ServerJsonArgument[];
  environmentVariables?: ServerJsonKeyValue[];
}

// Why each registry type that Hearth cannot run is refused: short, for cards and the server page.
const UNSUPPORTED: Record<string, string> = {
  nuget: "a NuGet (.NET) package — Hearth can't run these",
  cargo: "a Cargo (Rust) package — Hearth can't run these",
  go: "a Go package — Hearth can't run these",
};

function ociImage(identifier: string, version: string | undefined): string {
  const last = identifier.split("/").pop() ?? identifier;
  const pinned = last.includes(":") || identifier.includes("@");
  return pinned || version === undefined ? identifier : `${identifier}:${version}`;
}

// `docker run -i --rm [runtime args] -e NAME… image [package args]`, as VS Code builds it; env
// values reach the container through `-e NAME` (no value in argv, so secrets stay out of ps).
function ociLaunch(pkg: ServerJsonPackage, launch: LaunchMapping): LaunchMapping {
  const first = launch.runtimeArgs[0];
  const publisherSaysRun = first?.kind === "value" && first.template.length === 1 && first.template[0] === "run";
  const prefix: ArgSpec[] = publisherSaysRun ? [] : ["run", "-i", "--rm"].map((a) => value(a));
  const envFlags: ArgSpec[] = launch.env.map((e) => ({ kind: "named", flag: "-e", template: literal(e.name), repeated: false }));
  const image = value(ociImage(pkg.identifier, pkg.version));
  return { runtimeArgs: [], args: [...prefix, ...launch.runtimeArgs, ...envFlags, image, ...launch.args], env: launch.env };
}

function value(text: string): ArgSpec {
  return { kind: "value", template: literal(text), repeated: false };
}

// `uvx [runtime args] name==version [package args]`.
function uvxLaunch(pkg: ServerJsonPackage, launch: LaunchMapping): LaunchMapping {
  const spec = pkg.version === undefined ? pkg.identifier : `${pkg.identifier}==${pkg.version}`;
  return { runtimeArgs: [], args: [...launch.runtimeArgs, value(spec), ...launch.args], env: launch.env };
}

function runFor(pkg: ServerJsonPackage, launch: LaunchMapping, host: HostCapabilities): RunSpec | null {
  switch (pkg.registryType) {
    case "npm":
      if (/^https?:\/\//i.test(pkg.identifier)) {
        return { kind: "tarball", url: pkg.identifier, ...(pkg.fileSha256 ? { sha256: pkg.fileSha256 } : {}), launch };
      }
      return {
        kind: "npm",
        package: pkg.identifier,
        version: pkg.version ?? null,
        ...(pkg.registryBaseUrl ? { registryBaseUrl: pkg.registryBaseUrl } : {}),
        launch,
      };
    case "mcpb":
      return { kind: "mcpb", bundleUrl: pkg.identifier, ...(pkg.fileSha256 ? { sha256: pkg.fileSha256 } : {}), launch };
    case "pypi":
      return { kind: "command", command: "uvx", launch: uvxLaunch(pkg, launch), requires: "uv" };
    case "oci":
      return { kind: "command", command: host.containerEngine ?? "docker", launch: ociLaunch(pkg, launch), requires: "container-engine" };
    default:
      return null;
  }
}

function refusal(pkg: ServerJsonPackage, host: HostCapabilities): string | undefined {
  if (pkg.transport.type !== "stdio") {
    return `serves MCP over ${pkg.transport.type} itself — Hearth runs stdio servers`;
  }
  switch (pkg.registryType) {
    case "npm":
      return undefined;
    case "mcpb":
      return pkg.fileSha256 ? undefined : "its .mcpb download has no fileSha256 — it can't be verified";
    case "pypi":
      return host.uv ? undefined : "needs Python (uvx) — not available on this host";
    case "oci":
      return host.containerEngine ? undefined : "needs Docker or Podman — not available on this host";
    default:
      return UNSUPPORTED[pkg.registryType] ?? `a ${pkg.registryType} package — Hearth can't run these`;
  }
}

function transportOf(t: ServerJsonPackage["transport"]): PackageTransport {
  if ((t.type === "streamable-http" || t.type === "sse") && t.url !== undefined) return { type: t.type, url: t.url };
  return { type: "stdio" };
}

/** normalisePackage derives a package's config form, its RunSpec and whether this host can run it. */
export function normalisePackage(
  pkg: ServerJsonPackage,
  pointer: string,
  host: HostCapabilities,
): { pkg: NormalisedPackage; warnings: string[] } {
  const { configSchema, launch, warnings } = buildPackageConfig(pkg, pointer);
  const reason = refusal(pkg, host);
  const out: NormalisedPackage = {
    registryType: pkg.registryType,
    identifier: pkg.identifier,
    transport: transportOf(pkg.transport),
    configSchema,
    launch,
    run: runFor(pkg, launch, host),
    deployable: reason === undefined,
  };
  if (pkg.version !== undefined) out.version = pkg.version;
  if (pkg.registryBaseUrl !== undefined) out.registryBaseUrl = pkg.registryBaseUrl;
  if (pkg.fileSha256 !== undefined) out.fileSha256 = pkg.fileSha256;
  if (pkg.runtimeHint !== undefined) out.runtimeHint = pkg.runtimeHint;
  if (reason !== undefined) out.notDeployableReason = reason;
  if (pkg.registryType === "npm" && (pkg.runtimeArguments?.length ?? 0) > 0) {
    warnings.push(`${pointer}: runtimeArguments are npx options; Hearth runs the package's bin directly and does not use them`);
  }
  return { pkg: out, warnings };
}
