// How a bench client opens one MCP session, from plain data. Kept free of Hearth imports: client
// workers load it, and they should load the SDK client and nothing else.
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { WebSocketClientTransport } from "@modelcontextprotocol/sdk/client/websocket.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";

/** PathSpec says how to open a session, as plain data: it crosses into a client worker. */
export type PathSpec =
  | { kind: "stdio"; command: string[]; env: Record<string, string> }
  | { kind: "ws"; url: string }
  | { kind: "http"; url: string; headers?: Record<string, string> };

/** openTransport makes a fresh SDK client transport for one session. */
export function openTransport(spec: PathSpec): Transport {
  switch (spec.kind) {
    case "stdio":
      return new StdioClientTransport({ command: spec.command[0]!, args: spec.command.slice(1), env: { PATH: process.env.PATH ?? "", ...spec.env }, stderr: "ignore" });
    case "ws":
      return new WebSocketClientTransport(new URL(spec.url));
    case "http":
      return new StreamableHTTPClientTransport(new URL(spec.url), { requestInit: { headers: spec.headers ?? {} } });
  }
}
