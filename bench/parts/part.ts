// What every bench part takes and returns: run.ts prints the tables, checks the targets and
// writes the data to bench/results/<timestamp>.json.

import type { ClientMode } from "../lib/client.ts";

/** PartOptions are the run-wide choices a part honours. */
export interface PartOptions {
  quick: boolean;
  rounds: number;
  /** client is where timed clients run: a worker thread (default) or inline beside the in-process Hearth. */
  client: ClientMode;
  /** peerRuntime runs the peer gateways (node by default, as their READMEs do). */
  peerRuntime: string;
  /** needles collects strings (data dirs) that identify processes this run started, for the final leftover check. */
  needles: string[];
}

/** Table is one printed side-by-side table. */
export interface Table {
  title: string;
  header: string[];
  rows: (string | number)[][];
}

/** TargetCheck is one target from bench/README.md: met, missed, or not measurable this run (null). */
export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean | null;
}

/** PartResult is what a part measured. */
export interface PartResult {
  tables: Table[];
  targets: TargetCheck[];
  notes: string[];
  data: unknown;
}

/** Part is one selectable section of `bun run bench`. */
export interface Part {
  name: string;
  run(o: PartOptions): Promise<PartResult>;
}

/** errorText shortens an error for a table cell. */
export function errorText(e: unknown, max = 80): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.replace(/\s+/g, " ").slice(0, max);
}
