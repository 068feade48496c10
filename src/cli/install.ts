import { encodeConfig } from "../client/config-encoding.ts";
import { clientName } from "../ui/connect-snippets.ts";
import { CLIENT_SHAPES, clientShape, selfLauncher, type ClientShape, type EntryTarget } from "../client/client-entries.ts";
import { clientConfigPath } from "../client/client-paths.ts";
import { backupPath, installEntry, readEntry, uninstallEntry, type EntryEdit } from "../client/client-config-file.ts";
import { installKeyName, isInstallKey, keyInEntry, keySelf, mintConnectKey, revokeKey } from "../client/install-key.ts";
import { deployedServer } from "../client/hub-api.ts";
import { checkConfig } from "../client/mcp-session.ts";
import type { JsonSchemaObject } from "../registry/manifest.ts";
import { defineCommand, type Command, type FlagValues, type Parsed } from "./command.ts";
import { requiredFlag, switchFlag, textFlag } from "./flag.ts";
import { UsageError } from "./usage-error.ts";
import { parseTarget } from "./connect.ts";
import { baseFor, hubFor } from "./hub-target.ts";
import { readServerConfig, serverConfigFlags } from "./server-config-flag.ts";

const known = () => CLIENT_SHAPES.map((c) => c.id).join(", ");

function shapeOf(flags: FlagValues<typeof targetFlags>): ClientShape {
  const id = flags.client;
  const shape = clientShape(id);
  if (!shape) throw new UsageError(`unknown client "${id}"; known clients: ${known()}`);
  return shape;
}

function serverOf(p: Parsed<typeof targetFlags>): { base: string; name: string } {
  const target = p.positionals[0];
  if (!target || p.positionals.length > 1) throw new UsageError("give exactly one server: a URL or namespace/name");
  return parseTarget(target, baseFor(p.flags, p.env, p.config));
}

function editFor(p: Parsed<typeof targetFlags>, shape: ClientShape, qualifiedName: string): EntryEdit {
  const file = p.flags.file ?? clientConfigPath(shape.id, { env: p.env, platform: process.platform });
  const name = p.flags.name ?? clientName(qualifiedName);
  // Any entry reaching this server through a Hearth (HTTP endpoint or `hearth connect` URL) is ours.
  const ours = (existing: unknown) => {
    const text = JSON.stringify(existing);
    return text.includes(`/${qualifiedName}/mcp`) || text.includes(`/${qualifiedName}"`);
  };
  return { shape, file, name, ours, force: p.flags.force };
}

const targetFlags = {
  // Which client ids exist is checked in shapeOf, whose message lists them.
  client: requiredFlag(`the MCP client: ${CLIENT_SHAPES.map((c) => c.id).join(", ")}`, { accepts: `one of ${known()}` }),
  url: textFlag("the Hearth to use for ns/name", { defaultText: "the last `hearth login`, else --public-url", accepts: "a URL" }),
  name: textFlag("the entry's name in the client's config", { defaultText: "the server's short name", accepts: "a name" }),
  file: textFlag("edit this config file instead of the client's user-wide one", { accepts: "a file" }),
  force: switchFlag("replace or remove an entry of that name even if Hearth didn't write it"),
};

