// A process the bench starts (a peer gateway, a script, a session opener) as the leader of its own
// process group, with a per-process environment marker. Stopping signals the whole group (SIGTERM,
// then SIGKILL), then sweeps anything still carrying the marker: peers that put their own children
// in a separate group (supergateway spawns detached) can't leave them behind, and the sweep says so.
import { signalGroup, waitGroupGone } from "../../src/supervisor/process-group.ts";
import { aliveWithEnv, killMarked, waitUntil } from "../../test/helpers/processes.ts";
import { track } from "./cleanup.ts";

/** MARK is the environment variable that tags every process a bench started, children included. */
export const MARK = "HEARTH_BENCH_MARK";
const MAX_CAPTURE = 1024 * 1024;

/** GroupProcess is one started group: its leader, its captured output, and how to stop it. */
export interface GroupProcess {
  pid: number;
  label: string;
  marker: string;
  proc: ReturnType<typeof Bun.spawn<"pipe", "pipe", "pipe">>;
  stdout(): string;
  stderr(): string;
  /** stop ends the group; swept counts processes that had escaped it and were killed by marker. */
  stop(): Promise<{ swept: number }>;
}

async function capture(stream: ReadableStream<Uint8Array>, sink: { text: string }): Promise<void> {
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    sink.text += decoder.decode(chunk, { stream: true });
    if (sink.text.length > MAX_CAPTURE) sink.text = sink.text.slice(-MAX_CAPTURE / 2);
  }
}

/** startGroup spawns argv as a new process group leader with the marker in its environment. */
export function startGroup(label: string, argv: string[], opts: { env?: Record<string, string>; cwd?: string } = {}): GroupProcess {
  const marker = `${label.replace(/\W+/g, "-")}-${crypto.randomUUID()}`;
  const proc = Bun.spawn(argv, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env, [MARK]: marker },
    stdin: "pipe",
    stdout: "pipe",
    stderr: "pipe",
    detached: true,
  });
  const out = { text: "" };
  const err = { text: "" };
  void capture(proc.stdout, out).catch(() => {});
  void capture(proc.stderr, err).catch(() => {});
  let stopping: Promise<{ swept: number }> | undefined;
  const untrack = track(() => g.stop());
  const g: GroupProcess = {
    pid: proc.pid,
    label,
    marker,
    proc,
    stdout: () => out.text,
    stderr: () => err.text,
    stop: () => (stopping ??= stopGroup(proc, marker).finally(untrack)),
  };
  return g;
}

async function stopGroup(proc: GroupProcess["proc"], marker: string): Promise<{ swept: number }> {
  try {
    proc.stdin.end();
  } catch {
    // Already closed.
  }
  if (signalGroup(proc.pid, "SIGTERM") && !(await waitGroupGone(proc.pid, 5_000))) {
    signalGroup(proc.pid, "SIGKILL");
    await waitGroupGone(proc.pid, 2_000);
  }
  if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
  await proc.exited;
  // Give a peer's own shutdown a moment to reap what it owns before judging it leaked.
  await waitUntil(() => aliveWithEnv(MARK, marker).length === 0, 3_000, 50);
  const swept = killMarked(MARK, marker).length;
  if (swept > 0) await waitUntil(() => aliveWithEnv(MARK, marker).length === 0, 2_000, 20);
  return { swept };
}
