import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { AppError } from "../shared/app-error.ts";
import { detectProtections, wrapCommand, type Protections, type SandboxMode } from "../supervisor/sandbox.ts";
import { runOnce } from "./install-child.ts";
import { removeQuietly } from "./package-cache.ts";

/** CommandFunctionSandbox is how the throwaway child is confined; protections come from detectProtections. */
export interface CommandFunctionSandbox {
  mode: SandboxMode;
  protections?: Protections;
}

/** CommandFunctionOptions: the runtime that acts as bun, a timeout, the sandbox, and where temp files go. */
export interface CommandFunctionOptions {
  runtime: string;
  timeoutMs?: number;
  sandbox?: CommandFunctionSandbox;
  /** tmpDir is where the child's throwaway folder is made (default the OS temp dir). */
  tmpDir?: string;
}

/** CommandFunctionResult is what a smithery commandFunction returns, checked. */
export interface CommandFunctionResult {
  command: string;
  args: string[];
  env: Record<string, string>;
}

const DEFAULT_TIMEOUT_MS = 2000;
const MAX_OUTPUT = 256 * 1024;
const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const Result = z.object({
  command: z.string().min(1, "command must be a non-empty string").refine((c) => !c.includes("\0"), "command contains a NUL character"),
  args: z.array(scalar.refine((a) => !a.includes("\0"), "an argument contains a NUL character")).default([]),
  env: z.record(z.string(), scalar.refine((v) => !v.includes("\0"), "an env value contains a NUL character")).default({}),
});

// The harness reads the config from stdin, evaluates the publisher's function, and prints its result
// as the last stdout line. Publisher console output goes to stderr so it cannot forge that line.
const HARNESS = `
import { writeSync } from "node:fs";
const source = await Bun.file(new URL("./source.js", import.meta.url)).text();
for (const k of ["log", "info", "debug"]) console[k] = (...a) => console.error(...a);
const fail = (kind, e) => { writeSync(2, "\\n@@hearth-" + kind + " " + JSON.stringify(String(e && e.message ? e.message : e)) + "\\n"); process.exit(3); };
let fn;
try { fn = (0, eval)("(" + source + "\\n)"); } catch (e) { fail("syntax", e); }
if (typeof fn !== "function") fail("syntax", "commandFunction is not a function");
let result;
try { result = await fn(JSON.parse(await Bun.stdin.text() || "{}")); } catch (e) { fail("threw", e); }
writeSync(1, "\\n" + JSON.stringify(result === undefined ? null : result) + "\\n");
process.exit(0);
`;

let detected: Promise<Protections> | undefined;

/**
 * evaluateCommandFunction runs a smithery.yaml commandFunction (publisher code) in a throwaway
 * child: the runtime as bun, an empty environment, the config as JSON on stdin, sandboxed with
 * bubblewrap and no network when available, killed with its whole group after the timeout. Its
 * `{command, args, env}` is validated; a function that throws, loops, or returns junk is an AppError.
 */
export async function evaluateCommandFunction(
  source: string,
  config: Record<string, unknown>,
  opts: CommandFunctionOptions,
): Promise<CommandFunctionResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const sandbox = opts.sandbox ?? { mode: "auto" };
  const protections = sandbox.protections ?? (await (detected ??= detectProtections()));
  const root = mkdtempSync(join(opts.tmpDir ?? tmpdir(), "hearth-cmdfn-"));
  try {
    const code = join(root, "code");
    const work = join(root, "work");
    mkdirSync(code);
    mkdirSync(work);
    writeFileSync(join(code, "harness.mjs"), HARNESS);
    writeFileSync(join(code, "source.js"), source);
    const wrapped = wrapCommand(
      { argv: [opts.runtime, join(code, "harness.mjs")], packageDir: code, workDir: work, network: "none", mode: sandbox.mode, limits: { tmpBytes: 16 * 1024 * 1024 } },
      protections,
    );
    const r = await runOnce({
      argv: wrapped.argv,
      env: { ...wrapped.env, BUN_BE_BUN: "1" },
      cwd: wrapped.cwd,
      label: "commandFunction",
      timeoutMs,
      stdin: JSON.stringify(config),
      maxStdoutBytes: MAX_OUTPUT,
    });
    return interpret(r, timeoutMs);
  } finally {
    removeQuietly(root);
  }
}

function interpret(r: Awaited<ReturnType<typeof runOnce>>, timeoutMs: number): CommandFunctionResult {
  if (r.ended === "timeout") throw new AppError("invalid", `the commandFunction did not finish within ${timeoutMs} ms and was killed`);
  const note = r.stderrTail.map((l) => /^@@hearth-(threw|syntax) (.*)$/.exec(l)).find((m) => m !== null);
  if (note) {
    const message = JSON.parse(note[2] ?? '""') as string;
    throw new AppError("invalid", note[1] === "threw" ? `the commandFunction threw: ${message}` : `the commandFunction does not compile: ${message}`);
  }
  if (r.code !== 0) {
    const tail = r.stderrTail.filter((l) => l.trim() !== "").slice(-5);
    throw new AppError("invalid", `the commandFunction's child failed (exit ${r.code ?? r.signal})${tail.length ? `:\n${tail.join("\n")}` : ""}`);
  }
  if (r.stdoutTruncated) throw new AppError("invalid", `the commandFunction's result is over ${MAX_OUTPUT} bytes`);
  const last = r.stdout.trimEnd().split("\n").pop() ?? "";
  let value: unknown;
  try {
    value = JSON.parse(last);
  } catch {
    throw new AppError("invalid", "the commandFunction's result is not JSON");
  }
  const parsed = Result.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "result"}: ${i.message}`).join("; ");
    throw new AppError("invalid", `the commandFunction must return {command, args, env}: ${issues}`, {
      details: parsed.error.issues.map((i) => ({ pointer: `/${i.path.join("/")}`, message: i.message })),
    });
  }
  return parsed.data;
}
