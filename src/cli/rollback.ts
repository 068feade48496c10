import { defineCommand } from "./command.ts";
import { textFlag } from "./flag.ts";
import { keyArg, serverArg, streamDeploy } from "./deploy.ts";

/** rollback asks a running Hearth to go back to a version that served before, with live progress. */
export const rollbackCommand = defineCommand({
  name: "rollback",
  summary: "serve an earlier deployed version again (installed and probed first; on failure nothing changes)",
  usage: "hearth rollback ns/name [--version V] [--url URL] [--key KEY]",
  flags: {
    version: textFlag("an earlier deployed version", { defaultText: "the newest earlier one", accepts: "a version" }),
    url: textFlag("the Hearth to roll back on", { defaultText: "--public-url", accepts: "a URL" }),
    key: textFlag("API key with the publish scope (or HEARTH_API_KEY)"),
  },
  async run({ config, flags, positionals }) {
    const name = serverArg(positionals);
    const key = keyArg(flags, "rollback");
    const base = (flags.url ?? config.publicUrl).replace(/\/+$/, "");
    const q = flags.version ? `?version=${encodeURIComponent(flags.version)}` : "";
    return streamDeploy({ command: "rollback", base, name, key, path: `rollback${q}` });
  },
});
