import { HttpRelaySession } from "../client/http-relay-session.ts";
import { configErrorDetails } from "../client/hub-api.ts";
import { sessionQuery } from "../client/mcp-session.ts";
import { RelaySession } from "../client/relay-session.ts";
import { defineCommand } from "./command.ts";
import { choiceFlag, parsedFlag, textFlag } from "./flag.ts";
import { UsageError } from "./usage-error.ts";
import { DURATION_ACCEPTS, parseDuration } from "./duration.ts";
import { baseFor, hubFor } from "./hub-target.ts";
import { readServerConfig, serverConfigFlags } from "./server-config-flag.ts";

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

const say = (s: string): void => void process.stderr.write(`hearth connect: ${s}\n`);

async function explain(t: ConnectTarget, key: string): Promise<void> {
  try {
    const r = await fetch(`${t.base}/api/v1/servers/${t.name}`, { headers: { authorization: `Bearer ${key}` } });
    if (r.status === 401) return say("the key was refused (check --key, HEARTH_API_KEY or `hearth login`)");
    if (r.status === 404) return say(`no server ${t.name} on ${t.base} (or this key can't see it)`);
    const detail = (await r.json()) as { isDeployed?: boolean };
    if (!detail.isDeployed) return say(`${t.name} is not deployed on ${t.base}; deploy it first (hearth deploy ${t.name})`);
    say("the session was refused: check --config against the server's config schema (see its Connect tab)");
  } catch (e) {
    say(`cannot reach ${t.base}: ${(e as Error).message}`);
  }
}

// Over HTTP the refusal comes with its status and body: a 422 lists each config error.
async function explainHttp(t: ConnectTarget, key: string, status: number, body: unknown): Promise<void> {
  if (status === 0) return say(`cannot reach ${t.base}: ${(body as { error?: string }).error ?? "no answer"}`);
  if (status !== 422) return explain(t, key);
  say(`the configuration is not valid for ${t.name}:`);
  for (const d of configErrorDetails(body)) process.stderr.write(`  ${d.pointer || "/"}: ${d.message}\n`);
}

/** connect runs as a stdio MCP server for an IDE, relaying to a Hearth session over WebSocket or HTTP. */
export const connectCommand = defineCommand({
  name: "connect",
  summary: "be a stdio MCP server for an IDE, relaying to a server hosted on a Hearth",
  usage: "hearth connect <url | ns/name> [--key K] [--config JSON | --config-file F] [--profile P] [--transport ws|http] [--idle-exit 30m]",
  flags: {
    key: textFlag("API key with the connect scope", { defaultText: "HEARTH_API_KEY, else the login store" }),
    ...serverConfigFlags,
    profile: textFlag("a saved profile's id (its config, kept encrypted on the Hearth); --config overrides its settings", { accepts: "a profile id" }),
    transport: choiceFlag("ws (WebSocket) or http (Streamable HTTP)", ["ws", "http"], "ws"),
    // The text is kept for the message that says why connect exited.
    "idle-exit": parsedFlag("exit after this long with no message either way (30s, 10m, 2h)", DURATION_ACCEPTS, (text) => {
      const ms = parseDuration(text);
      return ms === undefined ? undefined : { ms, text };
    }, "0, never"),
    url: textFlag("the Hearth to use for ns/name", { defaultText: "the last `hearth login`, else --public-url", accepts: "a URL" }),
  },
  async run({ config, flags, positionals, env }) {
    const target = positionals[0];
    if (!target || positionals.length > 1) throw new UsageError("give exactly one server: a URL or namespace/name");
    const transport = flags.transport;
    const idleMs = flags["idle-exit"]?.ms ?? 0;
    const t = parseTarget(target, baseFor(flags, env, config));
    const { key } = hubFor(t.base, flags, env);
    const q = sessionQuery({ config: await readServerConfig(flags), profile: flags.profile });
    let last = Date.now();
    const common = {
      write: (line: string) => {
        last = Date.now();
        process.stdout.write(line + "\n");
      },
      log: (text: string) => void process.stderr.write(text + "\n"),
    };
    let relay: { fromIde(line: string): void; close(): void; done: Promise<number> };
    if (transport === "http") {
      relay = new HttpRelaySession({ ...common, url: `${t.base}/${t.name}/mcp${q.size ? `?${q}` : ""}`, key, onFirstFailure: (status, body) => explainHttp(t, key, status, body) });
    } else {
      // WebSocket clients can't set headers: the key rides in the URL, the bridge's WS convention.
      const ws = new URLSearchParams(q);
      ws.set("api_key", key);
      relay = new RelaySession({ ...common, url: `${t.base.replace(/^http/, "ws")}/${t.name}/ws?${ws}`, onFirstFailure: () => explain(t, key) });
    }
    const idle =
      idleMs > 0
        ? setInterval(() => {
            if (Date.now() - last < idleMs) return;
            say(`no messages for ${flags["idle-exit"]?.text}; exiting`);
            relay.close();
          }, Math.min(1000, idleMs))
        : undefined;
    // stdin is the IDE: one JSON-RPC message per line; its end is ours.
    const reader = Bun.stdin.stream().getReader();
    void (async () => {
      let buf = "";
      const decoder = new TextDecoder();
      for (;;) {
        const { done, value: chunk } = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (done || !chunk) break;
        last = Date.now();
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
    clearInterval(idle);
    // An open stdin would keep the process alive after the relay gave up.
    await reader.cancel().catch(() => undefined);
    return code;
  },
});
