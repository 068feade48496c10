import { describe, expect, it } from "bun:test";
import { clientIp, reachedOverHttps, rememberPeer } from "../../src/http/client-ip.ts";
import { testContext } from "../helpers/app.ts";

function req(headers: Record<string, string> = {}, peer = "10.0.0.1"): Request {
  const r = new Request("http://localhost/", { headers });
  rememberPeer(r, peer);
  return r;
}

describe("clientIp", () => {
  it("is the connection's address, ignoring X-Forwarded-For without --trust-proxy", () => {
    const ctx = testContext();
    expect(clientIp(ctx, req({ "x-forwarded-for": "1.2.3.4" }))).toBe("10.0.0.1");
    ctx.dbh.close();
  });

  it("takes the last X-Forwarded-For entry (the one our proxy added) with --trust-proxy", () => {
    const ctx = testContext({ "trust-proxy": "true" });
    expect(clientIp(ctx, req({ "x-forwarded-for": "6.6.6.6, 203.0.113.9" }))).toBe("203.0.113.9");
    expect(clientIp(ctx, req({ "x-forwarded-for": "2001:db8::1" }))).toBe("2001:db8::1");
    expect(clientIp(ctx, req({ "x-forwarded-for": "<script>" }))).toBe("10.0.0.1");
    expect(clientIp(ctx, req())).toBe("10.0.0.1");
    ctx.dbh.close();
  });

  it("is 'unknown' when no address was recorded", () => {
    const ctx = testContext();
    expect(clientIp(ctx, new Request("http://localhost/"))).toBe("unknown");
    ctx.dbh.close();
  });
});

describe("reachedOverHttps", () => {
  it("believes X-Forwarded-Proto only with --trust-proxy", () => {
    const plain = testContext();
    const proxied = testContext({ "trust-proxy": "true" });
    const r = req({ "x-forwarded-proto": "https" });
    expect(reachedOverHttps(plain, r)).toBe(false);
    expect(reachedOverHttps(proxied, r)).toBe(true);
    expect(reachedOverHttps(proxied, req({ "x-forwarded-proto": "http" }))).toBe(false);
    const tls = testContext({ "public-url": "https://hearth.example" });
    expect(reachedOverHttps(tls, req())).toBe(true);
    for (const c of [plain, proxied, tls]) c.dbh.close();
  });
});
