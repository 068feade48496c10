// Splitting argv into flag values and positionals, strictly. node:util's parseArgs tokenizes; its
// own strict mode is not used because its errors are several lines, say nothing of what a flag
// accepts, and refuse `--switch=false`. What a value means is left to the flags' zod schemas.
import { parseArgs } from "node:util";
import type { FlagKind } from "./flag.ts";
import { UsageError } from "./usage-error.ts";

/** ArgvFlag is what the reader needs of a flag: how it takes values, and for errors what it accepts. */
export interface ArgvFlag {
  kind: FlagKind;
  accepts: string;
}

/** RawArgs is argv split up: each given flag's text (a list for list flags), and the positionals. */
export interface RawArgs {
  values: Record<string, string | string[]>;
  positionals: string[];
}

/** readArgv splits argv for the flags given; unknown flags and missing values are UsageErrors. */
export function readArgv(argv: string[], flags: Map<string, ArgvFlag>, command: string): RawArgs {
  const hint = `run \`hearth ${command} --help\` for the flags`;
  const options: Record<string, { type: "string" | "boolean"; multiple?: boolean }> = {};
  for (const [name, f] of flags) options[name] = { type: f.kind === "boolean" ? "boolean" : "string", multiple: f.kind === "list" };
  const { tokens } = parseArgs({ args: argv, options, strict: false, allowPositionals: true, tokens: true });
  const values: RawArgs["values"] = {};
  const positionals: string[] = [];
  for (const t of tokens) {
    if (t.kind === "positional") positionals.push(t.value);
    if (t.kind !== "option") continue;
    const f = flags.get(t.name);
    if (!f) throw new UsageError(`Unknown option '${t.rawName}'; ${hint}`);
    if (f.kind === "boolean") {
      values[t.name] = t.value ?? "true";
      continue;
    }
    // parseArgs takes the next word as the value even when it is another flag: that is a missing value.
    if (t.value === undefined || (!t.inlineValue && t.value.startsWith("-"))) {
      const what = f.accepts === "a value" ? "" : `: give ${f.accepts}`;
      const nextIsFlag = t.value === undefined || flags.has(t.value.replace(/^--?/, "").split("=")[0]!);
      const dash = nextIsFlag ? "" : ` (a value that starts with - goes as --${t.name}=${t.value})`;
      throw new UsageError(`--${t.name} needs a value${what}${dash}; ${hint}`);
    }
    if (f.kind === "list") {
      const list = values[t.name];
      values[t.name] = Array.isArray(list) ? [...list, t.value] : [t.value];
    } else values[t.name] = t.value;
  }
  return { values, positionals };
}
