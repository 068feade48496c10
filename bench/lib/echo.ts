// Timed `echo` tool calls over one MCP session: sequential (latency) and pipelined (throughput).
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { openTransport, type PathSpec } from "./transport.ts";

/** withSession connects an SDK client over a fresh transport, runs fn, and ends the session. */
export async function withSession<T>(spec: PathSpec, fn: (client: Client) => Promise<T>): Promise<T> {
  const transport = openTransport(spec);
  const client = new Client({ name: "hearth-bench", version: "1" });
  await client.connect(transport);
  try {
    return await fn(client);
  } finally {
    await endSession(transport, client);
  }
}

/** endSession sends DELETE for Streamable HTTP sessions (gateways otherwise keep the child until an idle timeout), then closes. */
export async function endSession(transport: Transport, client: Client): Promise<void> {
  const t = transport as Transport & { terminateSession?: () => Promise<void> };
  try {
    if (t.terminateSession && t.sessionId) await t.terminateSession();
  } catch {
    // A gateway without DELETE support: closing is all we can do.
  }
  await client.close();
}

const echo = (client: Client, i: number) => client.callTool({ name: "echo", arguments: { message: `hello ${i}` } });

/** echoLatencies times `calls` sequential echo calls after `warmup` untimed ones. */
export function echoLatencies(spec: PathSpec, calls: number, warmup = 50): Promise<number[]> {
  return withSession(spec, async (client) => {
    for (let i = 0; i < warmup; i++) await echo(client, i);
    const out: number[] = [];
    for (let i = 0; i < calls; i++) {
      const t0 = performance.now();
      await echo(client, i);
      out.push(performance.now() - t0);
    }
    return out;
  });
}

/** Pipelined is one pipelined run: wall time and each call's own latency. */
export interface Pipelined {
  wallMs: number;
  latencies: number[];
}

/** pipelinedEcho keeps `inflight` echo calls outstanding on one session until `total` have completed. */
export function pipelinedEcho(spec: PathSpec, total: number, inflight: number, warmup = 200): Promise<Pipelined> {
  return withSession(spec, async (client) => {
    await Promise.all(Array.from({ length: Math.min(inflight, warmup) }, (_, k) => echo(client, k)));
    const latencies: number[] = [];
    let next = 0;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: inflight }, async () => {
      while (next < total) {
        const i = next++;
        const s = performance.now();
        await echo(client, i);
        latencies.push(performance.now() - s);
      }
    }));
    return { wallMs: performance.now() - t0, latencies };
  });
}
