// Small pure helpers views share: nothing here reads a request or the database.

/** httpUrl returns the URL if it is an absolute http(s) URL, else undefined: data never becomes a javascript: link. */
export function httpUrl(value: string | null | undefined): string | undefined {
  if (!value || value.length > 2000) return undefined;
  try {
    const u = new URL(value);
    return u.protocol === "https:" || u.protocol === "http:" ? u.href : undefined;
  } catch {
    return undefined;
  }
}

/** initial is the letter shown when a server has no icon. */
export function initial(name: string): string {
  const short = name.includes("/") ? name.slice(name.indexOf("/") + 1) : name;
  const ch = [...short.replace(/[^\p{L}\p{N}]/gu, "")][0] ?? "?";
  return ch.toUpperCase();
}

const compact = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat("en");

/** count formats a number for a badge: 1.2K, 3.4M. */
export function count(n: number): string {
  return n < 10_000 ? whole.format(n) : compact.format(n);
}

/** plural picks the word for n. */
export function plural(n: number, one: string, many: string): string {
  return `${whole.format(n)} ${n === 1 ? one : many}`;
}

/** isoDate is a date for <time datetime>. */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString();
}

/** shortDate is a date people read: 2026-11-24. */
export function shortDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** clock is a log line's time of day with milliseconds. */
export function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 23);
}

/** prettyJson renders any value as indented JSON (for <pre>), never throwing. */
export function prettyJson(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}
