import { toolArguments } from "../client/tool-arguments.ts";
import { AppError } from "../shared/app-error.ts";
import { defineCommand } from "./command.ts";
import { UsageError } from "./usage-error.ts";
import { playgroundFlags, printJson } from "./client-flags.ts";
import { withProgress } from "./progress.ts";
import { withServerSession } from "./tools.ts";

/** call calls one tool of a hosted server through a real session and prints the result as JSON. */
export const callCommand = defineCommand({
  name: "call",
  summary: "call a hosted server's tool: arguments as k=v, typed by the tool's input schema",
  usage: "hearth call <ns/name | url> <tool> [k=v …] [--config JSON] [--profile P] [--transport http|ws] [--json]",
  flags: playgroundFlags,
  async run(p) {
    const [target, tool, ...pairs] = p.positionals;
    if (!target || !tool) throw new UsageError("give a server and a tool: hearth call ns/name tool k=v …");
    const result = await withServerSession(p, target, async (client, name) => {
      const { tools } = await client.listTools();
      const spec = tools.find((t) => t.name === tool);
      if (!spec) throw new AppError("not_found", `${name} has no tool ${JSON.stringify(tool)}; it has: ${tools.map((t) => t.name).join(", ") || "none"}`);
      const args = toolArguments(tool, pairs, spec.inputSchema);
      return withProgress(`calling ${tool}`, () => client.callTool({ name: tool, arguments: args }));
    });
    printJson(result, p.flags.json);
    // A tool that reports an error is a failed command, so scripts can branch on it.
    return result.isError ? 1 : 0;
  },
});
