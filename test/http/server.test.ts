import { afterEach, describe, expect, it } from "bun:test";
import { join } from "node:path";
import { createApp } from "../../src/http/app.ts";
import { startServer, type RunningServer } from "../../src/http/server.ts";
import { configureLogging } from "../../src/shared/log.ts";
import { testContext } from "../helpers/app.ts";
import { tempDir } from "../helpers/temp.ts";
import { HAS_OPENSSL, selfSignedCert } from "../helpers/tls.ts";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function serve(flags: Record<string, string> = {}): RunningServer {
  const ctx = testContext(flags);
  const s = startServer(ctx, createApp(ctx));
  cleanups.push(() => ctx.dbh.close(), () => s.stop(100));
  return s;
}

describe("the HTTP server", () => {
  it("logs request paths without an invitation link's one-time token, or any query string", async () => {
    const lines: string[] = [];
    configureLogging({ write: (l) => lines.push(l), level: "info" });
    cleanups.push(() => configureLogging({ write: (l) => process.stdout.write(l + "\n"), level: "error" })); // as test/helpers/app.ts sets it
    const s = serve();
    await (await fetch(`${s.url}/invite/tok-SECRET-1234567890`)).body?.cancel();
    await (await fetch(`${s.url}/api/v1/servers?api_key=hth_SECRET`)).body?.cancel();
    const requests = lines.filter((l) => l.includes('"request"'));
    expect(requests.some((l) => l.includes('"path":"/invite/[token]"'))).toBe(true);
    expect(requests.join("\n")).not.toContain("SECRET");
  });

  it("adds security headers and a request id to every response", async () => {
    const s = serve();
    const r = await fetch(`${s.url}/`);
    expect(r.headers.get("x-content-type-options")).toBe("nosniff");
    expect(r.headers.get("x-frame-options")).toBe("DENY");
    expect(r.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(r.headers.get("x-request-id")).toBeTruthy();
  });

  it("answers 413 to a body over --max-body-bytes", async () => {
    const s = serve({ "max-body-bytes": "2048" });
    const r = await fetch(`${s.url}/setup`, { method: "POST", body: "x".repeat(10_000), headers: { "content-type": "text/plain" } });
    expect(r.status).toBe(413);
  });

  const hasOpenssl = HAS_OPENSSL;
  if (!hasOpenssl) console.warn("skipping TLS test: openssl is not installed, so no certificate can be generated");
  it.skipIf(!hasOpenssl)("serves https (and so wss) with --tls-cert/--tls-key, using a certificate made here", async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const { cert, key } = selfSignedCert(t.path);
    const s = serve({ "tls-cert": cert, "tls-key": key });
    expect(s.url).toStartWith("https://");
    const r = await fetch(`${s.url}/healthz`, { tls: { ca: await Bun.file(cert).text() } });
    expect(r.status).toBe(200);
    expect(r.headers.get("strict-transport-security")).toContain("max-age");
  });

  it("refuses a TLS key that is not a key, with a message naming the flags", async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const bogus = join(t.path, "bogus.pem");
    await Bun.write(bogus, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
    const ctx = testContext({ "tls-cert": bogus, "tls-key": bogus });
    cleanups.push(() => ctx.dbh.close());
    expect(() => startServer(ctx, createApp(ctx))).toThrow(/--tls-cert|TLS/);
  });
});
