import { describe, expect, it } from "bun:test";
import { settingsFromFlags } from "../../src/cli/deploy.ts";

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
