/**
 * serverNameFromPath decodes the `{ns}/{name}` segments of a bridge path into a server name, or
 * undefined when either is not valid percent-encoding (such a path names nothing: a 404 on every
 * transport, never a 500).
 */
export function serverNameFromPath(ns: string, name: string): string | undefined {
  try {
    return `${decodeURIComponent(ns)}/${decodeURIComponent(name)}`;
  } catch {
    return undefined;
  }
}
