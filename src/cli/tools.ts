import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { closeSession, openSession, sessionFailure, type SessionOptions } from "../client/mcp-session.ts";
import { defineCommand, type Parsed } from "./command.ts";
import { UsageError } from "./usage-error.ts";
import { playgroundFlags, printJson, sessionOptions } from "./client-flags.ts";
import { parseTarget } from "./connect.ts";
import { baseFor, hubFor } from "./hub-target.ts";
import { withProgress } from "./progress.ts";

/** withServerSession opens a session to the command's server, runs work, and always closes it. */
export async function withServerSession<T>(p: Parsed<typeof playgroundFlags>, target: string | undefined, work: (client: Client, name: string) => Promise<T>): Promise<T> {
  if (!target) throw new UsageError("give a server: a URL or namespace/name");
  const { base, name } = parseTarget(target, baseFor(p.flags, p.env, p.config));
  const hub = hubFor(base, p.flags, p.env);
  const o: SessionOptions = await sessionOptions(p.flags);
  const client = await withProgress(`opening a session to ${name}`, () => openSession(hub, name, o));
  try {
    return await work(client, name);
  } catch (e) {
    throw sessionFailure(e, name);
  } finally {
    await closeSession(client);
  }
}

function describeParams(schema: Tool["inputSchema"]): string[] {
  const props = (schema.properties ?? {}) as Record<string, { type?: unknown; description?: string; enum?: unknown[]; default?: unknown }>;
  const required = new Set(schema.required ?? []);
  return Object.entries(props).map(([k, s]) => {
    const type = s.enum ? s.enum.map((v) => JSON.stringify(v)).join(" | ") : Array.isArray(s.type) ? s.type.join(" | ") : String(s.type ?? "any");
    const bits = [required.has(k) ? "required" : "optional", s.default !== undefined ? `default ${JSON.stringify(s.default)}` : undefined].filter(Boolean);
    return `    ${k}: ${type} (${bits.join(", ")})${s.description ? ` — ${s.description}` : ""}`;
  });
}

/** tools lists a hosted server's tools with their input schemas, from a live session. */
export const toolsCommand = defineCommand({
  name: "tools",
  summary: "list a hosted server's tools and their input schemas (opens a real session)",
  usage: "hearth tools <ns/name | url> [--config JSON] [--profile P] [--transport http|ws] [--json]",
  flags: playgroundFlags,
  async run(p) {
    if (p.positionals.length !== 1) throw new UsageError("give exactly one server: a URL or namespace/name");
    const tools = await withServerSession(p, p.positionals[0], async (c) => (await c.listTools()).tools);
    if (p.flags.json) {
      printJson(tools, true);
      return 0;
    }
    for (const t of tools) {
      console.log(`${t.name}${t.description ? ` — ${t.description}` : ""}`);
      const params = describeParams(t.inputSchema);
      console.log(params.length ? params.join("\n") : "    (no arguments)");
    }
    return 0;
  },
});
