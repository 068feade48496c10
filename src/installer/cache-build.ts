import { join } from "node:path";
import { shareInFlight } from "./in-flight.ts";
import type { InstallProgress } from "./install-options.ts";
import { makeStaging, publish, readMarker, removeQuietly, type Marker } from "./package-cache.ts";
import { assertTreeInside } from "./path-safety.ts";

/** BuildContext is what a build step gets: the shared install's abort signal and progress. */
export interface BuildContext {
  signal: AbortSignal;
  progress: (p: InstallProgress) => void;
  /** scratch is a folder inside staging for downloads and throwaway files; it is gone before publishing. */
  scratch: string;
}

/** CacheRequest names one cache folder and the caller waiting for it. */
export interface CacheRequest {
  cacheDir: string;
  /** key is the folder's path under cacheDir, e.g. `npm/@scope+name@1.2.3` or `tgz/<sha256>`. */
  key: string;
  signal?: AbortSignal;
  onProgress?: (p: InstallProgress) => void;
}

/** CacheResult is a complete folder and whether it was there before this call. */
export interface CacheResult {
  dir: string;
  marker: Marker;
  cached: boolean;
}

const SCRATCH = ".hearth-tmp";

/**
 * cachedOrBuild returns the complete folder for a key, building it when absent: offline and at
 * once when its marker is there; otherwise one build per key in this process (later callers join
 * it), in a private staging folder that is checked, published by rename, and never left behind.
 */
export async function cachedOrBuild(req: CacheRequest, build: (staging: string, ctx: BuildContext) => Promise<Marker>): Promise<CacheResult> {
  const dir = join(req.cacheDir, req.key);
  const hit = readMarker(dir);
  if (hit) {
    req.onProgress?.({ phase: "done", message: "already installed" });
    return { dir, marker: hit, cached: true };
  }
  return shareInFlight<CacheResult, InstallProgress>(`${req.cacheDir}\0${req.key}`, req, async (signal, progress) => {
    const again = readMarker(dir);
    if (again) return { dir, marker: again, cached: true };
    const staging = makeStaging(req.cacheDir);
    try {
      const marker = await build(staging, { signal, progress, scratch: join(staging, SCRATCH) });
      signal.throwIfAborted();
      removeQuietly(join(staging, SCRATCH));
      progress({ phase: "verifying", message: "checking that no link leads out of the package" });
      assertTreeInside(staging, "the installed package");
      const outcome = publish(staging, dir, marker);
      const final = outcome === "exists" ? (readMarker(dir) ?? marker) : marker;
      progress({ phase: "done", message: outcome === "exists" ? "another installer finished first" : "installed" });
      return { dir, marker: final, cached: false };
    } finally {
      // After a successful rename the staging path no longer exists, and this is a no-op.
      removeQuietly(staging);
    }
  });
}
