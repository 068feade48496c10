import { randomUUID } from "node:crypto";
import { WebStandardStreamableHTTPServerTransport, type EventStore } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { createConformanceServer } from "../fixtures/conformance-server.ts";

/** DirectTarget is the conformance fixture served by the SDK's own Streamable HTTP transport, no Hearth involved. */
export interface DirectTarget {
  url: string;
  /** sessions is how many sessions are open now (the suite never sends DELETE). */
  sessions(): number;
  close(): Promise<void>;
}

// Resumability needs somewhere to keep events; a list per process is plenty for one suite run.
function memoryEventStore(): EventStore {
  const events: { id: string; streamId: string; message: JSONRPCMessage }[] = [];
  return {
    async storeEvent(streamId, message) {
      const id = `${streamId}_${events.length}`;
      events.push({ id, streamId, message });
      return id;
    },
    async getStreamIdForEventId(eventId) {
      return events.find((e) => e.id === eventId)?.streamId;
    },
    async replayEventsAfter(lastEventId, { send }) {
      const at = events.findIndex((e) => e.id === lastEventId);
      if (at < 0) return "";
      const streamId = events[at]!.streamId;
      for (const e of events.slice(at + 1)) if (e.streamId === streamId) await send(e.id, e.message);
      return streamId;
    },
  };
}

/**
 * startDirectTarget serves the fixture at http://127.0.0.1:{port}/mcp the way the SDK's examples
 * do: a server and transport per session, an event store and a retry interval for SEP-1699, and
 * the SDK's Host/Origin allow-list. What the suite passes here is what a transparent bridge
 * in front of the same server should pass.
 */
export function startDirectTarget(): DirectTarget {
  const transports = new Map<string, WebStandardStreamableHTTPServerTransport>();
  let origin = "";
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0, // SSE streams stay quiet for as long as a tool runs
    async fetch(request) {
      if (new URL(request.url).pathname !== "/mcp") return new Response("not found", { status: 404 });
      const sid = request.headers.get("mcp-session-id");
      const known = sid ? transports.get(sid) : undefined;
      if (known) return known.handleRequest(request);
      if (sid) return Response.json({ jsonrpc: "2.0", error: { code: -32001, message: "Session not found" }, id: null }, { status: 404 });
      const transport = new WebStandardStreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        eventStore: memoryEventStore(),
        retryInterval: 1000,
        enableDnsRebindingProtection: true,
        allowedHosts: [new URL(origin).host, `localhost:${new URL(origin).port}`],
        allowedOrigins: [origin, `http://localhost:${new URL(origin).port}`],
        onsessioninitialized: (id) => void transports.set(id, transport),
        onsessionclosed: (id) => void transports.delete(id),
      });
      transport.onclose = () => transport.sessionId && transports.delete(transport.sessionId);
      await createConformanceServer().connect(transport);
      return transport.handleRequest(request);
    },
  });
  origin = `http://127.0.0.1:${server.port}`;
  return {
    url: `${origin}/mcp`,
    sessions: () => transports.size,
    async close() {
      await Promise.all([...transports.values()].map((t) => t.close()));
      await server.stop(true);
    },
  };
}
