import type { Transport, TransportSendOptions } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import type { ClientEnd, SessionEnd } from "../relay/client-end.ts";
import { RelaySession, type RelayDeps, type RelayTarget } from "../relay/relay-session.ts";

const CLOSED: SessionEnd = { reason: "client", error: { message: "the playground session was closed" } };

/**
 * PlaygroundEnd is the playground's end of a relayed session, facing both ways: to the relay core
 * it is a ClientEnd (a line from the child becomes the SDK's onmessage), to the playground's SDK
 * Client it is a Transport (the client's message goes to the core as a line). So playground
 * sessions get the same in-flight failures, limits, usage and drain as client sessions. The two
 * contracts both name `send` and `close`; the overloads tell them apart by argument.
 */
export class PlaygroundEnd implements ClientEnd, Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private relay: RelaySession | undefined;
  private closed = false;

  constructor(
    private readonly target: RelayTarget,
    private readonly deps: Omit<RelayDeps, "transport">,
  ) {}

  /** start begins relaying (the SDK Client calls it on connect). */
  async start(): Promise<void> {
    this.relay = new RelaySession(this.target, this, { ...this.deps, transport: "playground" });
  }

  /** send(line) delivers a child line to the SDK client (ClientEnd); send(message) relays the client's message to the child (Transport). */
  send(line: string): boolean;
  send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void>;
  send(x: string | JSONRPCMessage): boolean | Promise<void> {
    if (typeof x !== "string") {
      if (!this.relay || this.relay.ended) return Promise.reject(new Error("the playground session has ended"));
      return this.relay.fromClient(JSON.stringify(x)) ?? Promise.resolve();
    }
    try {
      this.onmessage?.(JSON.parse(x) as JSONRPCMessage);
    } catch (e) {
      this.onerror?.(e as Error);
    }
    return true;
  }

  /** close() ends the session from the SDK client (Transport); close(end) is the core ending it (ClientEnd). */
  close(): Promise<void>;
  close(end: SessionEnd): void;
  close(end?: SessionEnd): Promise<void> | void {
    if (end) return this.finish();
    if (this.relay) this.relay.close(CLOSED);
    else void this.target.lease.release("the playground session was closed");
    this.finish();
    return Promise.resolve();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.onclose?.();
  }
}
