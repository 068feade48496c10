// Concurrent: N simultaneous new WebSocket sessions (cold: warm pool off), opened by a separate
// client process. Measures the time until all are initialized, each child's RSS/PSS (smaps_rollup)
// and Hearth's own RSS growth per open session.
import { join } from "node:path";
import { descendantsOf } from "../../test/helpers/processes.ts";
import { applyPool } from "../lib/connect.ts";
import { startGroup } from "../lib/group-process.ts";
import { NAME, setDeploymentSetting, withBenchHearth, type BenchHearth } from "../lib/hearth.ts";
import { ownRssMb, smapsRollup } from "../lib/memory.ts";
import type { OpenReport } from "../lib/open-sessions.ts";
import { fmtMb, fmtMs, fmtSpread, percentile, spread } from "../lib/stats.ts";
import type { Part, PartOptions, PartResult, TargetCheck } from "./part.ts";

const OPENER = join(import.meta.dir, "../lib/open-sessions.ts");

/** ConcurrentRound is one burst of n sessions. */
interface ConcurrentRound {
  n: number;
  report: OpenReport;
  children: number;
  childRssMb: number;
  childPssMb: number;
  totalPssMb: number;
  hearthGrowthMb: number;
}

async function drained(b: BenchHearth, timeoutMs = 30_000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (b.h.hosting.supervisor.count() > 0 && Date.now() < end) await Bun.sleep(50);
  return b.h.hosting.supervisor.count() === 0;
}

async function readReport(out: () => string, exited: () => boolean, timeoutMs: number): Promise<OpenReport> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const line = out().split("\n").find((l) => l.startsWith("{"));
    if (line) return JSON.parse(line) as OpenReport;
    if (exited() || Date.now() > end) throw new Error("the session opener gave no report");
    await Bun.sleep(20);
  }
}

async function burst(b: BenchHearth, n: number): Promise<ConcurrentRound> {
  if (!(await drained(b))) throw new Error("children from the last round did not end");
  const before = await ownRssMb();
  const opener = startGroup("open-sessions", [process.execPath, OPENER, b.h.wsUrl(NAME, `api_key=${b.h.key}`), String(n), "180000"]);
  try {
    const report = await readReport(opener.stdout, () => opener.proc.exitCode !== null, 200_000);
    await Bun.sleep(1000); // children finish their post-initialize work before memory is read
    const mem = descendantsOf(process.pid).filter((p) => p.pgrp !== opener.pid).map((p) => smapsRollup(p.pid)).filter((m) => m !== undefined);
    const after = await ownRssMb();
    return {
      n,
      report,
      children: mem.length,
      childRssMb: percentile(mem.map((m) => m.rssMb), 50),
      childPssMb: percentile(mem.map((m) => m.pssMb), 50),
      totalPssMb: mem.reduce((a, m) => a + m.pssMb, 0),
      hearthGrowthMb: after - before,
    };
  } finally {
    opener.proc.stdin.end();
    await Promise.race([opener.proc.exited, Bun.sleep(10_000)]);
    await opener.stop();
  }
}

function rows(n: number, rs: ConcurrentRound[]): (string | number)[][] {
  const s = (f: (r: ConcurrentRound) => number) => spread(rs.map(f));
  const ok = rs.map((r) => r.report.ok);
  const errs = [...new Set(rs.flatMap((r) => r.report.errors))];
  const mb = (v: number) => fmtMb(v);
  return [
    [`${n} sessions: all initialized after`, fmtSpread(s((r) => r.report.initializedMs)), `${Math.min(...ok)}-${Math.max(...ok)} of ${n} initialized${errs.length ? `; ${errs[0]}` : ""}`],
    [`${n} sessions: RSS per child (median child)`, fmtSpread(s((r) => r.childRssMb), mb), "RSS counts shared pages in every child"],
    [`${n} sessions: PSS per child (median child)`, fmtSpread(s((r) => r.childPssMb), mb), `all children together: ${fmtSpread(s((r) => r.totalPssMb), mb)}`],
    [`${n} sessions: Hearth RSS growth per open session`, fmtSpread(s((r) => r.hearthGrowthMb / r.n), mb), `total ${fmtSpread(s((r) => r.hearthGrowthMb), mb)}`],
  ];
}

async function run(o: PartOptions): Promise<PartResult> {
  const sizes = o.quick ? [50] : [50, 200];
  return withBenchHearth(o.needles, async (b) => {
    setDeploymentSetting(b, "maxSessions", 250);
    applyPool(b, 0);
    const by = new Map<number, ConcurrentRound[]>();
    for (const n of sizes) {
      by.set(n, []);
      for (let r = 0; r < o.rounds; r++) by.get(n)!.push(await burst(b, n));
    }
    const fifty = by.get(50)!;
    const t50 = spread(fifty.map((r) => (r.report.ok === 50 ? r.report.initializedMs : NaN))).median;
    const growth = spread([...by.values()].flat().map((r) => r.hearthGrowthMb / r.n)).median;
    const targets: TargetCheck[] = [
      { target: "50 cold sessions initialized <= 8 s (2 cores)", measured: fmtMs(t50), met: Number.isFinite(t50) ? t50 <= 8000 : false },
      { target: "Hearth RSS growth <= 0.2 MB per open session", measured: fmtMb(growth), met: Number.isFinite(growth) ? growth <= 0.2 : null },
    ];
    return {
      tables: [{
        title: `concurrent: N simultaneous new WebSocket sessions, cold (pool off), sandbox off, ${o.rounds} rounds each (median, min–max)`,
        header: ["measure", "value", "detail"],
        rows: sizes.flatMap((n) => rows(n, by.get(n)!)),
      }],
      targets,
      notes: [],
      data: Object.fromEntries(by),
    };
  });
}

/** concurrent is the bench part for bursts of simultaneous cold sessions. */
export const concurrent: Part = { name: "concurrent", run };
