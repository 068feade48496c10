// Soak: bench/soak.ts's logic (lib/soak.ts) once per round on a fresh Hearth, then the oracle's
// count of processes left once that Hearth has shut down.
import { withBenchHearth } from "../lib/hearth.ts";
import { leftovers } from "../lib/leftovers.ts";
import { runSoak, type SoakResult } from "../lib/soak.ts";
import { fmtMb, fmtSpread, spread } from "../lib/stats.ts";
import type { Part, PartOptions, PartResult } from "./part.ts";

const PARALLEL = 8;

async function run(o: PartOptions): Promise<PartResult> {
  const sessions = o.quick ? 100 : 1000;
  const rounds: (SoakResult & { leftover: number })[] = [];
  for (let r = 0; r < o.rounds; r++) {
    let dataDir = "";
    const res = await withBenchHearth(o.needles, (b) => {
      dataDir = b.h.ctx.config.dataDir;
      return runSoak(b, sessions, PARALLEL);
    });
    await Bun.sleep(500);
    rounds.push({ ...res, leftover: leftovers([dataDir]).length });
  }
  const s = (f: (r: (typeof rounds)[number]) => number) => spread(rounds.map(f));
  const n = (v: number) => String(Math.round(v * 10) / 10);
  const kb = (v: number) => `${v.toFixed(1)} KB`;
  const leftover = Math.max(...rounds.map((r) => r.leftover));
  const procGrowth = Math.max(...rounds.map((r) => r.after.procs - r.before.procs));
  return {
    tables: [{
      title: `soak: ${sessions} WebSocket sessions (initialize, close), ${PARALLEL} at a time, on a fresh Hearth each round, ${o.rounds} rounds (median, min–max)`,
      header: ["measure", "before", "after", "growth"],
      rows: [
        ["child processes (Hearth's, incl. warm pool)", fmtSpread(s((r) => r.before.procs), n), fmtSpread(s((r) => r.after.procs), n), fmtSpread(s((r) => r.after.procs - r.before.procs), n)],
        ["warm pool idle", fmtSpread(s((r) => r.before.pool), n), fmtSpread(s((r) => r.after.pool), n), ""],
        ["Hearth RSS", fmtSpread(s((r) => r.before.rssMb), fmtMb), fmtSpread(s((r) => r.after.rssMb), fmtMb), fmtSpread(s((r) => r.after.rssMb - r.before.rssMb), fmtMb)],
        ["Hearth RSS growth per session", "", "", fmtSpread(s((r) => ((r.after.rssMb - r.before.rssMb) * 1024) / sessions), kb)],
        ["sessions per second", "", fmtSpread(s((r) => sessions / r.seconds), n), ""],
        ["processes left after Hearth stopped", "", fmtSpread(s((r) => r.leftover), n), ""],
      ],
    }],
    targets: [
      { target: "zero leftover processes after the soak", measured: `${leftover} left after stop; child count grew by ${procGrowth} at most`, met: leftover === 0 && procGrowth <= 0 },
    ],
    notes: [],
    data: { sessions, parallel: PARALLEL, rounds },
  };
}

/** soak is the bench part that opens and closes many sessions and checks nothing is left. */
export const soak: Part = { name: "soak", run };
