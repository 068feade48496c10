// The oracle for "nothing is left": every live process whose command line or environment names
// something only this bench run created (a Hearth data dir, the bench marker variable).
import { readFileSync } from "node:fs";
import { listProcesses, type ProcInfo } from "../../test/helpers/processes.ts";

function mentions(pid: number, needles: string[]): boolean {
  for (const file of ["cmdline", "environ"]) {
    try {
      const text = readFileSync(`/proc/${pid}/${file}`, "latin1");
      if (needles.some((n) => text.includes(n))) return true;
    } catch {
      // Gone, or not ours to read.
    }
  }
  return false;
}

/** leftovers lists live processes (not this one, not zombies) that mention any needle. */
export function leftovers(needles: string[]): ProcInfo[] {
  if (needles.length === 0) return [];
  return listProcesses().filter((p) => p.pid !== process.pid && p.state !== "Z" && p.state !== "X" && mentions(p.pid, needles));
}
