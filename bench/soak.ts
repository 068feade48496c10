// Soak: open and close N sessions (default 1,000) through Hearth's WebSocket endpoint, a few at a
// time, and print child-process count and Hearth's RSS before and after. Nothing may grow beyond
// the warm pool. Run: bun bench/soak.ts [sessions] [parallel]
import { descendantsOf } from "../test/helpers/processes.ts";
import { configureLogging } from "../src/shared/log.ts";
import { NAME, startBenchHearth } from "./lib/hearth.ts";
import { table } from "./lib/stats.ts";

configureLogging({ level: "error" });
const SESSIONS = Number(process.argv[2] ?? 1000);
const PARALLEL = Number(process.argv[3] ?? 8);
const init = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "soak", version: "1" } } });

function session(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ["mcp"]);
    ws.onopen = () => ws.send(init);
    ws.onmessage = () => ws.close();
    ws.onclose = () => resolve();
    ws.onerror = () => reject(new Error("websocket error"));
  });
}
const rssMb = () => process.memoryUsage().rss / 1024 / 1024;
const procs = () => descendantsOf(process.pid).length;

const b = await startBenchHearth();
try {
  const url = b.h.wsUrl(NAME, `api_key=${b.h.key}`);
  for (let i = 0; i < 20; i++) await session(url); // warm up JIT and caches before the baseline
  await Bun.sleep(1500);
  Bun.gc(true);
  const before = { procs: procs(), rss: rssMb(), pool: b.h.hosting.supervisor.poolStats().idle };
  const t0 = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: PARALLEL }, async () => {
    while (next < SESSIONS) {
      next++;
      await session(url);
    }
  }));
  const secs = (performance.now() - t0) / 1000;
  const end = Date.now() + 15_000;
  while (b.h.hosting.supervisor.count() > b.h.hosting.supervisor.poolStats().idle && Date.now() < end) await Bun.sleep(100);
  await Bun.sleep(1500);
  Bun.gc(true);
  const after = { procs: procs(), rss: rssMb(), pool: b.h.hosting.supervisor.poolStats().idle };
  console.log(`soak: ${SESSIONS} WebSocket sessions (initialize, close), ${PARALLEL} at a time, in ${secs.toFixed(1)} s\n`);
  console.log(table(["", "child processes", "warm pool", "Hearth RSS"], [
    ["before", before.procs, before.pool, `${before.rss.toFixed(1)} MB`],
    ["after", after.procs, after.pool, `${after.rss.toFixed(1)} MB`],
    ["growth", after.procs - before.procs, after.pool - before.pool, `${(after.rss - before.rss).toFixed(1)} MB (${(((after.rss - before.rss) * 1024) / SESSIONS).toFixed(1)} KB/session)`],
  ]));
} finally {
  await b.close();
}
