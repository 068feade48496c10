import { createWriteStream, mkdirSync, symlinkSync } from "node:fs";
import { dirname } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { openPromise, type Entry, type ZipFile } from "yauzl";
import { AppError } from "../shared/app-error.ts";
import { archiveEntryProblem, assertTreeInside, hasSymlinkAbove, insidePath, linkTargetProblem } from "./path-safety.ts";

/** ZipLimits bound what one archive may unpack to. */
export interface ZipLimits {
  maxEntries: number;
  maxUnpackedBytes: number;
}

/** DEFAULT_ZIP_LIMITS suit .mcpb bundles, which carry their node_modules. */
export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxEntries: 100_000, maxUnpackedBytes: 1024 * 1024 * 1024 };

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const MAX_LINK_TARGET = 4096;

/**
 * extractZip unpacks a zip into dest (which must exist and be empty), refusing the whole archive
 * on any entry that is absolute, has a `..` segment, is a duplicate, a device, or a link leading
 * out. yauzl checks names and sizes itself; the checks here repeat them in Hearth's words. Links
 * are made only after every file is written, so no file is ever written through one, and the
 * finished tree is checked on disk so a chain of links cannot escape either.
 */
export async function extractZip(zipPath: string, dest: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS, signal?: AbortSignal): Promise<number> {
  let zip: ZipFile;
  try {
    zip = await openPromise(zipPath, { lazyEntries: true, autoClose: false, decodeStrings: true, validateEntrySizes: true, strictFileNames: true });
  } catch (e) {
    throw refusal(e);
  }
  try {
    if (zip.entryCount > limits.maxEntries) throw new AppError("too_large", `the archive has ${zip.entryCount} entries, over ${limits.maxEntries}`);
    const links: { name: string; target: string }[] = [];
    let total = 0;
    let count = 0;
    for await (const entry of zip.eachEntry()) {
      signal?.throwIfAborted();
      count++;
      total += entry.uncompressedSize;
      if (total > limits.maxUnpackedBytes) throw new AppError("too_large", `the archive unpacks to more than ${limits.maxUnpackedBytes} bytes`);
      const link = await writeEntry(zip, entry, dest);
      if (link) links.push(link);
    }
    for (const { name, target } of links) {
      const path = insidePath(dest, name);
      if (hasSymlinkAbove(dest, path)) refuse(name, "is a link placed under another link");
      mkdirSync(dirname(path), { recursive: true });
      symlinkSync(target, path);
    }
    assertTreeInside(dest, "the archive");
    return count;
  } catch (e) {
    throw refusal(e);
  } finally {
    zip.close();
  }
}

async function writeEntry(zip: ZipFile, entry: Entry, dest: string): Promise<{ name: string; target: string } | undefined> {
  const name = entry.fileName.replace(/\/+$/, "");
  const problem = archiveEntryProblem(name);
  if (problem) refuse(entry.fileName, problem);
  const isUnix = entry.versionMadeBy >> 8 === 3;
  const mode = isUnix ? (entry.externalFileAttributes >>> 16) & 0xffff : 0;
  const type = mode & S_IFMT;
  const isDir = entry.fileName.endsWith("/") || type === S_IFDIR;
  const path = insidePath(dest, name);
  if (isDir) {
    mkdirSync(path, { recursive: true });
    return undefined;
  }
  if (type !== 0 && type !== S_IFREG && type !== S_IFLNK) refuse(entry.fileName, "is a device, fifo or socket");
  if (type === S_IFLNK) {
    if (entry.uncompressedSize > MAX_LINK_TARGET) refuse(entry.fileName, "is a link with an over-long target");
    const target = (await readAll(await zip.openReadStreamPromise(entry))).toString("utf8");
    const linkProblem = linkTargetProblem(name, target);
    if (linkProblem) refuse(entry.fileName, linkProblem);
    return { name, target };
  }
  mkdirSync(dirname(path), { recursive: true });
  const executable = (mode & 0o111) !== 0;
  // "wx": a second entry with the same name is refused instead of silently replacing the first.
  const out = createWriteStream(path, { flags: "wx", mode: executable ? 0o755 : 0o644 });
  await pipeline(await zip.openReadStreamPromise(entry), out);
  return undefined;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function refuse(name: string, why: string): never {
  throw new AppError("invalid", `refusing the archive: entry ${JSON.stringify(name)} ${why}`, { extra: { entry: name } });
}

function refusal(e: unknown): AppError {
  if (e instanceof AppError) return e;
  if (typeof e === "object" && e !== null && (e as { code?: string }).code === "EEXIST") {
    return new AppError("invalid", "refusing the archive: it holds the same file twice", { cause: e });
  }
  if (e instanceof Error && e.name === "AbortError") return new AppError("unavailable", "the install was cancelled", { cause: e, extra: { cancelled: true } });
  const message = e instanceof Error ? e.message : String(e);
  return new AppError("invalid", `refusing the archive: ${message}`, { cause: e });
}
