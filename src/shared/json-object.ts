/**
 * parseJsonObject reads one line as a single JSON object (a JSON-RPC message), or undefined for
 * anything else: invalid JSON, an array (a batch), or a bare value. The caller states the shape.
 */
export function parseJsonObject<T extends object>(line: string): T | undefined {
  try {
    const m = JSON.parse(line) as unknown;
    return typeof m === "object" && m !== null && !Array.isArray(m) ? (m as T) : undefined;
  } catch {
    return undefined;
  }
}
