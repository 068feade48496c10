import { z } from "zod";
import { configFields, ConfigError, loadConfig, type Config } from "../config/config.ts";
import { readArgv, type ArgvFlag } from "./argv.ts";
import { infoOf, type FlagShape } from "./flag.ts";
import { UsageError } from "./usage-error.ts";

// The object schema z.object makes of a command's flags; its output is what `run` receives.
type FlagObject<F extends FlagShape> = ReturnType<typeof z.object<F>>;

/** FlagValues is a command's flags after validation: each flag's zod output. */
export type FlagValues<F extends FlagShape> = z.output<FlagObject<F>>;

/** Parsed is what a command receives: its own flags, positionals, and the resolved config. */
export interface Parsed<F extends FlagShape = FlagShape> {
  flags: FlagValues<F>;
  positionals: string[];
  config: Config;
  configFlagsGiven: Set<string>;
  /** env is the environment the command runs in (tests pass a temp HOME); read it, not process.env. */
  env: Record<string, string | undefined>;
}

/** Command is one `hearth` subcommand; `flags` are its own flags' schemas, made with src/cli/flag.ts. */
export interface Command<F extends FlagShape = FlagShape> {
  name: string;
  summary: string;
  usage: string;
  flags: F;
  /** examples are shown after the flags in --help, as given (lines of text). */
  examples?: string[];
  /** run returns the process exit code. */
  // A method, not a property: the command list holds commands of different flags (see index.ts).
  run(p: Parsed<F>): Promise<number>;
}

/** defineCommand returns its command unchanged; it exists so `run` is typed by the command's own flags. */
export function defineCommand<F extends FlagShape>(cmd: Command<F>): Command<F> {
  return cmd;
}

/** helpText lists every flag of a command with its default, then the shared config flags. */
export function helpText(cmd: Command): string {
  const line = (flag: string, help: string, def?: string) => `  ${flag.padEnd(26)} ${help}${def ? ` (default: ${def})` : ""}`;
  const own = Object.entries(cmd.flags).map(([name, schema]) => {
    const f = infoOf(name, schema);
    return line(`--${name}${f.kind === "boolean" ? "" : " VALUE"}`, f.help + (f.required ? " [required]" : ""), f.defaultText);
  });
  const shared = Object.values(configFields).map((f) => line(`--${f.flag}${f.boolean ? "" : " VALUE"}`, `${f.help}; env ${f.env}`, f.defaultText));
  return [
    `hearth ${cmd.name} — ${cmd.summary}`,
    "",
    `usage: ${cmd.usage}`,
    ...(own.length ? ["", "flags:", ...own] : []),
    ...(cmd.examples?.length ? ["", ...cmd.examples] : []),
    "",
    "config flags (every command; flag over env over default):",
    ...shared,
    line("--help", "show this help"),
  ].join("\n");
}

// One line per bad flag, naming it and what it accepts; zod decides, the flag's FlagInfo speaks.
function flagError(cmd: Command<FlagShape>, issue: z.core.$ZodIssue, raw: Record<string, unknown>): UsageError {
  const name = String(issue.path[0]);
  const f = infoOf(name, cmd.flags[name] ?? z.never());
  const given = raw[name];
  if (given === undefined) return new UsageError(`--${name} is required${f.accepts === "a value" ? "" : `: give ${f.accepts}`}; run \`hearth ${cmd.name} --help\``);
  const shown = Array.isArray(given) ? given.join(" ") : String(given);
  return new UsageError(`--${name} ${JSON.stringify(shown)}: give ${f.accepts}`);
}

/** parseCommandLine parses argv for a command, strictly, and validates its flags with their schemas. */
export function parseCommandLine<F extends FlagShape>(cmd: Command<F>, argv: string[], env: Record<string, string | undefined>): Parsed<F> {
  const known = new Map<string, ArgvFlag>();
  for (const [name, schema] of Object.entries(cmd.flags)) known.set(name, infoOf(name, schema));
  for (const f of Object.values(configFields)) known.set(f.flag, { kind: f.boolean ? "boolean" : "string", accepts: "a value" });
  const { values, positionals } = readArgv(argv, known, cmd.name);
  const own: Record<string, unknown> = {};
  for (const name of Object.keys(cmd.flags)) own[name] = values[name];
  const flags = z.object(cmd.flags).safeParse(own);
  if (!flags.success) throw flagError(cmd, flags.error.issues[0]!, own);
  const configFlags: Record<string, string> = {};
  const given = new Set<string>();
  for (const f of Object.values(configFields)) {
    const v = values[f.flag];
    if (typeof v === "string") {
      configFlags[f.flag] = v;
      given.add(f.flag);
    }
  }
  let config: Config;
  try {
    config = loadConfig({ flags: configFlags, env });
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
  return { flags: flags.data, positionals, config, configFlagsGiven: given, env };
}
