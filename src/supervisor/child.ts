import type { FileSink, Subprocess } from "bun";
import { constants as osConstants } from "node:os";
import { AppError } from "../shared/app-error.ts";
import { redactValues } from "../secrets/mask.ts";
import { readChildOutput } from "./child-output.ts";
import type { ChildOutput } from "./child-output.ts";
import { trackChild, untrackChild } from "./child-registry.ts";
import { LogRing } from "./log-ring.ts";
import { signalGroup, signalGroupExceptLeader, unrefSleep, waitGroupGone } from "./process-group.ts";

/** ChildState is the one lifecycle of a child process; it only ever moves left to right. */
export type ChildState =
  | { state: "starting" }
  | { state: "running"; pid: number }
  | { state: "stopping"; pid: number; reason: string }
  | { state: "exited"; code: number | null; signal: NodeJS.Signals | null; reason: string }
  | { state: "failed"; error: AppError; code: number | null; signal: NodeJS.Signals | null; stderrTail: string[] };

/** ChildEndState is a terminal state: the leader is reaped and no live process is left in its group. */
export type ChildEndState = Extract<ChildState, { state: "exited" | "failed" }>;

/** ChildEvents are what a child reports: whole stdout JSON messages (raw text), stderr lines, state changes. */
export interface ChildEvents {
  message: (line: string) => void;
  stderr: (line: string) => void;
  state: (next: ChildState, prev: ChildState) => void;
}

/** SpawnChildOptions describe one child; argv/env/cwd/leaderIsWrapper usually come from wrapCommand. */
export interface SpawnChildOptions {
  argv: readonly string[];
  /** env is the child's whole environment besides PATH/HOME/TMPDIR defaults; Hearth's own is never passed. */
  env?: Record<string, string>;
  cwd?: string;
  label?: string;
  /** maxMessageBytes caps one stdout message; the SDK's own reader stops at 10 MiB, so 16 MiB is generous. */
  maxMessageBytes?: number;
  logs?: LogRing;
  /** logSession tags every log line of this child (the lease's short id), so a log says which session it came from. */
  logSession?: string;
  /** redact are strings (secret config values) replaced by [redacted] in stderr lines before anyone sees them. */
  redact?: string[];
  /** leaderIsWrapper says the group leader is bwrap's monitor, which must not get the graceful SIGTERM. */
  leaderIsWrapper?: boolean;
  /** explainExit may name the cause of a failure (a resource limit, say); it is added to the failed state's message. */
  explainExit?: (exit: { code: number | null; signal: NodeJS.Signals | null; stderrTail: readonly string[] }) => string | undefined;
  onMessage?: ChildEvents["message"];
  onStderr?: ChildEvents["stderr"];
  onState?: ChildEvents["state"];
}

/** StopOptions: why the child is stopped (kept in its end state) and the grace before each escalation. */
export interface StopOptions {
  reason?: string;
  graceMs?: number;
}

/** Child is a running STDIO server: send it lines, listen to its messages, stop it; it always ends reaped. */
export interface Child {
  readonly label: string;
  readonly state: ChildState;
  readonly pid: number | undefined;
  readonly logs: LogRing;
  /** ended resolves once, with the terminal state, after the leader is reaped and its group is gone. */
  readonly ended: Promise<ChildEndState>;
  send(line: string): Promise<void>;
  /** pauseOutput stops reading the child's stdout (backpressure from a slow client); stderr keeps draining. */
  pauseOutput(): void;
  resumeOutput(): void;
  stop(opts?: StopOptions): Promise<ChildEndState>;
  on<E extends keyof ChildEvents>(event: E, listener: ChildEvents[E]): () => void;
}

/** DEFAULT_MAX_MESSAGE_BYTES is the per-message stdout cap when the caller sets none. */
export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
/** DEFAULT_GRACE_MS is how long stop waits after closing stdin, and again after SIGTERM (the SDK's value). */
export const DEFAULT_GRACE_MS = 2000;
const DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";
const STDERR_TAIL_LINES = 20;
// Orphans that left the group (setsid) can hold our pipes open forever; after this we stop reading.
const DRAIN_AFTER_EXIT_MS = 1000;
const GROUP_GONE_TIMEOUT_MS = 2000;

type Proc = Subprocess<"pipe", "pipe", "pipe">;
type Listeners = { [E in keyof ChildEvents]: Set<ChildEvents[E]> };

/**
 * spawnChild starts argv without a shell as the leader of a new process group, with exactly the
 * given environment. It never throws for a command that cannot start: the child is returned in
 * the `failed` state instead, so callers handle every ending in one place. The first spawn
 * installs Hearth's exit hooks (child-registry.ts). Call it from the main thread: a pdeathsig set
 * by the sandbox wrapper fires when the *spawning thread* exits, not the process.
 */
export function spawnChild(opts: SpawnChildOptions): Child {
  if (opts.argv.length === 0) throw new AppError("invalid", "spawnChild needs a non-empty argv");
  const max = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  if (!Number.isInteger(max) || max <= 0) throw new AppError("invalid", `maxMessageBytes must be a positive integer, got ${max}`);
  const child = new ChildProcess(opts, max);
  child.start();
  return child;
}

