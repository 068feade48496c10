// Latency: sequential `echo` calls to server-everything, one fresh session per path per round,
// side by side: direct stdio (bun and node children), Hearth WS and Streamable HTTP, and peers.
import { latencyJob } from "../lib/client.ts";
import { withBenchHearth } from "../lib/hearth.ts";
import { directPaths, hearthHttp, hearthWs, peerPath, type Path } from "../lib/paths.ts";
import { peers, startPeer, type RunningPeer } from "../lib/peers.ts";
import { fmtMs, fmtRatio, fmtSpread, percentile, spread, type Spread } from "../lib/stats.ts";
import { errorText, type Part, type PartOptions, type PartResult, type TargetCheck } from "./part.ts";

/** PathLatency is one path's numbers over all rounds (NaN where a round failed). */
export interface PathLatency {
  id: string;
  label: string;
  medians: number[];
  p99s: number[];
  errors: string[];
}

interface Started {
  paths: Path[];
  running: RunningPeer[];
  failed: { id: string; label: string; error: string }[];
}

async function startPeers(o: PartOptions, server: string[], env: Record<string, string>): Promise<Started> {
  const out: Started = { paths: [], running: [], failed: [] };
  for (const [i, peer] of peers(o.peerRuntime).entries()) {
    const id = ["sg-ws", "sg-http-stateful", "mcp-proxy"][i]!;
    try {
      const r = await startPeer(peer, server, env);
      out.running.push(r);
      out.paths.push(peerPath(id, r));
    } catch (e) {
      out.failed.push({ id, label: peer.label, error: errorText(e, 120) });
    }
  }
  return out;
}

// Rotating the order each round spreads slow drift in the machine's load over every path.
const rotate = <T>(xs: T[], k: number) => xs.map((_, i) => xs[(i + k) % xs.length]!);

async function measure(paths: Path[], o: PartOptions, calls: number): Promise<Map<string, PathLatency>> {
  const by = new Map(paths.map((p) => [p.id, { id: p.id, label: p.label, medians: [] as number[], p99s: [] as number[], errors: [] as string[] }]));
  for (let r = 0; r < o.rounds; r++) {
    for (const p of rotate(paths, r)) {
      const rec = by.get(p.id)!;
      try {
        const s = await latencyJob(o.client, p.spec, calls);
        rec.medians.push(percentile(s, 50));
        rec.p99s.push(percentile(s, 99));
      } catch (e) {
        rec.medians.push(NaN);
        rec.p99s.push(NaN);
        rec.errors.push(errorText(e));
      }
    }
  }
  return by;
}

// Ratios are taken per round (path and baseline measured minutes apart at most), then summarised.
function ratio(rec: PathLatency, base: PathLatency | undefined): Spread {
  if (!base) return spread([]);
  return spread(rec.medians.map((m, i) => m / base.medians[i]!));
}

function targets(by: Map<string, PathLatency>, failed: Started["failed"]): TargetCheck[] {
  const med = (id: string) => spread(by.get(id)?.medians ?? []).median;
  const base = by.get("direct-bun");
  const ws = by.get("hearth-ws")!;
  const http = by.get("hearth-http")!;
  const wsRatio = ratio(ws, base).median;
  const httpRatio = ratio(http, base).median;
  const peerIds = ["sg-ws", "sg-http-stateful", "mcp-proxy"].filter((id) => Number.isFinite(med(id)));
  const slowestPeerLoss = peerIds.filter((id) => med("hearth-ws") >= med(id));
  const sgStateful = med("sg-http-stateful") / med("hearth-http");
  const missingPeers = failed.map((f) => f.id);
  return [
    { target: "WS median <= 1.15x direct stdio (bun)", measured: fmtRatio(wsRatio), met: Number.isFinite(wsRatio) ? wsRatio <= 1.15 : null },
    {
      target: "WS median ahead of every peer",
      measured: slowestPeerLoss.length ? `behind ${slowestPeerLoss.join(", ")}` : `ahead of ${peerIds.join(", ") || "none"}${missingPeers.length ? `; not run: ${missingPeers.join(", ")}` : ""}`,
      met: peerIds.length === 0 ? null : slowestPeerLoss.length === 0 && missingPeers.length === 0 ? true : slowestPeerLoss.length > 0 ? false : null,
    },
    { target: "HTTP median <= 2x direct stdio (bun)", measured: fmtRatio(httpRatio), met: Number.isFinite(httpRatio) ? httpRatio <= 2 : null },
    { target: "HTTP >= 3x faster than supergateway --stateful", measured: Number.isFinite(sgStateful) ? `${sgStateful.toFixed(2)}x faster` : "n/a", met: Number.isFinite(sgStateful) ? sgStateful >= 3 : null },
  ];
}

const shortCommand = (c: string[]) => c.map((a) => a.replace(/^.*\/node_modules\//, "…/")).join(" ");

async function run(o: PartOptions): Promise<PartResult> {
  const calls = o.quick ? 300 : 2000;
  return withBenchHearth(o.needles, async (b) => {
    const { bun, node } = directPaths(b);
    const started = await startPeers(o, b.command, b.env);
    let by: Map<string, PathLatency>;
    try {
      by = await measure([bun, node, hearthWs(b), hearthHttp(b), ...started.paths], o, calls);
    } finally {
      const stops = await Promise.all(started.running.map((r) => r.group.stop()));
      stops.forEach((s, i) => s.swept > 0 && started.failed.push({ id: "", label: started.running[i]!.peer.label, error: `left ${s.swept} processes behind (killed by the bench)` }));
    }
    const base = by.get("direct-bun");
    const baseNode = by.get("direct-node");
    const rows = [...by.values()].map((rec) => {
      const err = rec.errors.length ? `  [${rec.errors.length} round(s) failed: ${rec.errors[0]}]` : "";
      return [rec.label + err, fmtSpread(spread(rec.medians)), fmtMs(spread(rec.p99s).median), fmtSpread(ratio(rec, base), fmtRatio), fmtSpread(ratio(rec, baseNode), fmtRatio)];
    });
    for (const f of started.failed) rows.push([f.label, `failed: ${f.error}`, "", "", ""]);
    return {
      tables: [{
        title: `latency: ${calls} sequential echo calls per session, ${o.rounds} rounds (median round, min–max over rounds); client in ${o.client === "worker" ? "a worker thread" : "Hearth's thread"}; peers on ${o.peerRuntime}, all pointed at ${shortCommand(b.command)}`,
        header: ["path", "median", "p99", "vs direct bun", "vs direct node"],
        rows,
      }],
      targets: targets(by, started.failed.filter((f) => f.id)),
      notes: [],
      data: { calls, paths: [...by.values()], failedPeers: started.failed },
    };
  });
}

/** latency is the bench part comparing per-call latency across every path. */
export const latency: Part = { name: "latency", run };
