import { parseDocument } from "yaml";
import { AppError } from "../shared/app-error.ts";

/** MAX_MANIFEST_BYTES caps any manifest we read (1 MiB): real ones are under 64 KiB, and the cap keeps parsing cheap. */
export const MAX_MANIFEST_BYTES = 1024 * 1024;

/** MAX_MANIFEST_DEPTH caps nesting of objects and arrays; real manifests stay under 15 levels. */
export const MAX_MANIFEST_DEPTH = 64;

/** ManifestInput is what the parsers accept: text, or raw bytes that must be UTF-8. */
export type ManifestInput = string | Uint8Array;

function refuse(code: "invalid" | "too_large", message: string, sentence: string): AppError {
  return new AppError(code, message, { details: [{ pointer: "", message: sentence }] });
}

/** readManifestText checks the size limit before anything else, then decodes bytes as strict UTF-8. */
export function readManifestText(input: ManifestInput): string {
  const bytes = typeof input === "string" ? Buffer.byteLength(input, "utf8") : input.byteLength;
  if (bytes > MAX_MANIFEST_BYTES) {
    throw refuse(
      "too_large",
      "manifest is too large",
      `the manifest is ${bytes} bytes; the limit is ${MAX_MANIFEST_BYTES} bytes (1 MiB)`,
    );
  }
  if (typeof input === "string") return input.startsWith("\uFEFF") ? input.slice(1) : input;
  try {
    // fatal: true turns a bad byte into an error instead of a silent U+FFFD; the BOM is dropped.
    return new TextDecoder("utf-8", { fatal: true }).decode(input);
  } catch (cause) {
    throw new AppError("invalid", "manifest is not valid UTF-8", {
      cause,
      details: [{ pointer: "", message: "the file contains bytes that are not valid UTF-8 text" }],
    });
  }
}

/** jsonNestingDepth measures bracket depth outside strings, so hostile nesting is refused before JSON.parse recurses. */
export function jsonNestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return max;
}

function tooDeep(): AppError {
  return refuse(
    "invalid",
    "manifest is nested too deeply",
    `objects and arrays are nested more than ${MAX_MANIFEST_DEPTH} levels deep`,
  );
}

/** parseManifestJson reads a JSON manifest under the size, encoding and depth limits. */
export function parseManifestJson(input: ManifestInput): unknown {
  const text = readManifestText(input);
  if (jsonNestingDepth(text) > MAX_MANIFEST_DEPTH) throw tooDeep();
  try {
    return JSON.parse(text);
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new AppError("invalid", "manifest is not valid JSON", {
      cause,
      details: [{ pointer: "", message: `the file is not valid JSON: ${why}` }],
    });
  }
}

/** valueDepth measures nesting of an already-parsed value without recursion. */
export function valueDepth(value: unknown, stopAt = MAX_MANIFEST_DEPTH + 1): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop() as [unknown, number];
    if (typeof v !== "object" || v === null) continue;
    const here = d + 1;
    if (here > max) max = here;
    if (max >= stopAt) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, here]);
  }
  return max;
}

// Bracket depth over which a YAML text is refused unread: the scan also counts brackets inside
// block scalars and single-quoted text, so it is generous; the exact limit is checked after parsing.
const YAML_PRESCAN_DEPTH = MAX_MANIFEST_DEPTH * 4;

/** parseManifestYaml reads a YAML manifest under the same limits; YAML warnings come back as strings. */
export function parseManifestYaml(input: ManifestInput): { value: unknown; warnings: string[] } {
  const text = readManifestText(input);
  // The yaml parser recurses per flow level, so hostile `[[[[` would cost seconds before failing.
  if (jsonNestingDepth(text) > YAML_PRESCAN_DEPTH) throw tooDeep();
  let value: unknown;
  let warnings: string[];
  try {
    // maxAliasCount guards against alias "billion laughs"; duplicate keys are errors (uniqueKeys default).
    const doc = parseDocument(text, { prettyErrors: true });
    const first = doc.errors[0];
    if (first && /Maximum call stack/i.test(first.message)) throw tooDeep();
    if (first) {
      throw new AppError("invalid", "manifest is not valid YAML", {
        details: doc.errors.slice(0, 10).map((e) => ({ pointer: "", message: `YAML error: ${e.message}` })),
      });
    }
    warnings = doc.warnings.map((w) => `YAML: ${w.message}`);
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (cause) {
    if (cause instanceof AppError) throw cause;
    // A RangeError here means the parser itself ran out of stack: report it as nesting, not a crash.
    if (cause instanceof RangeError) throw tooDeep();
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new AppError("invalid", "manifest is not valid YAML", {
      cause,
      details: [{ pointer: "", message: `YAML error: ${why}` }],
    });
  }
  if (valueDepth(value) > MAX_MANIFEST_DEPTH) throw tooDeep();
  return { value, warnings };
}

/** isPlainObject narrows parsed JSON/YAML to a string-keyed object (not an array, not null). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** setOwn defines a data property even for keys like "__proto__", which plain assignment would treat as the prototype. */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
