import { describe, expect, it } from "bun:test";
import { ConfigError, loadConfig } from "../../src/config/config.ts";

describe("loadConfig", () => {
  it("uses the documented defaults", () => {
    const c = loadConfig({ flags: {}, env: {} });
    expect(c.host).toBe("127.0.0.1");
    expect(c.port).toBe(8080);
    expect(c.dataDir).toBe(`${process.cwd()}/hearth-data`);
    expect(c.publicUrl).toBe("http://127.0.0.1:8080");
  });

  it("takes env over defaults and flags over env", () => {
    const env = { HEARTH_PORT: "9000", HEARTH_HOST: "0.0.0.0" };
    expect(loadConfig({ flags: {}, env }).port).toBe(9000);
    const c = loadConfig({ flags: { port: "9100" }, env });
    expect(c.port).toBe(9100);
    expect(c.host).toBe("0.0.0.0");
    expect(c.publicUrl).toBe("http://localhost:9100");
  });

  it("derives an https public URL under TLS and keeps an explicit one", () => {
    expect(loadConfig({ flags: { "tls-cert": "c.pem", "tls-key": "k.pem" }, env: {} }).publicUrl).toBe("https://127.0.0.1:8080");
    expect(loadConfig({ flags: { "public-url": "https://hub.example.com/" }, env: {} }).publicUrl).toBe("https://hub.example.com");
  });

  it.each([
    [{ port: "99999" }, "--port / HEARTH_PORT: must be 0-65535"],
    [{ port: "abc" }, "--port / HEARTH_PORT"],
    [{ "log-level": "loud" }, "--log-level / HEARTH_LOG_LEVEL: must be debug, info, warn or error"],
    [{ "public-url": "not a url" }, "--public-url / HEARTH_PUBLIC_URL: must be an absolute http(s) URL"],
    [{ "tls-cert": "c.pem" }, "--tls-cert and --tls-key go together"],
    [{ sandbox: "docker" }, "--sandbox / HEARTH_SANDBOX: must be auto, bwrap or none"],
  ])("refuses %p with a message naming the setting", (flags, message) => {
    expect(() => loadConfig({ flags, env: {} })).toThrow(ConfigError);
    expect(() => loadConfig({ flags, env: {} })).toThrow(message);
  });

  it("names the env var when the bad value came from the environment", () => {
    expect(() => loadConfig({ flags: {}, env: { HEARTH_PORT: "-1" } })).toThrow('HEARTH_PORT: must be 0-65535 (got "-1")');
  });
});
