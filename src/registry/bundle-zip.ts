import type { Readable } from "node:stream";
import { posix } from "node:path";
import { openPromise, type Entry, type ZipFile } from "yauzl";
import { AppError } from "../shared/app-error.ts";

/** BundleFile is one file read out of a bundle, or why it could not be. */
type BundleFile = { kind: "file"; bytes: Uint8Array } | { kind: "missing" } | { kind: "link" } | { kind: "too_large"; size: number };

/** BundleZip reads single files of an open .mcpb by their path inside it, without unpacking it. */
export interface BundleZip {
  read(path: string, maxBytes: number): Promise<BundleFile>;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

function isLink(entry: Entry): boolean {
  const isUnix = entry.versionMadeBy >> 8 === 3;
  return isUnix && ((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK;
}

async function readAll(stream: Readable): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

/**
 * withBundleZip opens a bundle, indexes its entries by normalised path and hands `fn` a reader;
 * the zip is closed when `fn` settles. An unreadable zip is a 422 naming the file field.
 */
export async function withBundleZip<T>(path: string, fn: (zip: BundleZip) => Promise<T>): Promise<T> {
  const zip: ZipFile = await openPromise(path, { lazyEntries: true, autoClose: false, decodeStrings: true, validateEntrySizes: true }).catch((e: Error) => {
    throw new AppError("invalid", `the bundle is not a readable zip: ${e.message}`, { details: [{ pointer: "/file", message: "not a zip archive" }] });
  });
  try {
    const entries = new Map<string, Entry>();
    for await (const entry of zip.eachEntry()) {
      if (!entry.fileName.endsWith("/")) entries.set(posix.normalize(entry.fileName), entry);
    }
    return await fn({
      async read(name, maxBytes) {
        const entry = entries.get(posix.normalize(name));
        if (!entry) return { kind: "missing" };
        if (isLink(entry)) return { kind: "link" };
        if (entry.uncompressedSize > maxBytes) return { kind: "too_large", size: entry.uncompressedSize };
        // validateEntrySizes makes the stream fail if the entry holds more than it declares.
        return { kind: "file", bytes: await readAll(await zip.openReadStreamPromise(entry)) };
      },
    });
  } finally {
    zip.close();
  }
}
