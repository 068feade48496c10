/** OriginPolicy is what the DNS-rebinding check compares against: the public URL users reach Hearth at, and the bound address. */
export interface OriginPolicy {
  publicUrl: string;
  bindHost: string;
}

/** isLoopbackHost is true for names and addresses that can only mean this machine. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  return h === "localhost" || h.endsWith(".localhost") || h === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

function allowedOrigin(origin: string, pub: URL): boolean {
  let o: URL;
  try {
    o = new URL(origin);
  } catch {
    return false; // includes the opaque "null" origin of sandboxed frames and file: pages
  }
  return o.origin === pub.origin || ((o.protocol === "http:" || o.protocol === "https:") && isLoopbackHost(o.hostname));
}

/**
 * rebindingRefusal returns why a request must be refused (403), or undefined. A DNS-rebinding page
 * is same-origin with itself, so neither check may trust the request's own Host: an Origin must be
 * the public URL's or a loopback one, and the Host must name the public URL, the bound address, or
 * loopback. Behind a proxy or on a LAN address, set --public-url to the address clients use.
 */
export function rebindingRefusal(request: Request, policy: OriginPolicy): string | undefined {
  const pub = new URL(policy.publicUrl);
  const origin = request.headers.get("origin");
  if (origin !== null && !allowedOrigin(origin, pub)) {
    return `Forbidden: Origin ${origin} may not use this MCP endpoint (allowed: ${pub.origin} and loopback origins)`;
  }
  // Bun builds request.url from the Host header, so its hostname is the Host the client sent.
  const host = new URL(request.url).hostname;
  const bound = policy.bindHost.replace(/^\[|\]$/g, "");
  if (host === pub.hostname || isLoopbackHost(host) || (bound !== "0.0.0.0" && bound !== "::" && host.replace(/^\[|\]$/g, "") === bound)) return undefined;
  return `Forbidden: Host ${host} is not this Hearth's public host (${pub.hostname}); set --public-url to the address clients use`;
}

/** corsHeaders lets browser clients on allowed origins read responses and the session id header. */
export function corsHeaders(request: Request): Record<string, string> {
  const origin = request.headers.get("origin");
  if (origin === null) return {};
  return { "access-control-allow-origin": origin, "access-control-expose-headers": "mcp-session-id, mcp-protocol-version", vary: "origin" };
}

/** preflight answers a CORS preflight from an allowed origin. */
export function preflight(request: Request): Response {
  return new Response(null, {
    status: 204,
    headers: {
      ...corsHeaders(request),
      "access-control-allow-methods": "GET, POST, DELETE",
      "access-control-allow-headers": "authorization, content-type, accept, mcp-session-id, mcp-protocol-version, last-event-id",
      "access-control-max-age": "600",
    },
  });
}
