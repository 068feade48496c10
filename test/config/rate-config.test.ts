import { describe, expect, it } from "bun:test";
import { ConfigError, loadConfig } from "../../src/config/config.ts";

describe("rate-limit and lockout settings", () => {
  it("default to 10/m sign-ins, 30/m publishes, 120/m sessions, lockout after 5 (50 per IP)", () => {
    const c = loadConfig({ flags: {}, env: {} });
    expect([c.rateSignin, c.ratePublish, c.rateSession]).toEqual([{ count: 10, perMs: 60_000 }, { count: 30, perMs: 60_000 }, { count: 120, perMs: 60_000 }]);
    expect([c.lockoutAfter, c.lockoutIpAfter]).toEqual([5, 50]);
  });

  it("take N/window from flags over env, and off", () => {
    const c = loadConfig({ flags: { "rate-publish": "3/5m" }, env: { HEARTH_RATE_PUBLISH: "1/h", HEARTH_RATE_SESSION: "off", HEARTH_RATE_SIGNIN: "100/h", HEARTH_LOCKOUT_AFTER: "8" } });
    expect(c.ratePublish).toEqual({ count: 3, perMs: 300_000 });
    expect(c.rateSession).toBeNull();
    expect(c.rateSignin).toEqual({ count: 100, perMs: 3_600_000 });
    expect(c.lockoutAfter).toBe(8);
  });

  it("refuse what they can't read, naming the flag and the env var", () => {
    expect(() => loadConfig({ flags: { "rate-signin": "lots" }, env: {} })).toThrow(new ConfigError('--rate-signin / HEARTH_RATE_SIGNIN: must look like 10/m, 30/5m, 100/h or "off" (got "lots")'));
    expect(() => loadConfig({ flags: {}, env: { HEARTH_RATE_SESSION: "10/d" } })).toThrow(/--rate-session \/ HEARTH_RATE_SESSION/);
    expect(() => loadConfig({ flags: { "lockout-after": "0" }, env: {} })).toThrow(/--lockout-after \/ HEARTH_LOCKOUT_AFTER: must be at least 1/);
  });
});
