/** percentile returns the p-th percentile (0-100) of sorted-or-not samples, in their unit. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const s = [...samples].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i]!;
}

/** fmtMs prints milliseconds with sensible precision. */
export function fmtMs(ms: number): string {
  return ms < 1 ? `${ms.toFixed(3)} ms` : ms < 100 ? `${ms.toFixed(2)} ms` : `${ms.toFixed(0)} ms`;
}

/** table prints rows as an aligned text table. */
export function table(header: string[], rows: (string | number)[][]): string {
  const all = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...all.slice(1).map(line)].join("\n");
}

/** Spread is a measurement repeated over rounds: the median round and the extremes. */
export interface Spread {
  min: number;
  median: number;
  max: number;
  rounds: number[];
}

/** spread summarises one value per round so noise between rounds stays visible. */
export function spread(rounds: number[]): Spread {
  const ok = rounds.filter((v) => Number.isFinite(v));
  if (ok.length === 0) return { min: NaN, median: NaN, max: NaN, rounds };
  return { min: Math.min(...ok), median: percentile(ok, 50), max: Math.max(...ok), rounds };
}

/** fmtSpread prints "median (min–max)" with the given unit formatter. */
export function fmtSpread(s: Spread, fmt: (v: number) => string = fmtMs): string {
  if (!Number.isFinite(s.median)) return "n/a";
  const [med, lo, hi] = [fmt(s.median), fmt(s.min), fmt(s.max)];
  // "0.15 ms (0.12–0.19)": the range drops the unit when it is the median's.
  const unit = /[^\d.,\s-]+$/.exec(med)?.[0] ?? "";
  const bare = (v: string) => (unit && v.endsWith(unit) ? v.slice(0, -unit.length).trim() : v);
  return `${med} (${bare(lo)}–${bare(hi)})`;
}

/** fmtRatio prints a ratio like "1.07x", or n/a. */
export function fmtRatio(r: number): string {
  return Number.isFinite(r) ? `${r.toFixed(2)}x` : "n/a";
}

/** fmtMb prints megabytes with one decimal (two below 1 MB). */
export function fmtMb(mb: number): string {
  return Number.isFinite(mb) ? `${mb.toFixed(Math.abs(mb) < 1 ? 2 : 1)} MB` : "n/a";
}
