// Peer gateways run the way their READMEs say, on loopback, each started and stopped by the bench
// and pointed at the same server-everything command Hearth runs. A peer that fails to start is a
// result ("failed: …"), not a crash.
import { join } from "node:path";
import { startGroup, type GroupProcess } from "./group-process.ts";

const NODE_MODULES = join(import.meta.dir, "../../node_modules");

/** PeerKind is how clients reach the peer: one WebSocket per session, or Streamable HTTP. */
export type PeerKind = "ws" | "http";

/** Peer describes one gateway mode: how to start it and where its MCP endpoint is. */
export interface Peer {
  label: string;
  kind: PeerKind;
  argv(port: number, server: string[]): string[];
  url(port: number): string;
}

/** RunningPeer is a started gateway, its endpoint, and its stop. */
export interface RunningPeer {
  peer: Peer;
  url: string;
  group: GroupProcess;
}

// supergateway takes the server as one shell string (it spawns with shell: true).
const shellQuote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`);
const sg = (runtime: string) => [runtime, join(NODE_MODULES, "supergateway/dist/index.js")];

/** peers returns the gateway modes compared in the latency part, started with the given runtime (node or bun). */
export function peers(runtime: string): Peer[] {
  return [
    {
      label: "supergateway --outputTransport ws (shared child)",
      kind: "ws",
      argv: (port, server) => [...sg(runtime), "--stdio", server.map(shellQuote).join(" "), "--outputTransport", "ws", "--port", String(port), "--logLevel", "none", "--healthEndpoint", "/healthz"],
      url: (port) => `ws://127.0.0.1:${port}/message`,
    },
    {
      label: "supergateway streamableHttp --stateful",
      kind: "http",
      argv: (port, server) => [...sg(runtime), "--stdio", server.map(shellQuote).join(" "), "--outputTransport", "streamableHttp", "--stateful", "--port", String(port), "--logLevel", "none"],
      url: (port) => `http://127.0.0.1:${port}/mcp`,
    },
    {
      label: "mcp-proxy /mcp (shared child)",
      kind: "http",
      argv: (port, server) => [runtime, join(NODE_MODULES, "mcp-proxy/dist/bin/mcp-proxy.mjs"), "--host", "127.0.0.1", "--port", String(port), "--server", "stream", "--", ...server],
      url: (port) => `http://127.0.0.1:${port}/mcp`,
    },
  ];
}

/** freePort asks the kernel for a free loopback port. */
export function freePort(): number {
  const s = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = s.port;
  s.stop(true);
  return port;
}

/** startPeer starts a gateway and waits until its port answers HTTP; it throws with the peer's own output if not. */
export async function startPeer(peer: Peer, server: string[], env: Record<string, string>, timeoutMs = 30_000): Promise<RunningPeer> {
  const port = freePort();
  const group = startGroup(peer.label, peer.argv(port, server), { env });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1000) });
      return { peer, url: peer.url(port), group };
    } catch {
      // Not listening yet.
    }
    if (group.proc.exitCode !== null || Date.now() > deadline) {
      await group.stop();
      const why = group.proc.exitCode !== null ? `exited with ${group.proc.exitCode}` : `not listening after ${timeoutMs / 1000} s`;
      const tail = (group.stderr() || group.stdout()).trim().split("\n").slice(-3).join(" | ");
      throw new Error(`${why}${tail ? `: ${tail}` : ""}`);
    }
    await Bun.sleep(50);
  }
}
