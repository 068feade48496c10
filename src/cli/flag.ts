// Command flags are zod schemas: a command's flags are a zod shape, so `run` gets the parsed,
// typed values. What --help and the argv reader need to know about a flag (its help line, whether
// it takes a value, what it accepts) rides beside each schema in a zod registry.
import { z } from "zod";

/** FlagKind is how a flag appears on the command line: with one value, with none, or repeated. */
export type FlagKind = "string" | "boolean" | "list";

/** FlagInfo is what --help and the error messages say about one flag. */
export interface FlagInfo {
  kind: FlagKind;
  help: string;
  defaultText?: string;
  required?: boolean;
  /** accepts completes "give …" in an error message, e.g. "a whole number from 1 to 100". */
  accepts: string;
}

// Every flag schema the helpers below make, with what help and errors say about it.
const flagInfo = z.registry<FlagInfo>();

/** FlagShape is a command's flags: flag name (without --) to its schema. */
export type FlagShape = Record<string, z.ZodType>;

/** infoOf is the FlagInfo of a flag schema; a schema made without these helpers is a programming error. */
export function infoOf(name: string, schema: z.ZodType): FlagInfo {
  const info = flagInfo.get(schema);
  if (!info) throw new Error(`flag --${name} was not declared with a helper from src/cli/flag.ts`);
  return info;
}

interface Texts {
  defaultText?: string;
  accepts?: string;
}

/** textFlag takes one value, any text; undefined when not given. */
export function textFlag(help: string, o: Texts = {}) {
  return z.string().optional().register(flagInfo, { kind: "string", help, defaultText: o.defaultText, accepts: o.accepts ?? "a value" });
}

/** requiredFlag takes one value, any text, and must be given. */
export function requiredFlag(help: string, o: Texts = {}) {
  return z.string().register(flagInfo, { kind: "string", help, required: true, accepts: o.accepts ?? "a value" });
}

/** switchFlag is on when given; `--flag=false` (any z.stringbool spelling) says so explicitly. */
export function switchFlag(help: string, defaultText?: string) {
  return z.stringbool().default(false).register(flagInfo, { kind: "boolean", help, defaultText, accepts: "no value, or =true / =false (yes/no, on/off, 1/0)" });
}

/** listFlag may be given many times; its values in order. */
export function listFlag(help: string) {
  return z.array(z.string()).default([]).register(flagInfo, { kind: "list", help, accepts: "a value" });
}

/** choiceFlag takes one of a few words. */
export function choiceFlag<const V extends readonly [string, ...string[]]>(help: string, values: V, fallback: V[number]) {
  const accepts = values.length === 1 ? values[0] : `${values.slice(0, -1).join(", ")} or ${values.at(-1)}`;
  return z.enum(values).default(fallback).register(flagInfo, { kind: "string", help, defaultText: fallback, accepts });
}

/** wholeNumberFlag takes a whole number in [min, max]. */
export function wholeNumberFlag(help: string, min: number, max: number, fallback: number) {
  const n = z
    .string()
    .regex(/^\d+$/)
    .transform(Number)
    .pipe(z.number().min(min).max(max));
  return n.default(fallback).register(flagInfo, { kind: "string", help, defaultText: String(fallback), accepts: `a whole number from ${min} to ${max}` });
}

/**
 * parsedFlag takes one value that `parse` turns into T, or undefined when the text is not one;
 * for the few flags with their own little grammar (durations, expiry dates).
 */
export function parsedFlag<T>(help: string, accepts: string, parse: (text: string) => T | undefined, defaultText?: string) {
  const schema = z.string().transform((text, c): T => {
    const v = parse(text);
    if (v !== undefined) return v;
    c.addIssue({ code: "custom", message: accepts });
    return z.NEVER;
  });
  return schema.optional().register(flagInfo, { kind: "string", help, defaultText, accepts });
}
