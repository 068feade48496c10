import { RelaySession } from "../client/relay-session.ts";
import { UsageError, type Command } from "./command.ts";

/** ConnectTarget is where `hearth connect` goes: the instance and the server's name. */
export interface ConnectTarget {
  base: string;
  name: string;
}

/** parseTarget accepts a server URL (http/https/ws/wss, with or without /ws or /mcp) or ns/name. */
export function parseTarget(target: string, defaultBase: string): ConnectTarget {
  if (/^(https?|wss?):\/\//.test(target)) {
    const u = new URL(target);
    const parts = u.pathname.replace(/\/(ws|mcp)\/?$/, "").split("/").filter(Boolean);
    if (parts.length !== 2) throw new UsageError(`${target}: expected a server URL like https://host/namespace/name`);
    const scheme = u.protocol.replace(/^ws/, "http");
    return { base: `${scheme}//${u.host}`, name: parts.join("/") };
  }
  if (!/^[^/\s]+\/[^/\s]+$/.test(target)) throw new UsageError(`${target}: give a server URL or namespace/name`);
  return { base: defaultBase.replace(/\/+$/, ""), name: target };
}

function wsUrl(t: ConnectTarget, key: string, config: Record<string, unknown> | undefined, profile: string | undefined): string {
  const u = new URL(`${t.base.replace(/^http/, "ws")}/${t.name}/ws`);
  u.searchParams.set("api_key", key);
  if (profile) u.searchParams.set("profile", profile);
  if (config && Object.keys(config).length) u.searchParams.set("config", Buffer.from(JSON.stringify(config)).toString("base64"));
  return u.toString();
}

async function explain(t: ConnectTarget, key: string): Promise<void> {
  const say = (s: string): void => void process.stderr.write(`hearth connect: ${s}\n`);
  try {
    const r = await fetch(`${t.base}/api/v1/servers/${t.name}`, { headers: { authorization: `Bearer ${key}` } });
    if (r.status === 401) return say("the key was refused (check --key, HEARTH_API_KEY or `hearth key create`)");
    if (r.status === 404) return say(`no server ${t.name} on ${t.base} (or this key can't see it)`);
    const detail = (await r.json()) as { isDeployed?: boolean };
    if (!detail.isDeployed) return say(`${t.name} is not deployed on ${t.base}; deploy it first (hearth deploy ${t.name})`);
    say("the session was refused: check --config against the server's config schema (see its Connect tab)");
  } catch (e) {
    say(`cannot reach ${t.base}: ${(e as Error).message}`);
  }
}

async function readConfig(flags: Record<string, unknown>): Promise<Record<string, unknown> | undefined> {
  const raw = typeof flags["config-file"] === "string" ? await Bun.file(flags["config-file"]).text().catch(() => {
    throw new UsageError(`--config-file ${String(flags["config-file"])} can't be read`);
  }) : (flags.config as string | undefined);
  if (raw === undefined) return undefined;
  try {
    // JSON as typed, or base64(url) JSON as in a `?config=` parameter (what the Connect tab writes).
    const text = raw.trimStart().startsWith("{") ? raw : Buffer.from(raw, "base64").toString("utf8");
    const v = JSON.parse(text) as unknown;
    if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error("not an object");
    return v as Record<string, unknown>;
  } catch (e) {
    throw new UsageError(`the config must be a JSON object: ${(e as Error).message}`);
  }
}

/** connect runs as a stdio MCP server for an IDE, relaying to a Hearth session over WebSocket. */
export const connectCommand: Command = {
  name: "connect",
  summary: "be a stdio MCP server for an IDE, relaying to a server hosted on a Hearth",
  usage: "hearth connect <url | ns/name> [--key K] [--profile ID] [--config JSON | --config-file F]",
  flags: [
    { name: "key", type: "string", help: "API key with the connect scope (or HEARTH_API_KEY)" },
    { name: "profile", type: "string", help: "a saved profile's id (its config, kept encrypted on the Hearth); --config overrides its settings" },
    { name: "config", type: "string", help: "the server's config: a JSON object, or base64 of one" },
    { name: "config-file", type: "string", help: "read the config from a JSON file" },
    { name: "url", type: "string", help: "the Hearth to use for ns/name", defaultText: "--public-url" },
  ],
  async run({ config, flags, positionals }) {
    const target = positionals[0];
    if (!target || positionals.length > 1) throw new UsageError("give exactly one server: a URL or namespace/name");
    const key = (flags.key as string | undefined) ?? process.env.HEARTH_API_KEY;
    if (!key) throw new UsageError("connecting needs --key or HEARTH_API_KEY (a key with the connect scope)");
    const t = parseTarget(target, String(flags.url ?? config.publicUrl));
    const relay = new RelaySession({
      url: wsUrl(t, key, await readConfig(flags), flags.profile as string | undefined),
      write: (line) => process.stdout.write(line + "\n"),
      log: (text) => process.stderr.write(text + "\n"),
      onFirstFailure: () => explain(t, key),
    });
    // stdin is the IDE: one JSON-RPC message per line; its end is ours.
    const reader = Bun.stdin.stream().getReader();
    void (async () => {
      let buf = "";
      const decoder = new TextDecoder();
      for (;;) {
        const { done, value: chunk } = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (done || !chunk) break;
        buf += decoder.decode(chunk, { stream: true });
        let i;
        while ((i = buf.indexOf("\n")) >= 0) {
          relay.fromIde(buf.slice(0, i).replace(/\r$/, ""));
          buf = buf.slice(i + 1);
        }
      }
      if (buf.trim()) relay.fromIde(buf);
      relay.close();
    })();
    const code = await relay.done;
    // An open stdin would keep the process alive after the relay gave up.
    await reader.cancel().catch(() => undefined);
    return code;
  },
};
