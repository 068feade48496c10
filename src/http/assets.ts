// Static assets are imported as text so `bun build --compile` embeds them: the binary serves
// its stylesheet and htmx with nothing beside it on disk.
import htmxJs from "htmx.org/dist/htmx.min.js" with { type: "text" };
import htmxSse from "htmx.org/dist/ext/hx-sse.min.js" with { type: "text" };
import htmxWs from "htmx.org/dist/ext/hx-ws.min.js" with { type: "text" };
import appCss from "../../public/app.css" with { type: "text" };
import appJs from "../../public/app.js" with { type: "text" };
import favicon from "../../public/favicon.svg" with { type: "text" };

/** Asset is one embedded file with its ETag, computed once at start-up. */
export interface Asset {
  body: string;
  type: string;
  etag: string;
}

function asset(body: string, type: string): Asset {
  const etag = `"${new Bun.CryptoHasher("sha256").update(body).digest("hex").slice(0, 16)}"`;
  return { body, type, etag };
}

/** assets maps /static/<name> to its embedded content. */
export const assets: Record<string, Asset> = {
  "htmx.min.js": asset(htmxJs, "text/javascript; charset=utf-8"),
  "hx-sse.min.js": asset(htmxSse, "text/javascript; charset=utf-8"),
  "hx-ws.min.js": asset(htmxWs, "text/javascript; charset=utf-8"),
  "app.css": asset(appCss, "text/css; charset=utf-8"),
  "app.js": asset(appJs, "text/javascript; charset=utf-8"),
  "favicon.svg": asset(favicon, "image/svg+xml"),
};

/** assetUrl gives a cache-busting URL, so assets can be cached for a year and still update on upgrade. */
export function assetUrl(name: keyof typeof assets & string): string {
  const a = assets[name];
  return a ? `/static/${name}?v=${a.etag.slice(1, 9)}` : `/static/${name}`;
}

/** pageAssets are the URLs every page's layout links. */
export const pageAssets = { css: assetUrl("app.css"), htmx: assetUrl("htmx.min.js"), app: assetUrl("app.js"), sse: assetUrl("hx-sse.min.js") };

/** serveAsset answers a static request with ETag/304 and long-lived cache headers. */
export function serveAsset(name: string, ifNoneMatch: string | null): Response {
  const a = Object.hasOwn(assets, name) ? assets[name] : undefined;
  if (!a) return new Response("not found", { status: 404, headers: { "content-type": "text/plain" } });
  const headers = { etag: a.etag, "cache-control": "public, max-age=31536000, immutable", "content-type": a.type };
  if (ifNoneMatch && ifNoneMatch.split(/\s*,\s*/).includes(a.etag)) return new Response(null, { status: 304, headers });
  return new Response(a.body, { headers });
}
