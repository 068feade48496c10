import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { z } from "zod";

/**
 * The package cache on disk: `<cacheDir>/<kind>/<key>/` folders, each complete or absent. A folder
 * is built in `<cacheDir>/.staging/<pid>-<random>/`, its marker file is written last, and it is
 * renamed into place in one step, so a crash leaves only a staging folder (swept later) and never a
 * half folder under its final name. Two processes racing for one key both build; the first rename
 * wins and the loser throws its copy away.
 */

/** MARKER is the file that makes a cache folder complete; it is written after everything else. */
export const MARKER = ".hearth-install.json";

const EntrySchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("js"), path: z.string() }),
  z.object({ kind: z.literal("exec"), path: z.string() }),
  z.object({ kind: z.literal("runtime") }),
  z.object({ kind: z.literal("host"), command: z.string() }),
]);

/**
 * LaunchEntry is what starts an installed package, relative to its folder: a JS file for the
 * runtime, an executable file, the runtime itself (a bundle whose args name the script), or a host
 * command such as python3.
 */
export type LaunchEntry = z.infer<typeof EntrySchema>;

const MarkerSchema = z.object({
  v: z.literal(1),
  kind: z.enum(["npm", "tarball", "mcpb"]),
  name: z.string().optional(),
  version: z.string().optional(),
  sha256: z.string().optional(),
  entry: EntrySchema,
  installedAt: z.string(),
});

/** Marker is what a complete cache folder says about itself. */
export type Marker = z.infer<typeof MarkerSchema>;

const STALE_UNKNOWN_MS = 24 * 60 * 60 * 1000;

/** readMarker returns a folder's marker, or null when the folder is absent or incomplete. */
export function readMarker(dir: string): Marker | null {
  try {
    const parsed = MarkerSchema.safeParse(JSON.parse(readFileSync(join(dir, MARKER), "utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** makeStaging creates a fresh, private staging folder on the cache's own filesystem. */
export function makeStaging(cacheDir: string): string {
  const root = join(cacheDir, ".staging");
  mkdirSync(root, { recursive: true });
  return mkdtempSync(join(root, `${process.pid}-`));
}

/**
 * publish writes the marker into a finished staging folder and renames it to finalDir. It returns
 * "exists" when another installer got there first with a complete folder (ours is then removed).
 * A folder under the final name that has no marker is not complete: it is moved aside and replaced.
 */
export function publish(staging: string, finalDir: string, marker: Marker): "published" | "exists" {
  writeFileSync(join(staging, MARKER), JSON.stringify(marker));
  mkdirSync(dirname(finalDir), { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      renameSync(staging, finalDir);
      return "published";
    } catch (e) {
      const code = errnoOf(e);
      if (code !== "ENOTEMPTY" && code !== "EEXIST") throw e;
      if (readMarker(finalDir)) {
        removeQuietly(staging);
        return "exists";
      }
      if (attempt >= 3) throw e;
      moveAside(finalDir);
    }
  }
}

function moveAside(dir: string): void {
  const trash = join(dirname(dirname(dir)), ".staging", `trash-${process.pid}-${crypto.randomUUID()}`);
  try {
    renameSync(dir, trash);
  } catch (e) {
    // Someone else moved or replaced it first; the next rename attempt decides.
    if (errnoOf(e) !== "ENOENT") throw e;
    return;
  }
  removeQuietly(trash);
}

/**
 * sweepStaging removes staging folders whose installer process is gone (a crash or a kill), and
 * unrecognised ones older than a day. Folders of live processes, this one included, are left alone.
 */
export function sweepStaging(cacheDir: string): void {
  const root = join(cacheDir, ".staging");
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(root, name);
    const pid = Number(/^(?:trash-)?(\d+)-/.exec(name)?.[1] ?? Number.NaN);
    if (Number.isInteger(pid) ? pid !== process.pid && !pidAlive(pid) : olderThan(path, STALE_UNKNOWN_MS)) removeQuietly(path);
  }
}

/** removeQuietly deletes a folder tree, ignoring a folder that is already gone. */
export function removeQuietly(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true, maxRetries: 3 });
  } catch {
    // Best effort: a leftover staging folder is swept by the next install.
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errnoOf(e) === "EPERM";
  }
}

function olderThan(path: string, ms: number): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs > ms;
  } catch {
    return false;
  }
}

function errnoOf(e: unknown): string | undefined {
  return typeof e === "object" && e !== null && "code" in e ? String((e as { code: unknown }).code) : undefined;
}
