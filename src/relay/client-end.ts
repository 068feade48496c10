import type { JsonRpcId } from "./frames.ts";

/** EndReason is why a relayed session ends; each transport maps it to its own close (a WebSocket code, an HTTP stream end). */
export type EndReason = "idle" | "max-age" | "child-exit" | "access-lost" | "restart" | "client";

/** SessionEnd says how a session ends: an optional notice for the client, and the error its in-flight requests got. */
export interface SessionEnd {
  reason: EndReason;
  notice?: string;
  error: { message: string; data?: unknown };
}

/**
 * ClientEnd is what a transport implements to carry a relayed session to its client: framing only.
 * The relay core owns everything else (in-flight requests, timers, access, metrics, the lease).
 */
export interface ClientEnd {
  /**
   * send delivers one JSON-RPC line to the client; false means the client is not keeping up, and the
   * core pauses the child until `drained()`. `responseTo` is the id when the core already parsed the
   * line as a response, so an end that routes by id need not parse it again.
   */
  send(line: string, responseTo?: JsonRpcId): boolean;
  /** close ends the client side once, after the core has failed the in-flight requests through `send`. */
  close(end: SessionEnd): void;
}
