import { UsageError } from "./command.ts";

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** parseDuration reads `500ms`, `30s`, `10m`, `2h` or bare seconds into milliseconds; `0` is zero. */
export function parseDuration(flag: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new UsageError(`--${flag} ${JSON.stringify(text)}: give a duration like 30s, 10m or 2h (0 for never)`);
  return Math.round(Number(m[1]) * UNITS[m[2] ?? "s"]!);
}
