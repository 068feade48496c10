// The editable view of a client's config file that both the JSON and the TOML editors give.
import { AppError } from "../shared/app-error.ts";

/** ConfigText is a parsed config file that can be re-written with one key path changed. */
export interface ConfigText {
  /** get returns the value at a key path, or undefined. */
  get(path: string[]): unknown;
  /** with returns the whole file's new text with the path set to value (undefined removes it). */
  with(path: string[], value: unknown): string;
}

/** malformed is the refusal for a config file that doesn't parse: where, and that nothing changed. */
export function malformed(file: string, format: string, line: number, column: number, why: string): AppError {
  return new AppError("invalid", `${file} is not valid ${format} (line ${line}, column ${column}: ${why}); nothing was changed — fix the file and run this again`, {
    extra: { file, line, column },
  });
}

/** lineColumn turns a character offset into 1-based line and column numbers. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}

/** isRecord is true for `{}`-style objects (not arrays, not null). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** valueAt walks a key path through nested objects. */
export function valueAt(root: unknown, path: string[]): unknown {
  let v = root;
  for (const k of path) {
    if (!isRecord(v) || !Object.hasOwn(v, k)) return undefined;
    v = v[k];
  }
  return v;
}
