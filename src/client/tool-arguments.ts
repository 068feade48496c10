// Turns `k=v` words from the command line into a tool's arguments, typed by its input schema:
// `count=3` is a number when the schema says so and stays the string "3" when it says string.
import { AppError, type AppErrorDetail } from "../shared/app-error.ts";
import { isRecord } from "./config-text.ts";

type Schema = Record<string, unknown>;

function typeOf(s: Schema | undefined): string | undefined {
  const t = s?.type;
  if (Array.isArray(t)) return t.find((x) => x !== "null") as string | undefined;
  if (typeof t === "string") return t;
  if (Array.isArray(s?.enum) && s.enum.every((v) => typeof v === "number")) return "number";
  return undefined;
}

function convert(key: string, raw: string, s: Schema | undefined): unknown {
  const type = typeOf(s);
  const fail = (what: string) => {
    throw new Error(`${key} must be ${what}, got ${JSON.stringify(raw)}`);
  };
  switch (type) {
    case "string":
      return raw;
    case "integer":
      return /^-?\d+$/.test(raw) ? Number(raw) : fail("an integer");
    case "number":
      return raw.trim() !== "" && Number.isFinite(Number(raw)) ? Number(raw) : fail("a number");
    case "boolean":
      if (/^(true|yes|1)$/i.test(raw)) return true;
      return /^(false|no|0)$/i.test(raw) ? false : fail("true or false");
    case "array":
    case "object":
      try {
        const v = JSON.parse(raw) as unknown;
        if (type === "array" ? Array.isArray(v) : isRecord(v)) return v;
      } catch {
        // a bare list below
      }
      // `tags=a,b` is the natural way to type a list of strings.
      if (type === "array" && typeOf(s?.items as Schema | undefined) !== "number") return raw.split(",");
      return fail(type === "array" ? "a JSON array" : "a JSON object");
    default:
      // No type to go by: JSON when it parses (numbers, true, {…}), else the text as typed.
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        return raw;
      }
  }
}

/** toolArguments builds and checks a tool call's arguments from `k=v` words. */
export function toolArguments(tool: string, pairs: string[], inputSchema: Schema | undefined): Record<string, unknown> {
  const props = isRecord(inputSchema?.properties) ? (inputSchema.properties as Record<string, Schema>) : {};
  const known = Object.keys(props);
  const out: Record<string, unknown> = {};
  const problems: AppErrorDetail[] = [];
  const given = new Set<string>();
  for (const pair of pairs) {
    const i = pair.indexOf("=");
    if (i <= 0) {
      problems.push({ pointer: pair, message: "expected key=value" });
      continue;
    }
    const key = pair.slice(0, i);
    given.add(key);
    if (!Object.hasOwn(props, key) && inputSchema?.additionalProperties === false) {
      problems.push({ pointer: key, message: `${tool} takes no argument ${key}; it takes: ${known.join(", ") || "none"}` });
      continue;
    }
    try {
      Object.defineProperty(out, key, { value: convert(key, pair.slice(i + 1), props[key]), enumerable: true, writable: true, configurable: true });
    } catch (e) {
      problems.push({ pointer: key, message: (e as Error).message });
    }
  }
  const required = Array.isArray(inputSchema?.required) ? (inputSchema.required as string[]) : [];
  for (const r of required) if (!given.has(r)) problems.push({ pointer: r, message: `is required (${r}=…)` });
  if (problems.length) throw new AppError("invalid", `the arguments don't fit ${tool}'s input schema:`, { details: problems });
  return out;
}
