// One policy for every response. script-src stays 'self' (htmx and app.js are served by us);
// styles allow inline because htmx injects its indicator style; images may come from icon URLs.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https:",
  "connect-src 'self' ws: wss:",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "object-src 'none'",
].join("; ");

/** applySecurityHeaders adds the headers every Hearth response carries, unless a route set its own. */
export function applySecurityHeaders(headers: Headers, https: boolean): void {
  const set = (k: string, v: string) => {
    if (!headers.has(k)) headers.set(k, v);
  };
  set("x-content-type-options", "nosniff");
  set("referrer-policy", "same-origin");
  set("x-frame-options", "DENY");
  set("cross-origin-opener-policy", "same-origin");
  set("permissions-policy", "camera=(), microphone=(), geolocation=()");
  if ((headers.get("content-type") ?? "").startsWith("text/html")) set("content-security-policy", CSP);
  if (https) set("strict-transport-security", "max-age=31536000");
}
