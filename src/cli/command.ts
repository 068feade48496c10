import { parseArgs } from "node:util";
import { configFields, ConfigError, loadConfig, type Config } from "../config/config.ts";

/** FlagSpec declares one command-specific flag for parsing and --help. */
export interface FlagSpec {
  name: string;
  help: string;
  type: "string" | "boolean";
  multiple?: boolean;
  defaultText?: string;
  required?: boolean;
}

/** Parsed is what a command receives: its own flags, positionals, and the resolved config. */
export interface Parsed {
  flags: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  config: Config;
  configFlagsGiven: Set<string>;
  /** env is the environment the command runs in (tests pass a temp HOME); read it, not process.env. */
  env: Record<string, string | undefined>;
}

/** Command is one `hearth` subcommand. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  flags: FlagSpec[];
  /** examples are shown after the flags in --help, as given (lines of text). */
  examples?: string[];
  /** run returns the process exit code. */
  run(p: Parsed): Promise<number>;
}

/** UsageError means the command line is wrong: exit 2 with a message that says what to fix. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** helpText lists every flag of a command with its default, then the shared config flags. */
export function helpText(cmd: Command): string {
  const line = (flag: string, help: string, def?: string) => `  ${flag.padEnd(26)} ${help}${def ? ` (default: ${def})` : ""}`;
  const own = cmd.flags.map((f) => line(`--${f.name}${f.type === "string" ? " VALUE" : ""}`, f.help + (f.required ? " [required]" : ""), f.defaultText));
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

/** parseCommandLine parses argv for a command, strictly: unknown flags are a UsageError. */
export function parseCommandLine(cmd: Command, argv: string[], env: Record<string, string | undefined>): Parsed {
  const options: Record<string, { type: "string" | "boolean"; multiple?: boolean }> = {};
  for (const f of cmd.flags) options[f.name] = { type: f.type, multiple: f.multiple };
  for (const f of Object.values(configFields)) options[f.flag] = { type: f.boolean ? "boolean" : "string" };
  let values: Record<string, unknown>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, options, strict: true, allowPositionals: true }));
  } catch (e) {
    const msg = (e as Error).message.replace(/\. To specify a positional argument.*$/s, "");
    throw new UsageError(`${msg}; run \`hearth ${cmd.name} --help\` for the flags`);
  }
  const configFlags: Record<string, string | boolean | undefined> = {};
  const given = new Set<string>();
  for (const f of Object.values(configFields)) {
    const v = values[f.flag];
    if (v !== undefined) {
      configFlags[f.flag] = v as string | boolean;
      given.add(f.flag);
    }
  }
  for (const f of cmd.flags) {
    if (f.required && values[f.name] === undefined) throw new UsageError(`--${f.name} is required; run \`hearth ${cmd.name} --help\``);
  }
  let config: Config;
  try {
    config = loadConfig({ flags: configFlags, env });
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
  return { flags: values as Parsed["flags"], positionals, config, configFlagsGiven: given, env };
}
