import { accessSync, constants, existsSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { AppError } from "../shared/app-error.ts";

// What Hearth itself writes at the top of the data dir. Anything else there (a backup, a note) is
// the operator's and is not checked: one root-owned file of theirs must not stop Hearth.
const OWN_ENTRIES = ["hearth.db", "hearth.db-wal", "hearth.db-shm", "logs.db", "logs.db-wal", "logs.db-shm", "packages", "artifacts", "sessions"];

/**
 * ensureDataDir creates the data dir if needed and checks that it, and every file Hearth keeps in
 * it, is writable, before anything is opened: a read-only or wrongly-owned volume then fails with
 * one line naming the fix, instead of SQLite's "attempt to write a readonly database" half-way
 * through start-up.
 */
export function ensureDataDir(dir: string): void {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) {
      throw new AppError("unavailable", `data dir ${dir} is a file, not a directory: pass --data with a directory path`);
    }
  } else {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (cause) {
      throw new AppError("unavailable", `cannot create data dir ${dir}: ${(cause as Error).message}; create it or pass another --data`, { cause });
    }
  }
  checkWritable(dir, dir, constants.R_OK | constants.W_OK | constants.X_OK);
  for (const name of OWN_ENTRIES) {
    const path = join(dir, name);
    if (existsSync(path)) checkWritable(dir, path, constants.R_OK | constants.W_OK);
  }
}

function checkWritable(dir: string, path: string, mode: number): void {
  try {
    accessSync(path, mode);
  } catch (cause) {
    throw notWritable(dir, path, cause as NodeJS.ErrnoException);
  }
}

function notWritable(dir: string, path: string, cause: NodeJS.ErrnoException): AppError {
  const what = path === dir ? `data dir ${dir}` : `${path} in the data dir`;
  if (cause.code === "EROFS") {
    return new AppError("unavailable", `${what} is on a read-only filesystem: mount it read-write (in a container, drop :ro from the volume) or pass another --data`, { cause });
  }
  const uid = process.getuid?.() ?? -1;
  const gid = process.getgid?.() ?? -1;
  const owner = statSync(path).uid;
  return new AppError(
    "unavailable",
    `${what} is owned by uid ${owner} and not writable by uid ${uid}, which Hearth runs as: chown -R ${uid}:${gid} ${dir}, or pass another --data`,
    { cause },
  );
}
