// Adds and removes one server entry in an MCP client's config file: the file is backed up first,
// every other entry is kept, the write is atomic, and repeating an install changes nothing.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { AppError } from "../shared/app-error.ts";
import type { ClientShape } from "./client-entries.ts";
import type { ConfigText } from "./config-text.ts";
import { parseJsonConfig } from "./json-config.ts";
import { parseTomlConfig } from "./toml-config.ts";

/** EntryEdit says which entry to change in which file, and how to recognise one Hearth wrote. */
export interface EntryEdit {
  shape: ClientShape;
  file: string;
  name: string;
  /** ours is true for an existing entry that points at the same hosted server. */
  ours: (existing: unknown) => boolean;
  /** force replaces or removes an entry of that name even when it isn't ours. */
  force?: boolean;
}

/** EditResult is what happened to the file. */
export interface EditResult {
  status: "added" | "replaced" | "unchanged" | "removed" | "absent";
  /** backup is the copy of the file as it was before this change, when there was one. */
  backup?: string;
}

/** REMOVED_KEY replaces an uninstalled entry's key in the backup. */
const REMOVED_KEY = "REMOVED_BY_HEARTH_UNINSTALL";

/** backupPath is where the file's previous content is kept. */
export const backupPath = (file: string): string => `${file}.hearth-backup`;

function load(e: EntryEdit): { text: string; config: ConfigText; exists: boolean } {
  const exists = existsSync(e.file);
  let text = "";
  if (exists) {
    try {
      text = readFileSync(e.file, "utf8");
    } catch (cause) {
      throw new AppError("unavailable", `${e.file} can't be read: ${(cause as Error).message}`, { cause });
    }
  }
  const config = e.shape.format === "toml" ? parseTomlConfig(text, e.file) : parseJsonConfig(text, e.file);
  return { text, config, exists };
}

// Client files hold API keys: the file and its backup are the user's alone (0600), whatever they were.
const MODE = 0o600;

function writeAtomically(file: string, text: string): void {
  // Write beside, then rename: a crash mid-write never leaves the client a half-written file.
  const tmp = `${file}.hearth-tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode: MODE });
  chmodSync(tmp, MODE);
  renameSync(tmp, file);
}

function save(file: string, text: string, previous: string | undefined): string | undefined {
  mkdirSync(dirname(file), { recursive: true });
  let backup: string | undefined;
  if (previous !== undefined) {
    backup = backupPath(file);
    writeAtomically(backup, previous);
  }
  writeAtomically(file, text);
  return backup;
}

/** readEntry is the entry of that name in the file now, or undefined (a malformed file is refused). */
export function readEntry(e: EntryEdit): unknown {
  if (!existsSync(e.file)) return undefined;
  return load(e).config.get([...e.shape.section, e.name]);
}

function conflict(e: EntryEdit, verb: string): AppError {
  return new AppError("conflict", `${e.file} already has a server named "${e.name}" that isn't this Hearth server; ${verb} it with --force, or pick another name with --name`);
}

/** installEntry puts the entry in the file under the client's section, keeping everything else. */
export function installEntry(e: EntryEdit, entry: Record<string, unknown>): EditResult {
  const { text, config, exists } = load(e);
  const path = [...e.shape.section, e.name];
  const existing = config.get(path);
  if (existing !== undefined && Bun.deepEquals(existing, entry)) return { status: "unchanged" };
  if (existing !== undefined && !e.ours(existing) && !e.force) throw conflict(e, "replace");
  const next = config.with(path, entry);
  if (next === text) return { status: "unchanged" };
  return { status: existing === undefined ? "added" : "replaced", backup: save(e.file, next, exists ? text : undefined) };
}

/**
 * uninstallEntry removes the entry, leaving every other entry (and an empty section) in place. The
 * secrets given (the entry's key) are blanked in the backup too, so no copy of them stays behind.
 */
export function uninstallEntry(e: EntryEdit, secrets: string[] = []): EditResult {
  if (!existsSync(e.file)) return { status: "absent" };
  const { config, text } = load(e);
  const path = [...e.shape.section, e.name];
  const existing = config.get(path);
  if (existing === undefined) return { status: "absent" };
  if (!e.ours(existing) && !e.force) throw conflict(e, "remove");
  const previous = secrets.reduce((t, s) => (s ? t.replaceAll(s, REMOVED_KEY) : t), text);
  return { status: "removed", backup: save(e.file, config.with(path, undefined), previous) };
}
