import { readFileSync } from "node:fs";
import { rootCertificates } from "node:tls";
import { AppError } from "../shared/app-error.ts";

/** DownloadOptions bound one download and route it the way the operator's pass-through env says. */
export interface DownloadOptions {
  passEnv: Record<string, string>;
  maxBytes: number;
  timeoutMs: number;
  signal?: AbortSignal;
  onBytes?: (bytes: number, total: number | undefined) => void;
}

/** fileSha256 hashes a file on disk, streaming, as lowercase hex. */
export async function fileSha256(path: string): Promise<string> {
  const hasher = new Bun.CryptoHasher("sha256");
  for await (const chunk of Bun.file(path).stream()) hasher.update(chunk);
  return hasher.digest("hex");
}

/** checkSha256 refuses a file whose hash differs from the expected one, naming both. */
export function checkSha256(what: string, expected: string | undefined, actual: string): void {
  if (expected === undefined || expected.toLowerCase() === actual) return;
  throw new AppError("invalid", `${what} has sha256 ${actual}, but ${expected.toLowerCase()} was expected`, {
    extra: { expected: expected.toLowerCase(), actual },
  });
}

/**
 * download fetches an http(s) URL to dest, hashing as it writes, and stops at maxBytes. Proxy and
 * extra CA come from the operator's pass-through env (HTTPS_PROXY, NODE_EXTRA_CA_CERTS,
 * SSL_CERT_FILE), the same settings the install children get, never from Hearth's own env.
 */
export async function download(url: string, dest: string, o: DownloadOptions): Promise<{ sha256: string; bytes: number }> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AppError("invalid", `${JSON.stringify(url)} is not a URL`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw new AppError("invalid", `cannot download ${parsed.protocol} URLs, only http(s)`);
  const signals = [AbortSignal.timeout(o.timeoutMs), ...(o.signal ? [o.signal] : [])];
  const init: BunFetchRequestInit = { signal: AbortSignal.any(signals), redirect: "follow", ...routing(parsed, o.passEnv) };
  let res: Response;
  try {
    res = await fetch(parsed, init);
  } catch (e) {
    throw new AppError("unavailable", `downloading ${parsed.href} failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel();
    throw new AppError(res.status === 404 ? "not_found" : "unavailable", `downloading ${parsed.href} failed: HTTP ${res.status}`);
  }
  const total = Number(res.headers.get("content-length")) || undefined;
  if (total !== undefined && total > o.maxBytes) {
    await res.body.cancel();
    throw new AppError("too_large", `${parsed.href} is ${total} bytes, over the ${o.maxBytes} byte limit`);
  }
  return save(res.body, dest, parsed.href, total, o);
}

async function save(body: ReadableStream<Uint8Array>, dest: string, href: string, total: number | undefined, o: DownloadOptions) {
  const hasher = new Bun.CryptoHasher("sha256");
  const sink = Bun.file(dest).writer();
  let bytes = 0;
  try {
    for await (const chunk of body) {
      bytes += chunk.length;
      if (bytes > o.maxBytes) throw new AppError("too_large", `${href} is over the ${o.maxBytes} byte limit`);
      hasher.update(chunk);
      await sink.write(chunk);
      o.onBytes?.(bytes, total);
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError("unavailable", `downloading ${href} failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  } finally {
    await sink.end();
  }
  return { sha256: hasher.digest("hex"), bytes };
}

/** routing is how a request to url goes out under the operator's pass-through env: proxy and extra CA. */
export function routing(url: URL, env: Record<string, string>): Pick<BunFetchRequestInit, "proxy" | "tls"> {
  const out: Pick<BunFetchRequestInit, "proxy" | "tls"> = {};
  const proxy = url.protocol === "https:" ? (env["HTTPS_PROXY"] ?? env["https_proxy"]) : (env["HTTP_PROXY"] ?? env["http_proxy"]);
  if (proxy && !bypassesProxy(url.hostname, env["NO_PROXY"] ?? env["no_proxy"] ?? "")) out.proxy = proxy;
  const caFile = env["NODE_EXTRA_CA_CERTS"] ?? env["SSL_CERT_FILE"];
  if (caFile) {
    try {
      out.tls = { ca: [...rootCertificates, readFileSync(caFile, "utf8")] };
    } catch (e) {
      throw new AppError("unavailable", `cannot read the CA file ${caFile} named in the pass-through environment`, { cause: e });
    }
  }
  return out;
}

function bypassesProxy(host: string, noProxy: string): boolean {
  return noProxy
    .split(",")
    .map((s) => s.trim().replace(/^\*?\./, ""))
    .some((s) => s === "*" || (s !== "" && (host === s || host.endsWith(`.${s}`))));
}
