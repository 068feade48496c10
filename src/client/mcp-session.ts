// Opens a real MCP session to a hosted server with the SDK's client, over Streamable HTTP (key in
// the Authorization header) or WebSocket (key in the URL, the bridge's convention for WS).
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport, StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { WebSocketClientTransport } from "@modelcontextprotocol/sdk/client/websocket.js";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { validateConfig } from "../registry/config-schema.ts";
import type { JsonSchemaObject } from "../registry/manifest.ts";
import { AppError, isAppError } from "../shared/app-error.ts";
import { encodeConfig } from "./config-encoding.ts";
import { VERSION } from "../version.ts";
import { deployedServer, httpFailure, type Hub } from "./hub-api.ts";

/** SessionOptions chooses the transport and what the session is opened with. */
export interface SessionOptions {
  transport: "http" | "ws";
  config?: Record<string, unknown>;
  profile?: string;
}

/** sessionQuery is the `config=`/`profile=` query every bridge URL takes. */
export function sessionQuery(o: { config?: Record<string, unknown>; profile?: string }): URLSearchParams {
  const q = new URLSearchParams();
  if (o.config && Object.keys(o.config).length) q.set("config", encodeConfig(o.config));
  if (o.profile) q.set("profile", o.profile);
  return q;
}

/** checkConfig refuses a config the server's schema rejects, with one line per problem (as the 422 has). */
export function checkConfig(name: string, schema: JsonSchemaObject | undefined, config: Record<string, unknown> | undefined, profile: string | undefined): void {
  // A profile brings its own config on the server side; only the server can judge the merge.
  if (!schema || profile) return;
  const v = validateConfig(schema, config ?? {});
  if (!v.ok) throw new AppError("invalid", `the configuration is not valid for ${name}:`, { details: v.errors.map((e) => ({ pointer: e.param, message: e.reason })) });
}

function bodyOf(e: StreamableHTTPError): unknown {
  const m = /^Streamable HTTP error: Error POSTing to endpoint: ([\s\S]*)$/.exec(e.message);
  try {
    return m?.[1] ? (JSON.parse(m[1]) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

/** openSession checks the server (known, deployed, config valid) and returns a connected SDK client. */
export async function openSession(hub: Hub, name: string, o: SessionOptions): Promise<Client> {
  const detail = await deployedServer(hub, name);
  checkConfig(name, detail.connections[0]?.configSchema as JsonSchemaObject | undefined, o.config, o.profile);
  const q = sessionQuery(o);
  const client = new Client({ name: "hearth-cli", version: VERSION });
  try {
    if (o.transport === "ws") {
      q.set("api_key", hub.key);
      await client.connect(new WebSocketClientTransport(new URL(`${hub.base.replace(/^http/, "ws")}/${name}/ws?${q}`)));
    } else {
      const url = new URL(`${hub.base}/${name}/mcp${q.size ? `?${q}` : ""}`);
      await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers: { authorization: `Bearer ${hub.key}` } } }));
    }
  } catch (e) {
    await client.close().catch(() => undefined);
    const status = e instanceof StreamableHTTPError ? (e.code ?? 0) : 0;
    if (status > 0) throw httpFailure(hub, status, bodyOf(e as StreamableHTTPError), name);
    throw new AppError("unavailable", `the session to ${name} on ${hub.base} did not open: ${(e as Error).message}`, { cause: e });
  }
  return client;
}

// Bounds the DELETE of a closing session, so a hub that went away can't hold the command open.
const TERMINATE_TIMEOUT_MS = 3000;

/**
 * closeSession ends a session for good: over Streamable HTTP it DELETEs the session first, since
 * closing the transport only drops the connection and would leave the hosted child running until
 * its idle timeout. Never throws: the command's own outcome is what the user needs to see.
 */
export async function closeSession(client: Client): Promise<void> {
  const t = client.transport;
  if (t instanceof StreamableHTTPClientTransport && t.sessionId) {
    let timer: Timer | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, TERMINATE_TIMEOUT_MS)));
    await Promise.race([t.terminateSession().catch(() => undefined), timeout]);
    clearTimeout(timer);
  }
  await client.close().catch(() => undefined);
}

/**
 * sessionFailure turns what a live session threw into one sentence, for the failures a user can
 * expect (Hearth restarting, a timeout, a dropped connection, the server's own error); anything
 * else is returned as it is.
 */
export function sessionFailure(e: unknown, name: string): unknown {
  if (isAppError(e)) return e;
  if (e instanceof McpError) {
    const said = e.message.replace(/^MCP error -?\d+: /, "");
    if (e.code === ErrorCode.RequestTimeout) return new AppError("unavailable", `${name} did not answer in time (${said.toLowerCase()}); try again, or check the server's logs`, { cause: e });
    if (e.code === ErrorCode.ConnectionClosed && said === "Connection closed") {
      return new AppError("unavailable", `the session to ${name} closed before it answered (Hearth restarted, or the server process ended); try again`, { cause: e });
    }
    return new AppError("unavailable", `${name} answered with an error: ${said}`, { cause: e });
  }
  if (e instanceof StreamableHTTPError) return new AppError("unavailable", `the session to ${name} failed: ${e.message}`, { cause: e });
  const code = (e as { code?: unknown } | null)?.code;
  if (code === "ConnectionRefused" || code === "ECONNREFUSED" || code === "ECONNRESET") {
    return new AppError("unavailable", `the connection to Hearth was lost while talking to ${name} (it stopped or restarted); try again`, { cause: e });
  }
  return e;
}
