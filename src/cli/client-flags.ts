// Flags the terminal-playground commands (search, tools, call) share, and reading them.
import type { SessionOptions } from "../client/mcp-session.ts";
import type { FlagValues } from "./command.ts";
import { choiceFlag, switchFlag, textFlag } from "./flag.ts";
import { readServerConfig, serverConfigFlags } from "./server-config-flag.ts";

/** hubFlags pick the instance and key. */
export const hubFlags = {
  url: textFlag("the Hearth to use for ns/name", { defaultText: "the last `hearth login`, else --public-url", accepts: "a URL" }),
  key: textFlag("API key", { defaultText: "HEARTH_API_KEY, else the login store" }),
  json: switchFlag("print compact JSON for scripts"),
};

/** sessionFlags choose how a session to a server is opened. */
export const sessionFlags = {
  ...serverConfigFlags,
  profile: textFlag("a saved config (profile) on the Hearth, sent as profile="),
  transport: choiceFlag("http or ws", ["http", "ws"], "http"),
};

/** playgroundFlags are the flags of tools and call: the hub's and the session's. */
export const playgroundFlags = { ...hubFlags, ...sessionFlags };

/** sessionOptions reads sessionFlags. */
export async function sessionOptions(flags: FlagValues<typeof sessionFlags>): Promise<SessionOptions> {
  return { transport: flags.transport, config: await readServerConfig(flags), profile: flags.profile };
}

/** printJson prints pretty JSON for people, or one line with --json for scripts. */
export function printJson(v: unknown, compact: boolean): void {
  console.log(compact ? JSON.stringify(v) : JSON.stringify(v, null, 2));
}
