// Waiting for a quiet machine before a part: the host is shared, and a benchmark run under a load
// above the core count measures the neighbours as much as Hearth.
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";

/** LoadReport says what the 1-minute load was when a part started and how long it waited for it. */
export interface LoadReport {
  cores: number;
  /** load1 is the 1-minute load average the part started under. */
  load1: number;
  waitedMs: number;
  /** quiet is false when the wait gave up with the load still at or above the core count. */
  quiet: boolean;
}

/** loadAverage reads the 1-minute load average from /proc/loadavg. */
export function loadAverage(): number {
  return Number(readFileSync("/proc/loadavg", "utf8").split(" ")[0]);
}

/** waitForQuiet polls the load until it is below the core count or maxMs passes. */
export async function waitForQuiet(maxMs = 60_000, pollMs = 2_000): Promise<LoadReport> {
  const cores = availableParallelism();
  const t0 = Date.now();
  let load1 = loadAverage();
  while (load1 >= cores && Date.now() - t0 < maxMs) {
    await Bun.sleep(pollMs);
    load1 = loadAverage();
  }
  return { cores, load1, waitedMs: Date.now() - t0, quiet: load1 < cores };
}

/** describeLoad is the one line printed above a part's table. */
export function describeLoad(r: LoadReport): string {
  const waited = r.waitedMs >= 1000 ? ` after waiting ${(r.waitedMs / 1000).toFixed(0)} s` : "";
  const verdict = r.quiet ? "" : " (still busy: numbers below are noisier than usual)";
  return `1-minute load ${r.load1.toFixed(2)} on ${r.cores} cores${waited}${verdict}`;
}
