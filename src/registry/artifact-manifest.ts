import { inspectTarball } from "../installer/tarball.ts";
import { AppError } from "../shared/app-error.ts";
import { bundleIcon } from "./bundle-icon.ts";
import { withBundleZip, type BundleZip } from "./bundle-zip.ts";
import { stageArtifact, type StagedArtifact } from "./artifacts.ts";
import type { NormalisedManifest } from "./manifest.ts";
import { parseMcpbManifest } from "./manifest-mcpb.ts";
import { normaliseServerJson } from "./manifest-server-json.ts";

/** isPackageFile tells a bundle or tarball from a manifest by its file name. */
export function isPackageFile(filename: string | undefined): boolean {
  return /\.(mcpb|tgz|tar\.gz)$/i.test(filename ?? "");
}

const MAX_BUNDLE_MANIFEST = 1024 * 1024;

async function bundleManifestJson(zip: BundleZip): Promise<Uint8Array> {
  const f = await zip.read("manifest.json", MAX_BUNDLE_MANIFEST);
  if (f.kind === "too_large") throw new AppError("too_large", "the bundle's manifest.json is over 1 MiB");
  if (f.kind !== "file") throw new AppError("invalid", "the bundle has no manifest.json at its root", { details: [{ pointer: "/file", message: "manifest.json missing" }] });
  return f.bytes;
}

// The icon a bundle names is a file inside it: read now, as a data: URL, since pages can't load it from the zip.
async function readBundle(path: string, opts: { name?: string }): Promise<NormalisedManifest> {
  return withBundleZip(path, async (zip) => {
    const manifest = parseMcpbManifest(await bundleManifestJson(zip), { name: opts.name });
    const { icon, warnings } = await bundleIcon(manifest.raw, zip);
    return { ...manifest, ...(icon ? { icons: [icon] } : {}), warnings: [...manifest.warnings, ...warnings], ...(opts.name ? { name: opts.name } : {}) };
  });
}

function serverJsonForPackage(pkg: Record<string, unknown>, name: string | undefined): unknown {
  const qualified = name ?? (typeof pkg.mcpName === "string" ? pkg.mcpName : undefined);
  if (!qualified) {
    throw new AppError("invalid", "name the server: pass --name namespace/name (or set mcpName in package.json)", { details: [{ pointer: "/name", message: "missing" }] });
  }
  const description = typeof pkg.description === "string" && pkg.description.trim() ? pkg.description.trim().slice(0, 100) : `The ${String(pkg.name)} MCP server`;
  return {
    name: qualified,
    description,
    version: pkg.version,
    packages: [{ registryType: "npm", identifier: pkg.name, version: pkg.version, transport: { type: "stdio" } }],
  };
}

/**
 * manifestFromPackage publishes a package file on its own: an `npm pack` tarball becomes a
 * server.json for its package.json (the npm package runs from the uploaded file), and an .mcpb
 * bundle is read from its own manifest.json. The file is staged as the version's artifact (kept
 * only if the publish succeeds; removed here if the package can't be read).
 */
export async function manifestFromPackage(dataDir: string, bytes: Uint8Array, filename: string, opts: { name?: string }): Promise<{ manifest: NormalisedManifest; artifact: StagedArtifact }> {
  const artifact = await stageArtifact(dataDir, bytes);
  try {
    return { manifest: await readPackage(artifact.path, filename, opts), artifact };
  } catch (e) {
    artifact.discard();
    throw e;
  }
}

async function readPackage(path: string, filename: string, opts: { name?: string }): Promise<NormalisedManifest> {
  if (/\.mcpb$/i.test(filename)) return readBundle(path, opts);
  const info = await inspectTarball(path);
  const pkg = info.packageJson;
  if (!pkg || typeof pkg !== "object" || typeof (pkg as { name?: unknown }).name !== "string" || typeof (pkg as { version?: unknown }).version !== "string") {
    throw new AppError("invalid", "the tarball has no package.json with a name and version", { details: [{ pointer: "/file", message: "package/package.json missing or incomplete" }] });
  }
  return normaliseServerJson(serverJsonForPackage(pkg as Record<string, unknown>, opts.name));
}
