import { lstatSync, readdirSync, readlinkSync, realpathSync } from "node:fs";
import { dirname, isAbsolute, join, posix, relative, resolve, sep } from "node:path";
import { AppError } from "../shared/app-error.ts";

/**
 * The rules every archive entry and every installed tree must follow: names stay inside the
 * folder they are unpacked into, and links never lead out of it. Archive names are checked as
 * text before anything is written; the finished tree is checked again on disk, where the kernel's
 * own resolution (realpath) is the judge, so a chain of links cannot get past a lexical check.
 */

/** archiveEntryProblem says why an archive entry name is unsafe, or returns undefined when it is fine. */
export function archiveEntryProblem(name: string): string | undefined {
  if (name.length === 0) return "has an empty name";
  if (name.includes("\0")) return "has a NUL character in its name";
  if (name.includes("\\")) return "has a backslash in its name";
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name)) return "has an absolute path";
  if (name.split("/").includes("..")) return "has a '..' path segment";
  return undefined;
}

/**
 * linkTargetProblem says why a symlink at archive path `name` pointing at `target` would lead out
 * of the archive root, or undefined when it stays inside (judged lexically, relative to the link).
 */
export function linkTargetProblem(name: string, target: string): string | undefined {
  if (target.length === 0) return "is a symlink with an empty target";
  if (target.includes("\0")) return "is a symlink whose target has a NUL character";
  if (posix.isAbsolute(target)) return `is a symlink to the absolute path ${JSON.stringify(target)}`;
  const joined = posix.normalize(posix.join(posix.dirname(name), target));
  if (joined === ".." || joined.startsWith("../")) return `is a symlink pointing out of the package (${JSON.stringify(target)})`;
  return undefined;
}

/** isInside says whether path is root itself or below it (both absolute and normalised). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

/** insidePath joins a checked archive name onto root and refuses anything that lands outside. */
export function insidePath(root: string, name: string): string {
  const path = resolve(root, name);
  if (!isInside(root, path)) throw new AppError("invalid", `archive entry ${JSON.stringify(name)} points outside the package`);
  return path;
}

/**
 * assertTreeInside walks a finished tree without following links and refuses it if any symlink
 * resolves (by the kernel, through any chain) outside root. Dangling links are judged by text.
 */
export function assertTreeInside(root: string, what: string): void {
  const realRoot = realpathSync(root);
  const stack = [realRoot];
  while (stack.length > 0) {
    const dir = stack.pop() as string;
    for (const ent of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, ent.name);
      if (ent.isDirectory()) stack.push(path);
      else if (ent.isSymbolicLink()) checkLink(realRoot, path, what);
      else if (!ent.isFile()) {
        throw new AppError("invalid", `${what} contains ${relative(realRoot, path)}, which is neither a file, a folder nor a link`);
      }
    }
  }
}

function checkLink(root: string, path: string, what: string): void {
  let target: string;
  try {
    target = realpathSync(path);
  } catch {
    target = resolve(dirname(path), readlinkSync(path));
  }
  if (!isInside(root, target)) {
    throw new AppError("invalid", `${what} contains a link ${relative(root, path)} that points outside its folder (${readlinkSync(path)})`);
  }
}

/** hasSymlinkAbove says whether any folder between root and path (exclusive) is a symlink. */
export function hasSymlinkAbove(root: string, path: string): boolean {
  let dir = dirname(path);
  while (dir !== root && isInside(root, dir)) {
    try {
      if (lstatSync(dir).isSymbolicLink()) return true;
    } catch {
      return false;
    }
    dir = dirname(dir);
  }
  return false;
}
