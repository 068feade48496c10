import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** ROOT is the repository root (the suite runs from a temp dir, so every path is absolute). */
export const ROOT = join(import.meta.dir, "..", "..");
/** CONFORMANCE_CLI is the pinned suite's entry point; it runs under Bun (its dependencies crash on Node 20). */
export const CONFORMANCE_CLI = join(ROOT, "node_modules", "@modelcontextprotocol", "conformance", "dist", "index.js");
/** BASELINE lists the scenarios expected to fail, each with its reason. */
export const BASELINE = join(import.meta.dir, "conformance-baseline.yml");

/** ScenarioResult counts one scenario's checks by status; the suite's baseline counts a WARNING as a failure. */
export interface ScenarioResult {
  scenario: string;
  passed: number;
  failed: number;
  warnings: number;
  /** problems are the FAILURE and WARNING checks, one line each. */
  problems: string[];
  /** checks is the scenario's checks.json as the suite wrote it. */
  checks: Check[];
}

/** Check is the part of a conformance check this code reads. */
export interface Check {
  id: string;
  status: "SUCCESS" | "FAILURE" | "WARNING" | "INFO" | "SKIPPED";
  description?: string;
  errorMessage?: string;
  details?: Record<string, unknown>;
}

/** SuiteRun is one run of the suite: its exit code (non-zero on unexpected failures or stale baseline entries), output and results. */
export interface SuiteRun {
  exitCode: number;
  output: string;
  results: ScenarioResult[];
}

// The suite names result folders server-{scenario}-{ISO time with - for : and .}.
const RESULT_DIR = /^server-(.+)-(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z)$/;

function readResults(dir: string): ScenarioResult[] {
  const results: ScenarioResult[] = [];
  // In the order the suite ran them (by the time in the folder name).
  const dirs = readdirSync(dir)
    .map((name) => RESULT_DIR.exec(name))
    .filter((m) => m !== null)
    .sort((a, b) => a[2]!.localeCompare(b[2]!));
  for (const m of dirs) {
    const name = m[0];
    const checks = JSON.parse(readFileSync(join(dir, name, "checks.json"), "utf8")) as Check[];
    const count = (s: Check["status"]) => checks.filter((c) => c.status === s).length;
    const problems = checks.filter((c) => c.status === "FAILURE" || c.status === "WARNING").map((c) => `${c.status} ${c.id}: ${c.errorMessage ?? c.description ?? ""}`);
    results.push({ scenario: m[1]!, passed: count("SUCCESS"), failed: count("FAILURE"), warnings: count("WARNING"), problems, checks });
  }
  return results;
}

/**
 * runSuite runs every server scenario (`--suite all`: the default "active" suite leaves out
 * json-schema-2020-12 and server-sse-polling) against `url`, judged against the baseline. It runs
 * in a temp dir with its results there, so nothing lands in the work tree, and removes it after.
 */
export async function runSuite(url: string, opts: { baseline?: string; echo?: boolean; timeoutMs?: number; signal?: AbortSignal } = {}): Promise<SuiteRun> {
  const dir = mkdtempSync(join(tmpdir(), "hearth-conformance-"));
  try {
    const args = [process.execPath, CONFORMANCE_CLI, "server", "--url", url, "--suite", "all", "-o", dir];
    if (opts.baseline !== undefined) args.push("--expected-failures", opts.baseline);
    const proc = Bun.spawn(args, {
      cwd: dir,
      // A CI proxy must not be asked for 127.0.0.1.
      env: { ...process.env, NO_COLOR: "1", NO_PROXY: "127.0.0.1,localhost", no_proxy: "127.0.0.1,localhost" },
      stdout: "pipe",
      stderr: "pipe",
      signal: opts.signal,
    });
    const timer = setTimeout(() => proc.kill("SIGKILL"), opts.timeoutMs ?? 180_000);
    const decoder = new TextDecoder();
    let output = "";
    const pump = async (stream: ReadableStream<Uint8Array>, sink: NodeJS.WriteStream) => {
      for await (const chunk of stream) {
        output += decoder.decode(chunk, { stream: true });
        if (opts.echo) sink.write(chunk);
      }
    };
    await Promise.all([pump(proc.stdout, process.stdout), pump(proc.stderr, process.stderr)]);
    const exitCode = await proc.exited;
    clearTimeout(timer);
    return { exitCode, output, results: readResults(dir) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** verdict is how the baseline sees a scenario: pass, fail (a FAILURE check) or warn (WARNINGs only, which the baseline also counts as failing). */
export function verdict(r: ScenarioResult | undefined): "pass" | "FAIL" | "warn" | "missing" {
  if (!r) return "missing";
  return r.failed > 0 ? "FAIL" : r.warnings > 0 ? "warn" : "pass";
}

/** summaryLines lists the text after the suite's "=== SUMMARY ===" (its per-scenario lines and baseline verdict). */
export function summaryLines(output: string): string {
  const at = output.indexOf("=== SUMMARY ===");
  return at < 0 ? output.slice(-4000) : output.slice(at);
}
