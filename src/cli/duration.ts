const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** DURATION_ACCEPTS says what parseDuration reads, for a flag's error message. */
export const DURATION_ACCEPTS = "a duration like 30s, 10m or 2h (0 for never)";

/** parseDuration reads `500ms`, `30s`, `10m`, `2h` or bare seconds into milliseconds (`0` is zero); undefined if it is none of those. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  return m ? Math.round(Number(m[1]) * UNITS[m[2] ?? "s"]!) : undefined;
}
