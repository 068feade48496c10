import { existsSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { AppError } from "../shared/app-error.ts";
import type { BuildContext } from "./cache-build.ts";
import { checkSha256, download, fileSha256, type DownloadOptions } from "./download.ts";
import { makeStaging, removeQuietly } from "./package-cache.ts";

/** ArtifactSource is a file an install starts from: uploaded to disk, or at a URL, maybe with its hash. */
export interface ArtifactSource {
  /** what names it in messages: "the tarball", "the bundle". */
  what: string;
  path?: string;
  url?: string;
  sha256?: string;
  cacheDir: string;
  download: Omit<DownloadOptions, "onBytes" | "signal">;
  signal?: AbortSignal;
  onProgress?: BuildContext["progress"];
}

/**
 * Artifact is a located file with a known sha256 (the cache key): `open` yields a path to read
 * during a build, downloading into the build's scratch folder when only the URL and hash are known.
 */
export interface Artifact {
  sha256: string;
  open(ctx: BuildContext): Promise<string>;
  cleanup(): void;
}

const SHA256 = /^[0-9a-fA-F]{64}$/;

/**
 * locateArtifact finds the content hash an install is keyed by, touching the network only when it
 * must: an uploaded file is hashed on disk; a URL with a declared hash is not fetched until a build
 * needs it (so a cached folder installs offline); a URL without one is downloaded first.
 */
export async function locateArtifact(src: ArtifactSource): Promise<Artifact> {
  if (src.sha256 !== undefined && !SHA256.test(src.sha256)) throw new AppError("invalid", `${src.what}'s sha256 must be 64 hex digits`);
  if (src.path !== undefined) {
    const path = src.path;
    if (!existsSync(path) || !statSync(path).isFile()) throw new AppError("invalid", `${src.what} ${path} is not a file`);
    const sha256 = await fileSha256(path);
    checkSha256(src.what, src.sha256, sha256);
    return { sha256, open: async () => path, cleanup: () => {} };
  }
  const url = src.url;
  if (url === undefined) throw new AppError("invalid", `${src.what} has neither an uploaded file nor a URL`);
  if (src.sha256 !== undefined) {
    const expected = src.sha256.toLowerCase();
    const open = async (ctx: BuildContext): Promise<string> => {
      mkdirSync(ctx.scratch, { recursive: true });
      const dest = join(ctx.scratch, "artifact");
      const got = await fetchTo(src, url, dest, ctx.signal, ctx.progress);
      checkSha256(src.what, expected, got);
      return dest;
    };
    return { sha256: expected, open, cleanup: () => {} };
  }
  const tmp = makeStaging(src.cacheDir);
  try {
    const dest = join(tmp, "artifact");
    const sha256 = await fetchTo(src, url, dest, src.signal, src.onProgress ?? (() => {}));
    return { sha256, open: async () => dest, cleanup: () => removeQuietly(tmp) };
  } catch (e) {
    removeQuietly(tmp);
    throw e;
  }
}

async function fetchTo(src: ArtifactSource, url: string, dest: string, signal: AbortSignal | undefined, progress: BuildContext["progress"]): Promise<string> {
  progress({ phase: "downloading", message: url });
  const r = await download(url, dest, {
    ...src.download,
    ...(signal ? { signal } : {}),
    onBytes: (bytes, total) => progress({ phase: "downloading", bytes, ...(total ? { percent: Math.floor((bytes / total) * 100) } : {}) }),
  });
  return r.sha256;
}
