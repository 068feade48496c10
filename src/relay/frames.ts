import type { Child } from "../supervisor/child.ts";

/** JsonRpcId is a JSON-RPC request id. */
export type JsonRpcId = string | number;

/** ClientFrame is what the relay learned from one client message before passing it on unchanged. */
export type ClientFrame =
  | { kind: "request"; id: JsonRpcId; method: string }
  | { kind: "notification"; method: string }
  | { kind: "response"; id: JsonRpcId }
  | { kind: "invalid"; error: { code: number; message: string }; id: JsonRpcId | null };

/** inspectClientFrame classifies one client message; the text itself is relayed as is, never re-serialised. */
export function inspectClientFrame(text: string): ClientFrame {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return { kind: "invalid", id: null, error: { code: -32700, message: "Parse error: the message is not JSON" } };
  }
  if (Array.isArray(msg)) return { kind: "invalid", id: null, error: { code: -32600, message: "Invalid Request: JSON-RPC batches are not supported by MCP (since 2025-06-18); send one message per frame" } };
  if (typeof msg !== "object" || msg === null || (msg as { jsonrpc?: unknown }).jsonrpc !== "2.0") {
    return { kind: "invalid", id: null, error: { code: -32600, message: 'Invalid Request: expected a JSON-RPC 2.0 object with "jsonrpc": "2.0"' } };
  }
  const m = msg as { id?: unknown; method?: unknown };
  const id = typeof m.id === "string" || typeof m.id === "number" ? m.id : undefined;
  if (typeof m.method === "string") return id !== undefined ? { kind: "request", id, method: m.method } : { kind: "notification", method: m.method };
  if (id !== undefined) return { kind: "response", id };
  return { kind: "invalid", id: null, error: { code: -32600, message: "Invalid Request: neither a request, a notification nor a response" } };
}

/** responseId returns the id when a child message is a response (result or error), so in-flight requests can be closed. */
export function responseId(text: string): JsonRpcId | undefined {
  // Cheap pre-check: notifications (the bulk of streaming traffic) carry "method" and no result/error.
  if (!text.includes('"result"') && !text.includes('"error"')) return undefined;
  try {
    const m = JSON.parse(text) as { id?: unknown; method?: unknown };
    if (m.method !== undefined) return undefined;
    return typeof m.id === "string" || typeof m.id === "number" ? m.id : undefined;
  } catch {
    return undefined;
  }
}

/** errorFrame is a JSON-RPC error response, as text. */
export function errorFrame(id: JsonRpcId | null, code: number, message: string, data?: unknown): string {
  return JSON.stringify({ jsonrpc: "2.0", id, error: { code, message, ...(data === undefined ? {} : { data }) } });
}

/** childGoneMessage explains a child's end to the client, with the tail of its stderr. */
export function childGoneMessage(child: Child): { message: string; stderrTail: string } {
  const end = child.state;
  const tail = end.state === "failed" ? end.stderrTail.join("\n") : child.logs.tail(20, "stderr").map((l) => l.text).join("\n");
  const how = end.state === "failed" || end.state === "exited" ? (end.code !== null ? `exit code ${end.code}` : end.signal ? `signal ${end.signal}` : end.state) : end.state;
  // A resource limit that stopped it is the most useful thing to tell the client.
  const limit = end.state === "failed" && typeof end.error.extra.limit === "string" ? `: ${end.error.extra.limit}` : "";
  return { message: `the server process ended (${how}${limit}) before answering`, stderrTail: tail };
}

/** logNotification is an MCP log message from Hearth itself (idle and age limits announce themselves this way). */
export function logNotification(level: "info" | "warning", data: string): string {
  return JSON.stringify({ jsonrpc: "2.0", method: "notifications/message", params: { level, logger: "hearth", data } });
}
