import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { extract, type Extract, type Header } from "tar-stream";
import { AppError } from "../shared/app-error.ts";
import { archiveEntryProblem, linkTargetProblem } from "./path-safety.ts";

/** TarballLimits bound what one tarball may unpack to (a gzip bomb stops here, not on disk). */
export interface TarballLimits {
  maxEntries: number;
  maxUnpackedBytes: number;
}

/** DEFAULT_TARBALL_LIMITS are generous for npm packages (the largest real ones are a few hundred MB). */
export const DEFAULT_TARBALL_LIMITS: TarballLimits = { maxEntries: 100_000, maxUnpackedBytes: 1024 * 1024 * 1024 };

/** TarballInfo is what checking a tarball learned: its package.json, parsed. */
export interface TarballInfo {
  packageJson: unknown;
  entries: number;
  /** files holds the text of each file asked for by name (relative to the package root) that is there. */
  files: Record<string, string>;
}

const MAX_PACKAGE_JSON = 1024 * 1024;
const ALLOWED = new Set<Header["type"]>(["file", "contiguous-file", "directory", "symlink", "link"]);

/**
 * inspectTarball reads an npm-style tarball (gzip or plain) end to end and refuses it if any entry
 * has an absolute path or a `..` segment, is a link leading out of the package, or is a device or
 * fifo. It does not write anything: bun install unpacks the file once it has passed. Reading with
 * tar-stream rather than trusting bun alone: bun skips such entries silently, and Hearth must say no.
 */
export async function inspectTarball(path: string, limits: TarballLimits = DEFAULT_TARBALL_LIMITS, also: string[] = []): Promise<TarballInfo> {
  const input = await openInput(path);
  const ex = extract();
  const feeding = feed(input, ex, limits.maxUnpackedBytes + 1024 * 1024);
  let entries = 0;
  let total = 0;
  let packageJson: string | undefined;
  const files: Record<string, string> = {};
  let top: string | undefined;
  let failure: unknown;
  try {
    for await (const entry of ex) {
      const h = entry.header;
      entries++;
      if (entries > limits.maxEntries) throw new AppError("too_large", `the tarball has more than ${limits.maxEntries} entries`);
      total += h.size ?? 0;
      if (total > limits.maxUnpackedBytes) throw new AppError("too_large", `the tarball unpacks to more than ${limits.maxUnpackedBytes} bytes`);
      checkEntry(h);
      const name = h.name.replace(/^\.\//, "").replace(/\/+$/, "");
      top ??= name.split("/")[0];
      if (h.type === "file" && name === `${top}/package.json` && packageJson === undefined) {
        if ((h.size ?? 0) > MAX_PACKAGE_JSON) throw new AppError("too_large", "the tarball's package.json is over 1 MiB");
        const chunks: Buffer[] = [];
        for await (const c of entry) chunks.push(c as Buffer);
        packageJson = Buffer.concat(chunks).toString("utf8");
      } else if (h.type === "file" && top !== undefined && also.includes(name.slice(top.length + 1)) && (h.size ?? 0) <= MAX_PACKAGE_JSON) {
        const chunks: Buffer[] = [];
        for await (const c of entry) chunks.push(c as Buffer);
        files[name.slice(top.length + 1)] = Buffer.concat(chunks).toString("utf8");
      } else {
        for await (const _ of entry) void _;
      }
    }
  } catch (e) {
    failure = e;
  } finally {
    input.destroy();
    ex.destroy();
  }
  // The feeder's limit error is the real cause when the parser stopped because of it.
  const fed = await feeding;
  if (fed) throw fed;
  if (failure instanceof AppError) throw failure;
  if (failure !== undefined) {
    const why = failure instanceof Error ? failure.message : String(failure);
    throw new AppError("invalid", `the file is not a valid tarball: ${why}`, { cause: failure });
  }
  if (entries === 0) throw new AppError("invalid", "the file is not a valid tarball: it has no entries");
  if (packageJson === undefined) throw new AppError("invalid", "the tarball is not an npm package: it has no package.json in its top folder");
  try {
    return { packageJson: JSON.parse(packageJson) as unknown, entries, files };
  } catch (e) {
    throw new AppError("invalid", "the tarball's package.json is not valid JSON", { cause: e });
  }
}

// The file, inflated when gzipped, as one readable whose errors include the file's own.
async function openInput(path: string): Promise<Readable> {
  const file = createReadStream(path);
  if (!(await isGzip(path))) return file;
  const gunzip = createGunzip();
  file.on("error", (e) => gunzip.destroy(e));
  return file.pipe(gunzip);
}

// Writes the inflated bytes into the tar parser with backpressure; stops a gzip bomb at `max`.
// Returns the limit error (if any) instead of throwing, so the caller decides which error wins.
async function feed(input: Readable, ex: Extract, max: number): Promise<AppError | undefined> {
  let seen = 0;
  try {
    for await (const chunk of input) {
      if (ex.destroyed) return undefined;
      seen += (chunk as Buffer).length;
      if (seen > max) {
        const err = new AppError("too_large", `the tarball unpacks to more than ${max} bytes`);
        ex.destroy(err);
        return err;
      }
      if (!ex.write(chunk as Buffer)) await drainOrClose(ex);
    }
    ex.end(undefined);
  } catch (e) {
    ex.destroy(e as Error);
  }
  return undefined;
}

function checkEntry(h: Header): void {
  const name = h.name;
  const refuse = (why: string): never => {
    throw new AppError("invalid", `refusing the tarball: entry ${JSON.stringify(name)} ${why}`, { extra: { entry: name } });
  };
  if (!ALLOWED.has(h.type)) refuse(`is a ${h.type ?? "special file"}, not a file, folder or link`);
  const problem = archiveEntryProblem(name);
  if (problem) refuse(problem);
  if (h.type === "symlink") {
    const linkProblem = linkTargetProblem(name, h.linkname ?? "");
    if (linkProblem) refuse(linkProblem);
  }
  if (h.type === "link") {
    // A hard link names another archive path; it must be as safe as a file name.
    const target = h.linkname ?? "";
    const linkProblem = archiveEntryProblem(target);
    if (linkProblem) refuse(`is a hard link to ${JSON.stringify(target)}, which ${linkProblem}`);
  }
}

async function isGzip(path: string): Promise<boolean> {
  const head = new Uint8Array(await Bun.file(path).slice(0, 2).arrayBuffer());
  return head[0] === 0x1f && head[1] === 0x8b;
}

function drainOrClose(ex: Extract): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      ex.off("drain", done);
      ex.off("close", done);
      resolve();
    };
    ex.on("drain", done);
    ex.on("close", done);
  });
}