/** install writes a hosted server into an MCP client's own config file. */
export const installCommand = defineCommand({
  name: "install",
  summary: "add a hosted server to an MCP client's config (claude, cursor, vscode, codex, …)",
  usage: "hearth install <ns/name | url> --client C [--url U] [--key K] [--config JSON] [--profile P] [--http | --stdio]",
  flags: {
    ...targetFlags,
    key: textFlag("API key with the connect scope", { defaultText: "HEARTH_API_KEY, else the login store" }),
    ...serverConfigFlags,
    profile: textFlag("a saved config (profile) on the Hearth, sent as profile=", { accepts: "a profile id" }),
    http: switchFlag("write a remote Streamable HTTP entry", "when the client supports it"),
    stdio: switchFlag("write an entry that runs `hearth connect`", "for stdio-only clients"),
  },
  async run(p) {
    const shape = shapeOf(p.flags);
    if (p.flags.http && p.flags.stdio) throw new UsageError("give --http or --stdio, not both");
    if (p.flags.http && !shape.remote) throw new UsageError(`${shape.title} only starts stdio servers; drop --http (the entry runs \`hearth connect\`)`);
    const { base, name } = serverOf(p);
    const hub = hubFor(base, p.flags, p.env);
    const detail = await deployedServer(hub, name);
    const config = await readServerConfig(p.flags);
    const profile = p.flags.profile;
    checkConfig(name, detail.connections[0]?.configSchema as JsonSchemaObject | undefined, config, profile);
    const query = new URLSearchParams();
    if (config && Object.keys(config).length) query.set("config", encodeConfig(config));
    if (profile) query.set("profile", profile);
    const pageUrl = `${base}/${name}`;
    const launcher = selfLauncher();
    const target: EntryTarget = {
      pageUrl,
      httpUrl: `${pageUrl}/mcp${query.size ? `?${query}` : ""}`,
      key: hub.key,
      launcher,
      connectArgs: [...(query.has("config") ? ["--config", query.get("config")!] : []), ...(profile ? ["--profile", profile] : [])],
    };
    const remote = !p.flags.stdio && shape.remote !== undefined;
    const build = (key: string) => (remote && shape.remote ? shape.remote : shape.stdio)({ ...target, key });
    const edit = editFor(p, shape, name);
    const existing = readEntry(edit);
    // The entry's own key when it is one install made and still works, so a second run changes nothing.
    const old = existing !== undefined && edit.ours(existing) ? keyInEntry(existing) : undefined;
    let key = old && (await keySelf(base, old).then((k) => (k && isInstallKey(k) ? old : undefined)));
    const carriesKey = JSON.stringify(build("hth_probe")).includes("hth_probe");
    let minted: string | undefined;
    if (!key && (carriesKey || !Bun.deepEquals(existing, build("")))) key = minted = await mintConnectKey(hub, installKeyName(shape.title, name), name.split("/")[0]!);
    let r;
    try {
      r = installEntry(edit, build(key ?? ""));
    } catch (e) {
      if (minted) await revokeKey(base, minted).catch(() => undefined); // nothing written: the key goes too
      throw e;
    }
    const how = remote ? "remote Streamable HTTP" : "stdio via `hearth connect`";
    if (r.status === "unchanged") console.log(`${shape.title}: "${edit.name}" in ${edit.file} is already up to date`);
    else console.log(`${shape.title}: ${r.status} "${edit.name}" (${how}) in ${edit.file}${r.backup ? `; the previous file is in ${r.backup}` : ""}`);
    if (minted) console.error(`made a connect-only key for ${shape.title} ("${installKeyName(shape.title, name)}"); revoke it on /account, or with \`hearth uninstall\``);
    if (minted && !carriesKey) console.error(`${shape.title} reads it from $${"HEARTH_API_KEY"}: export HEARTH_API_KEY=${minted}`);
    else if (remote && shape.note) console.error(`note: ${shape.note}`);
    if (!remote && launcher.note) console.error(`note: ${launcher.note}`);
    if (r.status !== "unchanged") console.error(`restart ${shape.title} (or reload its MCP servers) to pick it up`);
    return 0;
  },
});

// The Hearth an entry points at: its URL up to /ns/name (the entry may name another Hearth than --url).
function entryBase(entry: unknown, qualifiedName: string): string | undefined {
  const m = new RegExp(`(https?://[^"\\s?]+?)/${qualifiedName.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?:/mcp|[?"])`).exec(JSON.stringify(entry));
  return m?.[1];
}

// Only a key install made is revoked; a key the user made themselves (older installs wrote it) is left alone.
async function dropKey(base: string | undefined, key: string, keep: boolean): Promise<void> {
  if (!base) return;
  try {
    const info = await keySelf(base, key);
    if (!info) return;
    if (!isInstallKey(info)) return void console.error(`the entry's key "${info.name}" is not one install made: it stays valid (revoke it on ${base}/account)`);
    if (keep) return void console.error(`kept the key "${info.name}" (--keep-key); revoke it on ${base}/account when done`);
    await revokeKey(base, key);
    console.error(`revoked the key "${info.name}"`);
  } catch (e) {
    console.error(`could not revoke the entry's key on ${base} (${(e as Error).message}); revoke it on ${base}/account`);
  }
}

/** uninstall removes what `hearth install` added to a client's config. */
export const uninstallCommand = defineCommand({
  name: "uninstall",
  summary: "remove a hosted server from an MCP client's config",
  usage: "hearth uninstall <ns/name | url> --client C [--name N] [--file F] [--keep-key]",
  flags: { ...targetFlags, "keep-key": switchFlag("leave the connect-only key install made valid (it is revoked by default)") },
  async run(p) {
    const shape = shapeOf(p.flags);
    const { name } = serverOf(p);
    const edit = editFor(p, shape, name);
    const existing = readEntry(edit);
    const key = existing !== undefined && (edit.ours(existing) || edit.force) ? keyInEntry(existing) : undefined;
    const r = uninstallEntry(edit, key ? [key] : []);
    if (r.status === "absent") console.log(`${shape.title}: no "${edit.name}" in ${edit.file}; nothing to do`);
    else console.log(`${shape.title}: removed "${edit.name}" from ${edit.file}; the previous file is in ${r.backup ?? backupPath(edit.file)} (without the key)`);
    if (key && r.status === "removed") await dropKey(entryBase(existing, name), key, p.flags["keep-key"]);
    return 0;
  },
});

/** listClients shows the clients install knows, how each connects, and its config file here. */
export const listClientsCommand: Command = {
  name: "list clients",
  summary: "the MCP clients `hearth install --client` can write to, and their config files",
  usage: "hearth list clients",
  flags: {},
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
