import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { SERVER_NAME, startBridgeTarget, type BridgeTarget } from "./bridge-target.ts";
import { BASELINE, runSuite, summaryLines, type SuiteRun } from "./suite.ts";

// The suite takes ~10 s on 2 cores; the margin is for a loaded CI machine.
const SUITE_MS = 180_000;
const IDLE_SEC = 3;

describe("MCP conformance (server scenarios) through the Streamable HTTP bridge", () => {
  let target: BridgeTarget;
  let run: SuiteRun;

  beforeAll(async () => {
    target = await startBridgeTarget({ idleTimeoutSec: IDLE_SEC });
    run = await runSuite(target.url, { baseline: BASELINE, timeoutMs: SUITE_MS - 10_000 });
  }, SUITE_MS);

  afterAll(async () => {
    await target?.close();
  });

  it("passes every scenario outside the baseline and fails every one in it (no stale entries)", () => {
    if (run.exitCode !== 0) console.error(summaryLines(run.output));
    expect(run.exitCode).toBe(0);
  });

  it("ran all 32 server scenarios of the pinned suite", () => {
    expect(run.results.map((r) => r.scenario)).toHaveLength(32);
  });

  it("refuses a rebinding Host/Origin in the guard, not for want of a key (the URL carries one)", () => {
    const dns = run.results.find((r) => r.scenario === "dns-rebinding-protection");
    const rejected = dns?.checks.find((c) => c.id === "localhost-host-rebinding-rejected");
    const accepted = dns?.checks.find((c) => c.id === "localhost-host-valid-accepted");
    expect(rejected?.details?.statusCode).toBe(403);
    expect(JSON.stringify(rejected?.details?.body)).toContain("Forbidden: Origin http://evil.example.com");
    expect(accepted?.details?.statusCode).toBe(200);
  });

  it("ends the sessions the suite abandons (it never sends DELETE) at the idle timeout", async () => {
    const supervisor = target.hearth.hosting.supervisor;
    const deadline = Date.now() + (IDLE_SEC + 10) * 1000;
    while (supervisor.count(SERVER_NAME) > 0 && Date.now() < deadline) await Bun.sleep(200);
    expect(supervisor.count(SERVER_NAME)).toBe(0);
  }, (IDLE_SEC + 15) * 1000);
});
