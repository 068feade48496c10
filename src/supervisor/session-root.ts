import { chmodSync, lstatSync, mkdirSync } from "node:fs";

/**
 * Where session work dirs live. A work dir is a child's HOME and cwd (and TMPDIR without the
 * sandbox), so programs put Unix sockets under it — Chromium's SingletonSocket, say — and a socket
 * path must fit in sun_path's 108 bytes. Under a deep data dir
 * (`/home/me/projects/…/hearth-data/sessions/<uuid>/org.chromium.Chromium.XXXXXX/SingletonSocket`)
 * it does not, so work dirs go to a short root in /tmp owned by Hearth's uid instead.
 */

/** SessionRoot is the directory chosen for work dirs, and why the short one was not used (if so). */
export interface SessionRoot {
  path: string;
  fallbackReason?: string;
}

/**
 * sessionRoot returns `<base>/hearth-<uid>` (base /tmp; made 0700 if missing), or `fallback` when that path is
 * not a real directory of Hearth's own uid: /tmp is shared, and another user could have put a
 * symlink or their own directory there to read or plant files in servers' homes.
 */
export function sessionRoot(fallback: string, base = "/tmp"): SessionRoot {
  const uid = process.getuid?.() ?? 0;
  const path = `${base}/hearth-${uid}`;
  try {
    mkdirSync(path, { mode: 0o700 });
  } catch (e) {
    if ((e as { code?: string }).code !== "EEXIST") return { path: fallback, fallbackReason: `could not create ${path}: ${(e as Error).message}` };
  }
  try {
    const st = lstatSync(path);
    if (!st.isDirectory()) return { path: fallback, fallbackReason: `${path} is not a directory (a symlink?)` };
    if (st.uid !== uid) return { path: fallback, fallbackReason: `${path} belongs to uid ${st.uid}, not Hearth's ${uid}` };
    if ((st.mode & 0o077) !== 0) chmodSync(path, 0o700);
    return { path };
  } catch (e) {
    return { path: fallback, fallbackReason: `could not check ${path}: ${(e as Error).message}` };
  }
}

/** workDirName is a session work dir's name: 12 hex characters of the lease id (48 random bits), not the 36 of a UUID. */
export function workDirName(leaseId: string): string {
  return leaseId.replace(/-/g, "").slice(0, 12);
}
