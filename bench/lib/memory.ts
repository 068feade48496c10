// Memory of processes as the kernel accounts it: RSS counts shared pages in full in every process,
// PSS splits each shared page among the processes sharing it (so PSS adds up across children).
import { readFileSync } from "node:fs";

/** Rollup is one process's smaps_rollup totals, in MB. */
export interface Rollup {
  rssMb: number;
  pssMb: number;
}

/** smapsRollup reads /proc/<pid>/smaps_rollup, or undefined if the process is gone. */
export function smapsRollup(pid: number): Rollup | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? NaN);
    return { rssMb: kb("Rss") / 1024, pssMb: kb("Pss") / 1024 };
  } catch {
    return undefined;
  }
}

/** ownRssMb is this process's RSS after a full GC, so garbage doesn't read as growth. */
export async function ownRssMb(settleMs = 500): Promise<number> {
  await Bun.sleep(settleMs);
  Bun.gc(true);
  return process.memoryUsage().rss / 1024 / 1024;
}
