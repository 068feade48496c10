// Soak: open and close many sessions through Hearth's WebSocket endpoint, a few at a time, and
// compare child-process count and Hearth's RSS before and after. Nothing may grow beyond the warm pool.
import { descendantsOf } from "../../test/helpers/processes.ts";
import { NAME, type BenchHearth } from "./hearth.ts";

const INIT = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "soak", version: "1" } } });

/** SoakSnapshot is the process and memory picture at one moment. */
export interface SoakSnapshot {
  procs: number;
  rssMb: number;
  pool: number;
}

/** SoakResult is one soak: the snapshots around it and how long it took. */
export interface SoakResult {
  sessions: number;
  parallel: number;
  seconds: number;
  before: SoakSnapshot;
  after: SoakSnapshot;
}

function session(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ["mcp"]);
    ws.onopen = () => ws.send(INIT);
    ws.onmessage = () => ws.close();
    ws.onclose = () => resolve();
    ws.onerror = () => reject(new Error("websocket error"));
  });
}

async function snapshot(b: BenchHearth): Promise<SoakSnapshot> {
  await Bun.sleep(1500);
  Bun.gc(true);
  return { procs: descendantsOf(process.pid).length, rssMb: process.memoryUsage().rss / 1024 / 1024, pool: b.h.hosting.supervisor.poolStats().idle };
}

/** runSoak warms up, then opens and closes `sessions` sessions, `parallel` at a time. */
export async function runSoak(b: BenchHearth, sessions: number, parallel: number): Promise<SoakResult> {
  const url = b.h.wsUrl(NAME, `api_key=${b.h.key}`);
  for (let i = 0; i < 20; i++) await session(url); // warm up JIT and caches before the baseline
  const before = await snapshot(b);
  const t0 = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (next < sessions) {
      next++;
      await session(url);
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  const end = Date.now() + 15_000;
  while (b.h.hosting.supervisor.count() > b.h.hosting.supervisor.poolStats().idle && Date.now() < end) await Bun.sleep(100);
  return { sessions, parallel, seconds, before, after: await snapshot(b) };
}
