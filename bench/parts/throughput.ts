// Throughput: many `echo` calls pipelined on one session (a fixed number in flight), direct stdio
// vs Hearth WS vs Hearth Streamable HTTP: calls per second and each call's latency under load.
import { pipelinedJob } from "../lib/client.ts";
import { withBenchHearth } from "../lib/hearth.ts";
import { directPaths, hearthHttp, hearthWs, type Path } from "../lib/paths.ts";
import { fmtMs, fmtRatio, fmtSpread, percentile, spread } from "../lib/stats.ts";
import { errorText, type Part, type PartOptions, type PartResult } from "./part.ts";

const INFLIGHT = 64;

interface PathThroughput {
  id: string;
  label: string;
  perSec: number[];
  medians: number[];
  p99s: number[];
  errors: string[];
}

async function measure(paths: Path[], o: PartOptions, total: number): Promise<PathThroughput[]> {
  const recs = paths.map((p) => ({ id: p.id, label: p.label, perSec: [] as number[], medians: [] as number[], p99s: [] as number[], errors: [] as string[] }));
  for (let r = 0; r < o.rounds; r++) {
    for (let k = 0; k < paths.length; k++) {
      const i = (k + r) % paths.length;
      try {
        const res = await pipelinedJob(o.client, paths[i]!.spec, total, INFLIGHT);
        recs[i]!.perSec.push(total / (res.wallMs / 1000));
        recs[i]!.medians.push(percentile(res.latencies, 50));
        recs[i]!.p99s.push(percentile(res.latencies, 99));
      } catch (e) {
        recs[i]!.perSec.push(NaN);
        recs[i]!.errors.push(errorText(e));
      }
    }
  }
  return recs;
}

const perSec = (v: number) => `${Math.round(v).toLocaleString("en")}/s`;

async function run(o: PartOptions): Promise<PartResult> {
  const total = o.quick ? 1000 : 5000;
  return withBenchHearth(o.needles, async (b) => {
    const recs = await measure([directPaths(b).bun, hearthWs(b), hearthHttp(b)], o, total);
    const base = recs[0]!;
    const rows = recs.map((r) => [
      r.label + (r.errors.length ? `  [${r.errors.length} round(s) failed: ${r.errors[0]}]` : ""),
      fmtSpread(spread(r.perSec), perSec),
      fmtSpread(spread(r.perSec.map((v, i) => v / base.perSec[i]!)), fmtRatio),
      fmtMs(spread(r.medians).median),
      fmtMs(spread(r.p99s).median),
    ]);
    return {
      tables: [{
        title: `throughput: ${total} echo calls on one session, ${INFLIGHT} in flight, client in ${o.client === "worker" ? "a worker thread" : "Hearth's thread"}, ${o.rounds} rounds (median round, min–max)`,
        header: ["path", "calls per second", "vs direct bun", "call median", "call p99"],
        rows,
      }],
      targets: [],
      notes: o.client === "inline" ? ["--client inline: the bench client shares Hearth's JS thread, so WS/HTTP throughput includes the client's own work"] : [],
      data: { total, inflight: INFLIGHT, paths: recs },
    };
  });
}

/** throughput is the bench part for pipelined calls on one session. */
export const throughput: Part = { name: "throughput", run };
