import { ConfigError } from "../config/config.ts";
import { isAppError } from "../shared/app-error.ts";
import { configureLogging } from "../shared/log.ts";
import { VERSION } from "../version.ts";
import { adminCreateCommand } from "./admin.ts";
import { backupCommand } from "./backup.ts";
import { helpText, parseCommandLine, type Command } from "./command.ts";
import { UsageError } from "./usage-error.ts";
import { connectCommand } from "./connect.ts";
import { installCommand, listClientsCommand, uninstallCommand } from "./install.ts";
import { loginCommand, logoutCommand } from "./login.ts";
import { searchCommand } from "./search.ts";
import { toolsCommand } from "./tools.ts";
import { callCommand } from "./call.ts";
import { deployCommand } from "./deploy.ts";
import { rollbackCommand } from "./rollback.ts";
import { doctorCommand } from "./doctor.ts";
import { healthcheckCommand } from "./healthcheck.ts";
import { importCatalogCommand } from "./import-catalog.ts";
import { publishCommand } from "./publish.ts";
import { keyCreateCommand, keyListCommand, keyRevokeCommand } from "./key.ts";
import { teamAddCommand, teamCreateCommand, teamListCommand, teamRemoveCommand } from "./team.ts";
import { migrateCommand } from "./migrate.ts";
import { secretsRotateCommand } from "./secrets.ts";
import { serveCommand } from "./serve.ts";
import { userInviteCommand } from "./user.ts";
import { versionCommand } from "./version.ts";

/** commands lists every subcommand, in the order --help shows them. */
// One command per line, so that adding a command touches one line.
export const commands: Command[] = [
  serveCommand,
  migrateCommand,
  adminCreateCommand,
  keyCreateCommand,
  keyListCommand,
  keyRevokeCommand,
  userInviteCommand,
  teamCreateCommand,
  teamAddCommand,
  teamRemoveCommand,
  teamListCommand,
  publishCommand,
  importCatalogCommand,
  deployCommand,
  rollbackCommand,
  connectCommand,
  loginCommand,
  logoutCommand,
  installCommand,
  uninstallCommand,
  listClientsCommand,
  searchCommand,
  toolsCommand,
  callCommand,
  backupCommand,
  secretsRotateCommand,
  doctorCommand,
  healthcheckCommand,
  versionCommand,
];

function topHelp(): string {
  const rows = commands.map((c) => `  ${c.name.padEnd(16)} ${c.summary}`);
  return [`hearth ${VERSION} — a self-hosted MCP hub in one executable`, "", "usage: hearth <command> [flags]", "", "commands:", ...rows, "", "Run `hearth <command> --help` for its flags and their defaults."].join("\n");
}

function findCommand(argv: string[]): { cmd: Command; rest: string[] } | undefined {
  for (const words of [2, 1]) {
    const name = argv.slice(0, words).join(" ");
    const cmd = commands.find((c) => c.name === name);
    if (cmd) return { cmd, rest: argv.slice(words) };
  }
  return undefined;
}

/** runCli runs one command line and returns the exit code: 0 ok, 1 failure, 2 usage error. */
export async function runCli(argv: string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
    console.log(topHelp());
    return argv.length === 0 ? 2 : 0;
  }
  if (argv[0] === "--version") argv = ["version"];
  const found = findCommand(argv);
  if (!found) {
    const group = commands.filter((c) => c.name.startsWith(argv[0] + " ")).map((c) => c.name);
    const hint = group.length ? `did you mean: ${group.join(", ")}?` : "run `hearth --help` for the list";
    console.error(`hearth: unknown command "${argv.slice(0, 2).join(" ")}"; ${hint}`);
    return 2;
  }
  const { cmd, rest } = found;
  if (rest.includes("--help") || rest.includes("-h")) {
    console.log(helpText(cmd));
    return 0;
  }
  let parsed: ReturnType<typeof parseCommandLine> | undefined;
  try {
    parsed = parseCommandLine(cmd, rest, env);
    configureLogging({ level: parsed.config.logLevel });
    return await cmd.run(parsed);
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError) {
      console.error(`hearth ${cmd.name}: ${e.message}`);
      return 2;
    }
    if (isAppError(e)) {
      console.error(`hearth ${cmd.name}: ${e.message}`);
      for (const d of e.details) console.error(`  ${d.pointer || "/"}: ${d.message}`);
      return e.code === "invalid" || e.code === "bad_request" ? 2 : 1;
    }
    // One line even here; the stack is for whoever debugs it, at --log-level debug.
    const debug = parsed?.config.logLevel === "debug";
    console.error(`hearth ${cmd.name}: unexpected error: ${e instanceof Error ? e.message : String(e)}${debug && e instanceof Error ? `\n${e.stack}` : " (--log-level debug shows where)"}`);
    return 1;
  }
}
