import { clientName, encodeConfig } from "../ui/connect-snippets.ts";
import { CLIENT_SHAPES, clientShape, type ClientShape, type EntryTarget } from "../client/client-entries.ts";
import { clientConfigPath } from "../client/client-paths.ts";
import { backupPath, installEntry, uninstallEntry, type EntryEdit } from "../client/client-config-file.ts";
import { deployedServer } from "../client/hub-api.ts";
import { checkConfig } from "../client/mcp-session.ts";
import type { JsonSchemaObject } from "../registry/manifest.ts";
import { UsageError, type Command, type Parsed } from "./command.ts";
import { parseTarget } from "./connect.ts";
import { baseFor, hubFor } from "./hub-target.ts";
import { readServerConfig, serverConfigFlags } from "./server-config-flag.ts";

const known = () => CLIENT_SHAPES.map((c) => c.id).join(", ");

function shapeOf(flags: Parsed["flags"]): ClientShape {
  const id = flags.client;
  if (typeof id !== "string") throw new UsageError(`--client is required; one of: ${known()}`);
  const shape = clientShape(id);
  if (!shape) throw new UsageError(`unknown client "${id}"; known clients: ${known()}`);
  return shape;
}

function serverOf(p: Parsed): { base: string; name: string } {
  const target = p.positionals[0];
  if (!target || p.positionals.length > 1) throw new UsageError("give exactly one server: a URL or namespace/name");
  return parseTarget(target, baseFor(p.flags, p.env, p.config));
}

function editFor(p: Parsed, shape: ClientShape, qualifiedName: string): EntryEdit {
  const file = typeof p.flags.file === "string" ? p.flags.file : clientConfigPath(shape.id, { env: p.env, platform: process.platform });
  const name = typeof p.flags.name === "string" ? p.flags.name : clientName(qualifiedName);
  // Any entry reaching this server through a Hearth (HTTP endpoint or `hearth connect` URL) is ours.
  const ours = (existing: unknown) => {
    const text = JSON.stringify(existing);
    return text.includes(`/${qualifiedName}/mcp`) || text.includes(`/${qualifiedName}"`);
  };
  return { shape, file, name, ours, force: p.flags.force === true };
}

const targetFlags = [
  { name: "client", type: "string" as const, help: `the MCP client: ${CLIENT_SHAPES.map((c) => c.id).join(", ")}`, required: true },
  { name: "url", type: "string" as const, help: "the Hearth to use for ns/name", defaultText: "the last `hearth login`, else --public-url" },
  { name: "name", type: "string" as const, help: "the entry's name in the client's config", defaultText: "the server's short name" },
  { name: "file", type: "string" as const, help: "edit this config file instead of the client's user-wide one" },
  { name: "force", type: "boolean" as const, help: "replace or remove an entry of that name even if Hearth didn't write it" },
];

/** install writes a hosted server into an MCP client's own config file. */
export const installCommand: Command = {
  name: "install",
  summary: "add a hosted server to an MCP client's config (claude, cursor, vscode, codex, …)",
  usage: "hearth install <ns/name | url> --client C [--url U] [--key K] [--config JSON] [--profile P] [--http | --stdio]",
  flags: [
    ...targetFlags,
    { name: "key", type: "string", help: "API key with the connect scope", defaultText: "HEARTH_API_KEY, else the login store" },
    ...serverConfigFlags,
    { name: "profile", type: "string", help: "a saved config (profile) on the Hearth, sent as profile=" },
    { name: "http", type: "boolean", help: "write a remote Streamable HTTP entry", defaultText: "when the client supports it" },
    { name: "stdio", type: "boolean", help: "write an entry that runs `hearth connect`", defaultText: "for stdio-only clients" },
  ],
  async run(p) {
    const shape = shapeOf(p.flags);
    if (p.flags.http && p.flags.stdio) throw new UsageError("give --http or --stdio, not both");
    if (p.flags.http && !shape.remote) throw new UsageError(`${shape.title} only starts stdio servers; drop --http (the entry runs \`hearth connect\`)`);
    const { base, name } = serverOf(p);
    const hub = hubFor(base, p.flags, p.env);
    const detail = await deployedServer(hub, name);
    const config = await readServerConfig(p.flags);
    const profile = typeof p.flags.profile === "string" ? p.flags.profile : undefined;
    checkConfig(name, detail.connections[0]?.configSchema as JsonSchemaObject | undefined, config, profile);
    const query = new URLSearchParams();
    if (config && Object.keys(config).length) query.set("config", encodeConfig(config));
    if (profile) query.set("profile", profile);
    const pageUrl = `${base}/${name}`;
    const target: EntryTarget = {
      pageUrl,
      httpUrl: `${pageUrl}/mcp${query.size ? `?${query}` : ""}`,
      key: hub.key,
      connectArgs: [...(query.has("config") ? ["--config", query.get("config")!] : []), ...(profile ? ["--profile", profile] : [])],
    };
    const remote = !p.flags.stdio && shape.remote !== undefined;
    const entry = remote && shape.remote ? shape.remote(target) : shape.stdio(target);
    const edit = editFor(p, shape, name);
    const r = installEntry(edit, entry);
    const how = remote ? "remote Streamable HTTP" : "stdio via `hearth connect`";
    if (r.status === "unchanged") console.log(`${shape.title}: "${edit.name}" in ${edit.file} is already up to date`);
    else console.log(`${shape.title}: ${r.status} "${edit.name}" (${how}) in ${edit.file}${r.backup ? `; the previous file is in ${r.backup}` : ""}`);
    if (remote && shape.note) console.error(`note: ${shape.note}`);
    if (r.status !== "unchanged") console.error(`restart ${shape.title} (or reload its MCP servers) to pick it up`);
    return 0;
  },
};

/** uninstall removes what `hearth install` added to a client's config. */
export const uninstallCommand: Command = {
  name: "uninstall",
  summary: "remove a hosted server from an MCP client's config",
  usage: "hearth uninstall <ns/name | url> --client C [--name N] [--file F]",
  flags: targetFlags,
  async run(p) {
    const shape = shapeOf(p.flags);
    const { name } = serverOf(p);
    const edit = editFor(p, shape, name);
    const r = uninstallEntry(edit);
    if (r.status === "absent") console.log(`${shape.title}: no "${edit.name}" in ${edit.file}; nothing to do`);
    else console.log(`${shape.title}: removed "${edit.name}" from ${edit.file}; the previous file is in ${r.backup ?? backupPath(edit.file)}`);
    return 0;
  },
};

/** listClients shows the clients install knows, how each connects, and its config file here. */
export const listClientsCommand: Command = {
  name: "list clients",
  summary: "the MCP clients `hearth install --client` can write to, and their config files",
  usage: "hearth list clients",
  flags: [],
  async run({ env }) {
    for (const c of CLIENT_SHAPES) {
      let file: string;
      try {
        file = clientConfigPath(c.id, { env, platform: process.platform });
      } catch (e) {
        file = (e as Error).message;
      }
      const exists = await Bun.file(file).exists();
      console.log(`${c.id.padEnd(12)} ${c.title.padEnd(15)} ${(c.remote ? "http" : "stdio").padEnd(6)} ${file}${exists ? "" : " (not there yet)"}`);
    }
    return 0;
  },
};
