import type { FileSink, Subprocess } from "bun";
import { AppError } from "../shared/app-error.ts";
import { trackChild, untrackChild, type LiveChild } from "../supervisor/child-registry.ts";
import { signalGroup, unrefSleep, waitGroupGone } from "../supervisor/process-group.ts";

/** RunOnceOptions describe one short-lived helper child (bun install, a commandFunction). */
export interface RunOnceOptions {
  argv: readonly string[];
  /** env is the child's whole environment: nothing of Hearth's own is added. */
  env: Record<string, string>;
  cwd: string;
  label: string;
  timeoutMs: number;
  stdin?: string;
  signal?: AbortSignal;
  /** maxStdoutBytes caps what is kept of stdout; the rest is read and dropped. */
  maxStdoutBytes?: number;
  onLine?: (stream: "stdout" | "stderr", line: string) => void;
}

/** RunOnceResult is how the child ended; `ended` says whether it ended by itself, by timeout or by abort. */
export interface RunOnceResult {
  code: number | null;
  signal: string | null;
  ended: "exited" | "timeout" | "aborted";
  stdout: string;
  stdoutTruncated: boolean;
  /** stderrTail is the last lines of stderr (the installer's own error lines). */
  stderrTail: string[];
}

const TAIL_LINES = 20;
const MAX_LINE = 2000;
const GROUP_GONE_MS = 2000;
// A process that left the group (setsid) may keep our pipes open; stop reading after this.
const DRAIN_MS = 1000;

/**
 * runOnce runs argv without a shell as the leader of a new process group, feeds it stdin, and
 * always ends with the group gone: on timeout or abort the whole group gets SIGKILL, and after
 * the leader exits any stragglers in its group get SIGKILL too. Hearth's exit hooks know about it.
 */
export async function runOnce(opts: RunOnceOptions): Promise<RunOnceResult> {
  let proc: Subprocess<"pipe" | "ignore", "pipe", "pipe">;
  try {
    proc = Bun.spawn({
      cmd: [...opts.argv],
      env: opts.env,
      cwd: opts.cwd,
      detached: true,
      stdin: opts.stdin === undefined ? "ignore" : "pipe",
      stdout: "pipe",
      stderr: "pipe",
    });
  } catch (e) {
    throw new AppError("unavailable", `could not start ${opts.label}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const pid = proc.pid;
  let ended: RunOnceResult["ended"] = "exited";
  const kill = (why: RunOnceResult["ended"]): void => {
    if (ended === "exited") ended = why;
    if (proc.exitCode === null && proc.signalCode === null) signalGroup(pid, "SIGKILL");
  };
  const live: LiveChild = { stop: async () => kill("aborted"), killNow: () => kill("aborted") };
  trackChild(live);
  const timer = setTimeout(() => kill("timeout"), opts.timeoutMs);
  const onAbort = (): void => kill("aborted");
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  if (opts.signal?.aborted) onAbort();
  try {
    if (opts.stdin !== undefined && typeof proc.stdin === "object") void feed(proc.stdin, opts.stdin);
    const tail: string[] = [];
    const out = collect(proc.stdout, opts.maxStdoutBytes ?? 1024 * 1024, (l) => opts.onLine?.("stdout", l));
    const err = collect(proc.stderr, 64 * 1024, (l) => {
      tail.push(l.length > MAX_LINE ? `${l.slice(0, MAX_LINE)}…` : l);
      if (tail.length > TAIL_LINES) tail.shift();
      opts.onLine?.("stderr", l);
    });
    await proc.exited;
    // The leader is reaped: whatever it left in its group is an orphan nobody else will stop.
    signalGroup(pid, "SIGKILL");
    await waitGroupGone(pid, GROUP_GONE_MS);
    const drained = await Promise.race([Promise.all([out.done, err.done]).then(() => true), unrefSleep(DRAIN_MS).then(() => false)]);
    if (!drained) {
      out.cancel();
      err.cancel();
    }
    const signal = typeof proc.signalCode === "string" ? proc.signalCode : proc.signalCode === null ? null : String(proc.signalCode);
    return { code: proc.exitCode, signal, ended, stdout: out.text(), stdoutTruncated: out.truncated(), stderrTail: tail };
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener("abort", onAbort);
    untrackChild(live);
  }
}

async function feed(sink: FileSink, text: string): Promise<void> {
  try {
    const w = sink.write(text);
    if (w instanceof Promise) await w;
    const e = sink.end();
    if (e instanceof Promise) await e;
  } catch {
    // The child closed stdin or died early; its exit status tells the story.
  }
}

interface Collected {
  done: Promise<void>;
  cancel(): void;
  text(): string;
  truncated(): boolean;
}

// Reads a pipe to EOF, keeping at most `max` bytes and calling onLine for each complete line.
function collect(stream: ReadableStream<Uint8Array>, max: number, onLine: (line: string) => void): Collected {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let kept = "";
  let partial = "";
  let cut = false;
  const take = (chunk: string): void => {
    const room = max - kept.length;
    if (chunk.length > room) cut = true;
    if (room > 0) kept += chunk.slice(0, room);
    const lines = (partial + chunk).split("\n");
    partial = lines.pop() ?? "";
    if (partial.length > 64 * 1024) partial = partial.slice(-MAX_LINE);
    for (const l of lines) onLine(l.replace(/\r$/, ""));
  };
  const done = (async () => {
    try {
      for (;;) {
        const { value, done: end } = await reader.read();
        if (end) break;
        take(decoder.decode(value, { stream: true }));
      }
    } catch {
      // Cancelled, or the pipe broke: keep what was read.
    }
    take(decoder.decode());
    if (partial.length > 0) onLine(partial);
    partial = "";
  })();
  return {
    done,
    cancel: () => void reader.cancel().catch(() => {}),
    text: () => kept,
    truncated: () => cut,
  };
}
