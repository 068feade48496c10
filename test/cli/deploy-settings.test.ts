import { describe, expect, it } from "bun:test";
import { settingsFromFlags } from "../../src/cli/deploy.ts";
import { applySettingsPatch, DEFAULT_LIMITS, DEFAULT_SETTINGS, resourceLimitsOf } from "../../src/deploy/settings.ts";

describe("hearth deploy --set", () => {
  it("turns key=value pairs (dot notation for limits) into a settings change", () => {
    expect(settingsFromFlags(["sandbox=bwrap", "network=none", "poolSize=0", "sessionPolicy=shared", "limits.memoryMiB=512", "limits.openFiles=256"])).toEqual({
      sandbox: "bwrap",
      network: "none",
      poolSize: 0,
      sessionPolicy: "shared",
      limits: { memoryMiB: 512, openFiles: 256 },
    });
  });

  it("turns key=default into null: back to the default (sandbox: the instance's mode; limits: every limit)", () => {
    expect(settingsFromFlags(["sandbox=default", "maxSessions=default", "limits.memoryMiB=default", "poolSize=2"])).toEqual({ sandbox: null, maxSessions: null, limits: { memoryMiB: null }, poolSize: 2 });
    expect(settingsFromFlags(["limits=default"])).toEqual({ limits: null });
  });

  it("gives nothing when no --set is passed, so the server keeps its settings", () => {
    expect(settingsFromFlags([])).toBeUndefined();
  });

  it("refuses a pair without =, an unknown key and a bad value, naming each", () => {
    expect(() => settingsFromFlags(["sandbox"])).toThrow("--set takes key=value");
    expect(() => settingsFromFlags(["colour=blue"])).toThrow("bad --set: settings: Unrecognized key");
    expect(() => settingsFromFlags(["limits.addressSpaceMiB=100"])).toThrow("limits.addressSpaceMiB");
    expect(() => settingsFromFlags(["sandbox=docker"])).toThrow("sandbox");
    expect(() => settingsFromFlags(["colour=default"])).toThrow("bad --set: settings: Unrecognized key");
    expect(() => settingsFromFlags(["limits.memory=default"])).toThrow("bad --set: limits: Unrecognized key");
  });
});

describe("preset browser", () => {
  const admin = { admin: false, instanceSandbox: "auto" as const };
  const browser = () => applySettingsPatch(DEFAULT_SETTINGS, settingsFromFlags(["preset=browser"])!, admin);

  it("turns the address-space limit off (0 is no RLIMIT_AS) and keeps the other limits", () => {
    const s = browser();
    expect(s).toMatchObject({ preset: "browser", limits: { ...DEFAULT_LIMITS, addressSpaceMiB: 0 } });
    expect(resourceLimitsOf(s.limits).addressSpaceBytes).toBeUndefined();
    expect(resourceLimitsOf(s.limits).openFiles).toBe(DEFAULT_LIMITS.openFiles);
  });

  it("lets an address-space limit given with it, or later, win", () => {
    expect(applySettingsPatch(DEFAULT_SETTINGS, settingsFromFlags(["preset=browser", "limits.addressSpaceMiB=65536"])!, admin).limits.addressSpaceMiB).toBe(65536);
    expect(applySettingsPatch(browser(), settingsFromFlags(["limits.addressSpaceMiB=65536"])!, admin)).toMatchObject({ preset: "browser", limits: { addressSpaceMiB: 65536 } });
  });

  it("puts the default address-space limit back when the preset is dropped", () => {
    const s = applySettingsPatch(browser(), settingsFromFlags(["preset=default"])!, admin);
    expect(s.preset).toBeUndefined();
    expect(s.limits.addressSpaceMiB).toBe(DEFAULT_LIMITS.addressSpaceMiB);
  });

  it("accepts limits.addressSpaceMiB=0 alone, and still refuses 1..511", () => {
    expect(settingsFromFlags(["limits.addressSpaceMiB=0"])).toEqual({ limits: { addressSpaceMiB: 0 } });
    expect(() => settingsFromFlags(["limits.addressSpaceMiB=511"])).toThrow("must be 0 (no address-space limit, for browsers) or at least 512");
    expect(() => settingsFromFlags(["preset=firefox"])).toThrow("preset");
  });
});
