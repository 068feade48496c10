import { credentialsPath, instanceUrl, removeLogin, saveLogin, type KeySource } from "../client/credentials.ts";
import { whoAmI } from "../client/hub-api.ts";
import { defineCommand, type Command } from "./command.ts";
import { textFlag } from "./flag.ts";
import { UsageError } from "./usage-error.ts";

async function keyFromStdin(): Promise<string> {
  if (process.stdin.isTTY) {
    process.stderr.write("API key (create one on the Hearth's web UI or with `hearth key create`): ");
  }
  // Piped (`echo $KEY | hearth login URL`) or typed: the first line is the key.
  const reader = Bun.stdin.stream().getReader();
  let text = "";
  const decoder = new TextDecoder();
  while (!text.includes("\n")) {
    const { done, value } = await reader.read();
    if (done || !value) break;
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel().catch(() => undefined);
  return text.split("\n")[0]!.trim();
}

/** login checks a key against a Hearth and keeps it (mode 0600) for later commands. */
export const loginCommand = defineCommand({
  name: "login",
  summary: "check an API key against a Hearth and keep it for connect, install, search, tools and call",
  usage: "hearth login <url> [--key K]   (without --key: HEARTH_API_KEY, else the first line of stdin)",
  flags: { key: textFlag("the API key", { defaultText: "HEARTH_API_KEY, else stdin" }) },
  async run({ flags, positionals, env }) {
    if (positionals.length !== 1) throw new UsageError("give the Hearth's URL, like `hearth login https://hub.example.com`");
    const base = instanceUrl(positionals[0]!);
    let source: KeySource = "--key";
    let key = flags.key;
    if (!key && env.HEARTH_API_KEY) [key, source] = [env.HEARTH_API_KEY, "HEARTH_API_KEY"];
    key ??= await keyFromStdin();
    if (!key) throw new UsageError("no key given: pass --key, set HEARTH_API_KEY, or type it on stdin");
    const me = await whoAmI({ base, key, keySource: source });
    saveLogin(env, base, key, me.email);
    console.log(`logged in to ${base} as ${me.email}${me.scopes ? ` (scopes: ${me.scopes.join(", ")})` : ""}; the key is kept in ${credentialsPath(env)}`);
    return 0;
  },
});

/** logout forgets the key kept for a Hearth (the default one when no URL is given). */
export const logoutCommand: Command = {
  name: "logout",
  summary: "forget the key `hearth login` kept for a Hearth",
  usage: "hearth logout [url]",
  flags: {},
  async run({ positionals, env }) {
    if (positionals.length > 1) throw new UsageError("give at most one URL");
    const removed = removeLogin(env, positionals[0]);
    if (!removed) {
      console.log(positionals[0] ? `not logged in to ${instanceUrl(positionals[0])}` : "not logged in anywhere");
      return positionals[0] ? 1 : 0;
    }
    console.log(`logged out of ${removed}`);
    return 0;
  },
};
