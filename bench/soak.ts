// Soak: open and close N sessions (default 1,000) through Hearth's WebSocket endpoint, a few at a
// time, and print child-process count and Hearth's RSS before and after. Nothing may grow beyond
// the warm pool. Run: bun bench/soak.ts [sessions] [parallel] (or `bun run bench --parts soak`)
import { configureLogging } from "../src/shared/log.ts";
import { startBenchHearth } from "./lib/hearth.ts";
import { runSoak } from "./lib/soak.ts";
import { table } from "./lib/stats.ts";

configureLogging({ level: "error" });
const SESSIONS = Number(process.argv[2] ?? 1000);
const PARALLEL = Number(process.argv[3] ?? 8);

const b = await startBenchHearth();
try {
  const { before, after, seconds } = await runSoak(b, SESSIONS, PARALLEL);
  console.log(`soak: ${SESSIONS} WebSocket sessions (initialize, close), ${PARALLEL} at a time, in ${seconds.toFixed(1)} s\n`);
  console.log(table(["", "child processes", "warm pool", "Hearth RSS"], [
    ["before", before.procs, before.pool, `${before.rssMb.toFixed(1)} MB`],
    ["after", after.procs, after.pool, `${after.rssMb.toFixed(1)} MB`],
    ["growth", after.procs - before.procs, after.pool - before.pool, `${(after.rssMb - before.rssMb).toFixed(1)} MB (${(((after.rssMb - before.rssMb) * 1024) / SESSIONS).toFixed(1)} KB/session)`],
  ]));
} finally {
  await b.close();
}
