// Flags the terminal-playground commands (search, tools, call) share, and reading them.
import type { SessionOptions } from "../client/mcp-session.ts";
import { UsageError, type FlagSpec } from "./command.ts";
import { readServerConfig, serverConfigFlags } from "./server-config-flag.ts";

/** hubFlags pick the instance and key. */
export const hubFlags: FlagSpec[] = [
  { name: "url", type: "string", help: "the Hearth to use for ns/name", defaultText: "the last `hearth login`, else --public-url" },
  { name: "key", type: "string", help: "API key", defaultText: "HEARTH_API_KEY, else the login store" },
  { name: "json", type: "boolean", help: "print compact JSON for scripts" },
];

/** sessionFlags choose how a session to a server is opened. */
export const sessionFlags: FlagSpec[] = [
  ...serverConfigFlags,
  { name: "profile", type: "string", help: "a saved config (profile) on the Hearth, sent as profile=" },
  { name: "transport", type: "string", help: "http or ws", defaultText: "http" },
];

/** sessionOptions reads sessionFlags. */
export async function sessionOptions(flags: Record<string, unknown>): Promise<SessionOptions> {
  const transport = flags.transport ?? "http";
  if (transport !== "http" && transport !== "ws") throw new UsageError(`--transport ${String(transport)}: give http or ws`);
  return { transport, config: await readServerConfig(flags), profile: typeof flags.profile === "string" ? flags.profile : undefined };
}

/** printJson prints pretty JSON for people, or one line with --json for scripts. */
export function printJson(v: unknown, compact: boolean): void {
  console.log(compact ? JSON.stringify(v) : JSON.stringify(v, null, 2));
}
