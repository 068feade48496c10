import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { RunSpec } from "../registry/manifest.ts";
import { locateArtifact } from "./artifact.ts";
import { BUNDLE_DIR, bundleHostVars, readBundle } from "./bundle.ts";
import { cachedOrBuild } from "./cache-build.ts";
import { downloadOptions, toInstalled } from "./install-npm.ts";
import type { ResolvedInstallOptions } from "./install-options.ts";
import type { InstalledPackage } from "./installed-package.ts";
import { extractZip } from "./zip-extract.ts";
import { plural } from "../shared/plural.ts";

type BundleRun = Extract<RunSpec, { kind: "mcpb" }>;

/**
 * installBundle unpacks an .mcpb bundle (an upload on disk, or bundleUrl) into `mcpb/<sha256>/bundle`
 * after checking its sha256 when one was declared. Bundles carry their own node_modules, so nothing
 * is installed from a registry; the bundle's manifest.json says how to start it.
 */
export async function installBundle(run: BundleRun, o: ResolvedInstallOptions): Promise<InstalledPackage> {
  const src = o.artifactPath !== undefined ? { path: o.artifactPath } : { url: run.bundleUrl };
  o.onProgress?.({ phase: "resolving", message: "hashing the bundle" });
  const artifact = await locateArtifact({
    what: "the bundle",
    ...src,
    sha256: run.sha256,
    cacheDir: o.cacheDir,
    download: downloadOptions(o),
    signal: o.signal,
    onProgress: o.onProgress,
  });
  try {
    const result = await cachedOrBuild({ cacheDir: o.cacheDir, key: `mcpb/${artifact.sha256}`, signal: o.signal, onProgress: o.onProgress }, async (staging, ctx) => {
      const file = await artifact.open(ctx);
      ctx.progress({ phase: "extracting", message: "unpacking the bundle" });
      const dest = join(staging, BUNDLE_DIR);
      mkdirSync(dest);
      const entries = await extractZip(file, dest, undefined, ctx.signal);
      ctx.progress({ phase: "verifying", message: `unpacked ${plural(entries, "entry", "entries")}; reading manifest.json` });
      const { entry, name, version } = readBundle(staging, o.host);
      return { v: 1, kind: "mcpb", name, version, sha256: artifact.sha256, entry, installedAt: new Date().toISOString() };
    });
    const installed = toInstalled(result, o, true);
    // Read again on every call: the launch and the host check belong to this host, not to the cache.
    const { launch } = readBundle(result.dir, o.host);
    return { ...installed, hostVars: bundleHostVars(result.dir), launch };
  } finally {
    artifact.cleanup();
  }
}