class ChildProcess implements Child {
  readonly label: string;
  readonly logs: LogRing;
  readonly ended: Promise<ChildEndState>;
  private current: ChildState = { state: "starting" };
  private proc: Proc | undefined;
  private output: ChildOutput | undefined;
  private resolveEnded: (s: ChildEndState) => void = () => {};
  private readonly listeners: Listeners = { message: new Set(), stderr: new Set(), state: new Set() };
  private readonly stderrTail: string[] = [];
  private stopGraceMs = Infinity;

  constructor(
    private readonly opts: SpawnChildOptions,
    private readonly maxMessageBytes: number,
  ) {
    this.label = opts.label ?? opts.argv[0] ?? "child";
    this.logs = opts.logs ?? new LogRing();
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
    if (opts.onMessage) this.listeners.message.add(opts.onMessage);
    if (opts.onStderr) this.listeners.stderr.add(opts.onStderr);
    if (opts.onState) this.listeners.state.add(opts.onState);
  }

  get state(): ChildState {
    return this.current;
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  start(): void {
    const cwd = this.opts.cwd ?? "/";
    let proc: Proc;
    try {
      proc = Bun.spawn({
        cmd: [...this.opts.argv],
        env: { PATH: DEFAULT_PATH, HOME: cwd, TMPDIR: "/tmp", ...this.opts.env },
        cwd,
        // setsid() in the child: pgid = pid, so kill(-pid) reaches everything it forks.
        detached: true,
        stdin: "pipe",
        stdout: "pipe",
        stderr: "pipe",
      });
    } catch (e) {
      const error = new AppError("unavailable", `could not start ${this.label}: ${messageOf(e)}`, { cause: e });
      this.finish({ state: "failed", error, code: null, signal: null, stderrTail: [] });
      return;
    }
    this.proc = proc;
    trackChild(this);
    this.transition({ state: "running", pid: proc.pid });
    const output = (this.output = readChildOutput({
      stdout: proc.stdout,
      stderr: proc.stderr,
      maxMessageBytes: this.maxMessageBytes,
      maxStderrLineBytes: this.logs.maxLineBytes,
      onMessage: (line) => this.emit("message", line),
      onStderr: (line) => this.onStderrLine(line),
      onNote: (text) => this.note(text),
    }));
    void this.watch(proc, output).catch((e: unknown) => {
      // Never leave `ended` pending: report what went wrong and end with what we know.
      this.note(`watching the child failed: ${messageOf(e)}`);
      this.finish(this.endStateOf(proc));
    });
  }

  async send(line: string): Promise<void> {
    const proc = this.proc;
    if (this.current.state !== "running" || !proc) {
      throw new AppError("unavailable", `cannot send to ${this.label}: it is ${this.current.state}`);
    }
    // In valid JSON a raw CR/LF can only be whitespace between tokens (strings must escape them),
    // so flattening them keeps the message's meaning and guarantees one message per line.
    const flat = /[\r\n]/.test(line) ? line.replace(/[\r\n]+/g, " ") : line;
    try {
      // FileSink.write returns a Promise while the pipe is full: awaiting it is the backpressure.
      const pending = proc.stdin.write(flat + "\n");
      if (pending instanceof Promise) await pending;
    } catch (e) {
      throw new AppError("unavailable", `cannot send to ${this.label}: its stdin is closed`, { cause: e });
    }
  }

  pauseOutput(): void {
    if (this.current.state === "running") this.output?.pause();
  }

  resumeOutput(): void {
    this.output?.resume();
  }

  stop(opts: StopOptions = {}): Promise<ChildEndState> {
    const cur = this.current;
    const grace = opts.graceMs ?? DEFAULT_GRACE_MS;
    // A stop with a shorter grace than the one under way (Hearth's drain after a session's own
    // release) runs its own escalation: each step checks the leader is not reaped before signalling.
    const hurry = cur.state === "stopping" && grace < this.stopGraceMs;
    if ((cur.state === "running" || hurry) && this.proc) {
      if (cur.state === "running") this.transition({ state: "stopping", pid: cur.pid, reason: opts.reason ?? "stopped" });
      this.stopGraceMs = grace;
      this.escalate(this.proc, grace).catch((e: unknown) => {
        this.note(`stopping failed: ${messageOf(e)}; sending SIGKILL`);
        this.killNow();
      });
    }
    return this.ended;
  }

  on<E extends keyof ChildEvents>(event: E, listener: ChildEvents[E]): () => void {
    const set = this.listeners[event] as Set<ChildEvents[E]>;
    set.add(listener);
    return () => set.delete(listener);
  }

  /** killNow SIGKILLs the group synchronously; only for Hearth's exit hook, where nothing async runs. */
  killNow(): void {
    if (this.proc && !reaped(this.proc)) signalGroup(this.proc.pid, "SIGKILL");
  }

  // The stop sequence of the MCP SDK: stdin EOF, then SIGTERM, then SIGKILL, each after a grace.
  // Once the leader is reaped, watch() owns the group: signalling a reaped pid risks a reused one.
  private async escalate(proc: Proc, graceMs: number): Promise<void> {
    if (reaped(proc)) return;
    closeQuietly(proc.stdin);
    if ((await exitsWithin(proc, graceMs)) || reaped(proc)) return;
    this.note(`still running ${graceMs} ms after stdin closed; sending SIGTERM`);
    if (this.opts.leaderIsWrapper) signalGroupExceptLeader(proc.pid, "SIGTERM");
    else signalGroup(proc.pid, "SIGTERM");
    if ((await exitsWithin(proc, graceMs)) || reaped(proc)) return;
    this.note(`still running ${graceMs} ms after SIGTERM; sending SIGKILL`);
    signalGroup(proc.pid, "SIGKILL");
  }

  // Runs once per child, whoever ends it: the child itself, stop(), or a signal from outside.
  private async watch(proc: Proc, output: ChildOutput): Promise<void> {
    await proc.exited;
    // Whatever a slow client holds up, the last messages are read so the end state comes after them.
    output.resume();
    // The leader is gone: anything left in its group is an orphan that nobody else will stop.
    signalGroup(proc.pid, "SIGKILL");
    if (!(await waitGroupGone(proc.pid, GROUP_GONE_TIMEOUT_MS))) {
      this.note(`processes of group ${proc.pid} survived SIGKILL for ${GROUP_GONE_TIMEOUT_MS} ms`);
    }
    // Read to EOF so a last message written just before exit is delivered before the end state.
    const finished = await Promise.race([output.drained.then(() => true), unrefSleep(DRAIN_AFTER_EXIT_MS).then(() => false)]);
    if (!finished) {
      this.note("output pipes still open after exit (a process left the group?); closing them");
      output.cancel();
    }
    this.finish(this.endStateOf(proc));
  }

  private endStateOf(proc: Proc): ChildEndState {
    const code = proc.exitCode;
    const signal = signalName(proc.signalCode);
    if (this.current.state === "stopping") return { state: "exited", code, signal, reason: this.current.reason };
    if (code === 0) return { state: "exited", code, signal, reason: "exited on its own" };
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    const why = this.opts.explainExit?.({ code, signal, stderrTail: this.stderrTail });
    const error = new AppError("unavailable", `${this.label} ${how}${why ? `: ${why}` : ""}`, { extra: { code, signal, ...(why ? { limit: why } : {}) } });
    return { state: "failed", error, code, signal, stderrTail: [...this.stderrTail] };
  }

  private onStderrLine(raw: string): void {
    const text = this.opts.redact?.length ? redactValues(raw, this.opts.redact) : raw;
    this.logs.push("stderr", text, Date.now(), this.opts.logSession);
    this.stderrTail.push(text);
    if (this.stderrTail.length > STDERR_TAIL_LINES) this.stderrTail.shift();
    this.emit("stderr", text);
  }

  private finish(end: ChildEndState): void {
    this.transition(end);
    untrackChild(this);
    this.resolveEnded(end);
  }

  // The one place the state changes: it logs the change and tells listeners.
  private transition(next: ChildState): void {
    const prev = this.current;
    if (prev.state === "exited" || prev.state === "failed") return;
    this.current = next;
    this.logs.push("hearth", describe(next), Date.now(), this.opts.logSession);
    this.emit("state", next, prev);
  }

  private note(text: string): void {
    this.logs.push("hearth", text, Date.now(), this.opts.logSession);
  }

  private emit<E extends keyof ChildEvents>(event: E, ...args: Parameters<ChildEvents[E]>): void {
    for (const listener of this.listeners[event]) {
      try {
        (listener as (...a: Parameters<ChildEvents[E]>) => void)(...args);
      } catch (e) {
        this.note(`a ${event} listener threw: ${messageOf(e)}`);
      }
    }
  }
}

function describe(s: ChildState): string {
  switch (s.state) {
    case "starting":
      return "starting";
    case "running":
      return `running as pid ${s.pid}`;
    case "stopping":
      return `stopping: ${s.reason}`;
    case "exited":
      return `exited (code ${s.code}, signal ${s.signal}): ${s.reason}`;
    case "failed":
      return `failed: ${s.error.message}`;
  }
}

async function exitsWithin(proc: Proc, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  timer?.unref();
  try {
    return await Promise.race([proc.exited.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function closeQuietly(stdin: FileSink): void {
  try {
    const r = stdin.end();
    if (r instanceof Promise) r.catch(() => {});
  } catch {
    // Already closed, or the child is gone: either way stdin is shut.
  }
}

function signalName(signal: NodeJS.Signals | number | null): NodeJS.Signals | null {
  if (typeof signal !== "number") return signal;
  const entry = Object.entries(osConstants.signals).find(([, n]) => n === signal);
  return (entry?.[0] as NodeJS.Signals | undefined) ?? null;
}

function reaped(proc: Proc): boolean {
  return proc.exitCode !== null || proc.signalCode !== null;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
