// Connect: connect-to-initialized through Hearth, cold (spawn + load + initialize, pool 0) vs
// from the warm pool (a pre-spawned child), over WS and Streamable HTTP.
import { connectTimes } from "../lib/connect.ts";
import { withBenchHearth } from "../lib/hearth.ts";
import { hearthHttp, hearthWs, type Path } from "../lib/paths.ts";
import { fmtMs, fmtSpread, percentile, spread } from "../lib/stats.ts";
import { errorText, type Part, type PartOptions, type PartResult, type TargetCheck } from "./part.ts";

interface ConnectRecord {
  mode: "cold" | "warm";
  path: string;
  medians: number[];
  all: number[];
  errors: string[];
}

async function measure(paths: Path[], o: PartOptions, n: number, run: (p: Path, pool: number) => Promise<number[]>): Promise<ConnectRecord[]> {
  const recs: ConnectRecord[] = [];
  for (const mode of ["cold", "warm"] as const) for (const p of paths) recs.push({ mode, path: p.label, medians: [], all: [], errors: [] });
  for (let r = 0; r < o.rounds; r++) {
    for (const rec of recs) {
      try {
        const s = await run(paths.find((p) => p.label === rec.path)!, rec.mode === "warm" ? 1 : 0);
        rec.medians.push(percentile(s, 50));
        rec.all.push(...s);
      } catch (e) {
        rec.errors.push(errorText(e));
      }
    }
  }
  return recs;
}

async function run(o: PartOptions): Promise<PartResult> {
  const n = o.quick ? 5 : 10;
  return withBenchHearth(o.needles, async (b) => {
    const recs = await measure([hearthWs(b), hearthHttp(b)], o, n, (p, pool) => connectTimes(b, p, n, pool));
    const rows = recs.map((r) => [
      `${r.mode === "cold" ? "cold (spawn + load + initialize)" : "warm pool (pre-spawned child)"}, ${r.path}${r.errors.length ? `  [failed: ${r.errors[0]}]` : ""}`,
      fmtSpread(spread(r.medians)),
      r.all.length ? fmtMs(Math.min(...r.all)) : "n/a",
      r.all.length ? fmtMs(Math.max(...r.all)) : "n/a",
    ]);
    const targets: TargetCheck[] = recs.filter((r) => r.mode === "warm").map((r) => {
      const m = spread(r.medians).median;
      return { target: `warm connect <= 30 ms (${r.path})`, measured: fmtMs(m), met: Number.isFinite(m) ? m <= 30 : null };
    });
    return {
      tables: [{
        title: `connect to initialized: ${n} connects per round, ${o.rounds} rounds (median of each round's median, min–max over rounds; fastest and slowest single connect)`,
        header: ["mode, path", "median", "fastest", "slowest"],
        rows,
      }],
      targets,
      notes: [],
      data: { perRound: n, records: recs },
    };
  });
}

/** connect is the bench part for cold vs warm connect-to-initialized. */
export const connect: Part = { name: "connect", run };
