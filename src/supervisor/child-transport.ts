import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import type { Lease } from "./lease.ts";

/**
 * ChildTransport lets Hearth's own MCP client (the tool-list probe, the playground) talk to a
 * supervised child through the SDK, using the SDK's seven-member Transport contract. Closing it
 * releases the lease, so the child is always ended and reaped.
 */
export class ChildTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private unsubscribe?: () => void;
  private closed = false;

  constructor(private readonly lease: Lease) {}

  async start(): Promise<void> {
    this.unsubscribe = this.lease.child.on("message", (line) => {
      try {
        this.onmessage?.(JSON.parse(line) as JSONRPCMessage);
      } catch (e) {
        this.onerror?.(e as Error);
      }
    });
    void this.lease.child.ended.then(() => this.finish());
  }

  async send(message: JSONRPCMessage): Promise<void> {
    await this.lease.child.send(JSON.stringify(message));
  }

  async close(): Promise<void> {
    await this.lease.release("probe finished");
    this.finish();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    this.onclose?.();
  }
}
