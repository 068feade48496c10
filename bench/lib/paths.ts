// The ways a bench client reaches server-everything: direct stdio children (Hearth's embedded bun,
// or node), Hearth's two endpoints, and peer gateways.
import { NAME, type BenchHearth } from "./hearth.ts";
import type { RunningPeer } from "./peers.ts";
import type { PathSpec } from "./transport.ts";

/** Path is one named way to open an MCP session to server-everything. */
export interface Path {
  id: string;
  label: string;
  spec: PathSpec;
}

/** nodeCommand is the same server-everything entry point as Hearth's, run by node instead of the embedded bun. */
export function nodeCommand(b: BenchHearth): string[] {
  return ["node", ...b.command.slice(1)];
}

/** directPaths are the baselines: bun (Hearth's embedded runtime) and node children over stdio, spawned per session. */
export function directPaths(b: BenchHearth): { bun: Path; node: Path } {
  return {
    bun: { id: "direct-bun", label: "direct stdio, embedded bun child", spec: { kind: "stdio", command: b.command, env: b.env } },
    node: { id: "direct-node", label: "direct stdio, node child", spec: { kind: "stdio", command: nodeCommand(b), env: {} } },
  };
}

/** hearthWs is Hearth's WebSocket endpoint /{ns}/{name}/ws. */
export function hearthWs(b: BenchHearth): Path {
  return { id: "hearth-ws", label: "Hearth WebSocket /ws", spec: { kind: "ws", url: b.h.wsUrl(NAME, `api_key=${b.h.key}`) } };
}

/** hearthHttp is Hearth's Streamable HTTP endpoint /{ns}/{name}/mcp. */
export function hearthHttp(b: BenchHearth): Path {
  return { id: "hearth-http", label: "Hearth Streamable HTTP /mcp", spec: { kind: "http", url: b.h.httpUrl(NAME), headers: { authorization: `Bearer ${b.h.key}` } } };
}

/** peerPath reaches a running peer gateway. */
export function peerPath(id: string, p: RunningPeer): Path {
  return { id, label: p.peer.label, spec: p.peer.kind === "ws" ? { kind: "ws", url: p.url } : { kind: "http", url: p.url } };
}
