import type { Config } from "../config/config.ts";

/** ProxyConfig is what says how a request reached us: our public URL, TLS, and whether a proxy's headers count. */
export type ProxyConfig = Pick<Config, "trustProxy" | "publicUrl" | "tlsCert">;

// The socket's address is only known to Bun.serve's fetch; it is noted here per request so any
// route (or the WS upgrade hook) can ask without threading the server object through Elysia.
const peers = new WeakMap<Request, string>();
const IP_RE = /^[0-9A-Fa-f:.]{2,45}$/;

/** rememberPeer notes the address a request's connection came from (server.ts, and tests). */
export function rememberPeer(request: Request, address: string | undefined): void {
  if (address) peers.set(request, address);
}

/**
 * clientIp is who is asking, for rate limits, lockouts and the audit log. X-Forwarded-For is a
 * header anyone can send, so it counts only with --trust-proxy, and then only its last entry: the
 * one our own proxy appended (earlier entries came from the client and may be forged).
 */
export function clientIp(ctx: { config: Pick<ProxyConfig, "trustProxy"> }, request: Request): string {
  if (ctx.config.trustProxy) {
    const last = request.headers.get("x-forwarded-for")?.split(",").at(-1)?.trim();
    if (last && IP_RE.test(last)) return last;
  }
  return peers.get(request) ?? "unknown";
}

/** reachedOverHttps tells whether the browser talks to us over TLS (directly, or via a trusted proxy). */
export function reachedOverHttps(ctx: { config: ProxyConfig }, request: Request | undefined): boolean {
  if (ctx.config.publicUrl.startsWith("https:") || ctx.config.tlsCert) return true;
  if (!ctx.config.trustProxy || !request) return false;
  return request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase() === "https";
}
