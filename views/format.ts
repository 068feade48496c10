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

// Raster images and SVG only: in an <img>, an SVG's scripts never run. 64 KiB keeps pages small.
const DATA_IMAGE = /^data:image\/(png|jpeg|jpg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/]+={0,2}$/;

/** imageUrl returns an icon URL an <img> may load (https, or a base64 data: image), else undefined. */
export function imageUrl(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  if (value.startsWith("data:")) return value.length <= 65_536 && DATA_IMAGE.test(value) ? value : undefined;
  const u = httpUrl(value);
  return u?.startsWith("https:") ? u : undefined;
}

/** displayName is what a server is called on a page: its title, else its npm package, else its name's last segment. */
export function displayName(s: { qualifiedName: string; title: string | null; npmName?: string | null | undefined }): string {
  return s.title?.trim() || s.npmName?.trim() || s.qualifiedName.slice(s.qualifiedName.lastIndexOf("/") + 1);
}

/** npmPackageName is the first npm package a stored manifest declares, if any. */
export function npmPackageName(manifest: unknown): string | null {
  const packages = (manifest as { packages?: Array<{ registryType?: unknown; identifier?: unknown }> } | null)?.packages;
  const npm = Array.isArray(packages) ? packages.find((p) => p?.registryType === "npm" && typeof p.identifier === "string") : undefined;
  return (npm?.identifier as string | undefined) ?? null;
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
