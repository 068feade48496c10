import type { JsonRpcId } from "../relay/frames.ts";

/** ProgressToken is what a request names its progress notifications by. */
export type ProgressToken = string | number;

/** ChildMessage is a child message as routing sees it: a response to a request id, or anything else (with its progress token). */
export type ChildMessage = { kind: "response"; id: JsonRpcId; version?: string } | { kind: "other"; progressToken?: ProgressToken };

/** classifyChildMessage reads what routing needs from a child message; the line itself is relayed as is. */
export function classifyChildMessage(line: string): ChildMessage {
  let m: { id?: unknown; method?: unknown; result?: { protocolVersion?: unknown }; params?: { progressToken?: unknown } };
  try {
    m = JSON.parse(line);
  } catch {
    return { kind: "other" };
  }
  if (typeof m !== "object" || m === null) return { kind: "other" };
  if (m.method === undefined && (typeof m.id === "string" || typeof m.id === "number")) {
    const v = m.result?.protocolVersion;
    return { kind: "response", id: m.id, version: typeof v === "string" ? v : undefined };
  }
  const t = m.method === "notifications/progress" ? m.params?.progressToken : undefined;
  return { kind: "other", progressToken: typeof t === "string" || typeof t === "number" ? t : undefined };
}
