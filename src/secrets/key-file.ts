import { closeSync, fsyncSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { AppError } from "../shared/app-error.ts";
import { formatKey, parseKeyList } from "./key-material.ts";

/** KEY_FILE is the key file's name inside the data dir. */
export const KEY_FILE = "secret.key";

/** keyFilePath is where an instance's key file lives. */
export function keyFilePath(dataDir: string): string {
  return join(dataDir, KEY_FILE);
}

/** readKeyFile reads the key file's keys (first = current), refusing one other users can read. */
export function readKeyFile(path: string): Buffer[] {
  const st = statSync(path);
  if (!st.isFile()) throw new AppError("unavailable", `${path} is not a regular file: move it aside so Hearth can create its key file, or set HEARTH_SECRET_KEY`);
  // Like ssh with private keys: a key others can read is no secret, so refuse rather than warn.
  if ((st.mode & 0o077) !== 0) {
    throw new AppError("unavailable", `the secret key file ${path} is readable by other users (mode ${(st.mode & 0o777).toString(8)}): run \`chmod 600 ${path}\``);
  }
  const parsed = parseKeyList(readFileSync(path, "utf8"));
  if (!parsed.ok) throw new AppError("unavailable", `the secret key file ${path} is not valid: ${parsed.reason}; restore it from a backup`);
  return parsed.keys;
}

/**
 * writeKeyFile replaces the key file atomically: a 0600 temp file beside it, fsynced, renamed over
 * it. A crash leaves the old file or the new one, never half of either. `exclusive` refuses to
 * replace an existing file (first run racing another process).
 */
export function writeKeyFile(path: string, keys: Buffer[], opts: { exclusive?: boolean } = {}): void {
  const text = keys.map(formatKey).join("\n") + "\n";
  if (opts.exclusive) {
    const fd = openSync(path, "wx", 0o600);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return;
  }
  const tmp = join(dirname(path), `.${KEY_FILE}.${process.pid}.${Date.now()}.tmp`);
  const fd = openSync(tmp, "wx", 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(tmp);
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
}

/**
 * keyFileWatcher returns a reader for Keyring's reload: it gives the file's keys when its text
 * changed since the last look (else undefined), so a running server follows `hearth secrets
 * rotate` without a restart. Comparing text, not inode or mtime: a rename can reuse both.
 */
export function keyFileWatcher(path: string): () => Buffer[] | undefined {
  const read = () => {
    try {
      return readFileSync(path, "utf8");
    } catch {
      return undefined;
    }
  };
  let seen = read();
  return () => {
    const now = read();
    if (now === undefined || now === seen) return undefined;
    seen = now;
    return readKeyFile(path);
  };
}
