import { errorFrame } from "../relay/frames.ts";

/** rpcError is a transport-level refusal: an HTTP status with a JSON-RPC error that has no id, as the MCP spec allows. */
export function rpcError(status: number, code: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(errorFrame(null, code, message), { status, headers: { "content-type": "application/json", ...headers } });
}

/** jsonReply is one child message as a plain JSON response body, byte for byte. */
export function jsonReply(line: string, headers: Record<string, string>): Response {
  return new Response(line, { status: 200, headers: { "content-type": "application/json", ...headers } });
}
