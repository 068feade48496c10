#!/usr/bin/env bun
/**
 * run.ts runs the MCP conformance server scenarios through Hearth's Streamable HTTP bridge and,
 * with --direct, first against the same fixture served by the SDK itself, then prints both side by
 * side. Exit code: the suite's own baseline verdict (non-zero only for unexpected failures or stale
 * baseline entries), for each run made. `.ci/conformance.sh` calls it.
 *
 *   bun test/conformance/run.ts [--direct] [--no-baseline]
 */
import { startBridgeTarget } from "./bridge-target.ts";
import { startDirectTarget } from "./direct-target.ts";
import { BASELINE, runSuite, summaryLines, verdict, type SuiteRun } from "./suite.ts";

const argv = new Set(process.argv.slice(2));
const baseline = argv.has("--no-baseline") ? undefined : BASELINE;
const say = (s: string) => console.log(s);

// Interrupted (Ctrl-C, a CI timeout), stop the suite and whatever target is up before exiting.
const abort = new AbortController();
let closeTarget: (() => Promise<void>) | undefined;
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    abort.abort();
    void (closeTarget?.() ?? Promise.resolve()).finally(() => process.exit(sig === "SIGINT" ? 130 : 143));
  });
}

async function direct(): Promise<SuiteRun> {
  const target = startDirectTarget();
  closeTarget = () => target.close();
  try {
    say(`\n== conformance: the fixture served directly by the SDK (${target.url})`);
    const run = await runSuite(target.url, { baseline, signal: abort.signal });
    say(summaryLines(run.output));
    say(`sessions the suite left open (it never sends DELETE; the SDK keeps them forever): ${target.sessions()}`);
    return run;
  } finally {
    await target.close();
  }
}

async function bridged(): Promise<SuiteRun> {
  const idleSec = 3;
  const target = await startBridgeTarget({ idleTimeoutSec: idleSec });
  closeTarget = () => target.close();
  try {
    say(`\n== conformance: through Hearth's bridge (${target.url.replace(/api_key=[^&]+/, "api_key=…")})`);
    const run = await runSuite(target.url, { baseline, signal: abort.signal });
    say(summaryLines(run.output));
    const supervisor = target.hearth.hosting.supervisor;
    const key = "io.github.hearth/conformance";
    const left = supervisor.count(key);
    const started = Date.now();
    while (supervisor.count(key) > 0 && Date.now() - started < (idleSec + 10) * 1000) await Bun.sleep(250);
    const after = supervisor.count(key);
    say(`children still running when the suite ended: ${left}; ${after === 0 ? `all ended by the ${idleSec} s idle timeout within ${((Date.now() - started) / 1000).toFixed(1)} s` : `${after} STILL RUNNING after ${idleSec + 10} s`}`);
    return run;
  } finally {
    await target.close();
  }
}

function sideBySide(d: SuiteRun | undefined, b: SuiteRun): void {
  const names = b.results.map((r) => r.scenario);
  for (const r of d?.results ?? []) if (!names.includes(r.scenario)) names.push(r.scenario);
  const width = Math.max(...names.map((n) => n.length));
  say(`\n== per scenario (warn: WARNING checks only, which the suite's baseline counts as failing)`);
  say(`${"scenario".padEnd(width)}  ${d ? "direct  " : ""}bridge`);
  for (const n of names) {
    const dv = d ? verdict(d.results.find((r) => r.scenario === n)).padEnd(8) : "";
    const br = b.results.find((r) => r.scenario === n);
    say(`${n.padEnd(width)}  ${dv}${verdict(br)}${br?.problems.length ? `   ${br.problems.join("; ")}` : ""}`);
  }
}

const d = argv.has("--direct") ? await direct() : undefined;
const b = await bridged();
sideBySide(d, b);
const code = Math.max(b.exitCode, d?.exitCode ?? 0);
say(`\nconformance: ${code === 0 ? "OK" : "FAILED"} (bridge exit ${b.exitCode}${d ? `, direct exit ${d.exitCode}` : ""})`);
process.exit(code);
