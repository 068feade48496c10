import { describe, expect, it } from "bun:test";
import { loadConfig } from "../../src/config/config.ts";

describe("stop and capacity settings", () => {
  it("default to a 5 s drain and 200 children", () => {
    const c = loadConfig({ flags: {}, env: {} });
    expect(c.drainTimeout).toBe(5000);
    expect(c.maxChildren).toBe(200);
  });

  it("take a drain as seconds or milliseconds, from the flag over the env", () => {
    expect(loadConfig({ flags: { "drain-timeout": "1500ms" }, env: { HEARTH_DRAIN_TIMEOUT: "9s" } }).drainTimeout).toBe(1500);
    expect(loadConfig({ flags: {}, env: { HEARTH_DRAIN_TIMEOUT: "2" } }).drainTimeout).toBe(2000);
    expect(loadConfig({ flags: { "max-children": "12" }, env: {} }).maxChildren).toBe(12);
  });

  it("refuse a drain they can't read or can't keep, naming the flag", () => {
    expect(() => loadConfig({ flags: { "drain-timeout": "soon" }, env: {} })).toThrow('--drain-timeout / HEARTH_DRAIN_TIMEOUT: must be a duration from 100ms to 60s, like 5s or 1500ms (got "soon")');
    expect(() => loadConfig({ flags: { "drain-timeout": "10m" }, env: {} })).toThrow("--drain-timeout");
    expect(() => loadConfig({ flags: { "max-children": "0" }, env: {} })).toThrow("--max-children / HEARTH_MAX_CHILDREN: must be at least 1");
  });
});
