import type { ResourceLimits } from "./sandbox.ts";

/** ExitFacts are what is known about a failed child when its end state is written. */
export interface ExitFacts {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderrTail: readonly string[];
  /** oomKills is the cgroup's oom_kill count (0 without a cgroup). */
  oomKills: number;
}

// What runtimes print when an allocation fails: Bun/JSC, Node/V8, glibc/errno, C++.
const OUT_OF_MEMORY = /out of memory|cannot allocate memory|bad_alloc|allocation failed|ENOMEM/i;
const TOO_MANY_FILES = /EMFILE|too many open files/i;
// Only fork/spawn failures: a bare EAGAIN is as often a socket's "try again" as a process limit.
const NO_PROCESSES = /(fork|spawn|thread)[^\n]*(EAGAIN|resource temporarily unavailable)|fork failed|can't fork|cannot fork|posix_spawn.*EAGAIN/i;

const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;

// How programs die when an mmap is refused: Chromium and V8 trap (SIGTRAP) or abort, C code faults.
const CRASH_SIGNALS: Partial<Record<number, NodeJS.Signals>> = { 4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT", 7: "SIGBUS", 11: "SIGSEGV" };

/**
 * crashSignal is the crash signal that ended the child, or one of its descendants: a shell, a
 * launcher or bubblewrap exits with 128+N when the process it waits for is killed by signal N, so
 * a grandchild's death reaches Hearth as that code (the only trace it leaves without cgroups).
 */
function crashSignal(facts: ExitFacts): { signal: NodeJS.Signals; via: string } | undefined {
  // via says what happened when the exit code, not Hearth's own wait, tells of the signal.
  if (facts.signal && Object.values(CRASH_SIGNALS).includes(facts.signal)) return { signal: facts.signal, via: "" };
  const n = facts.code !== null && facts.code > 128 ? CRASH_SIGNALS[facts.code - 128] : undefined;
  return n ? { signal: n, via: `a process it started (or it) was killed by ${n}: ` } : undefined;
}

/**
 * limitHint names the resource limit a failed child most likely hit, so the deployment and the
 * log say "ran out of memory under its 1024 MiB address-space limit" rather than "exit code 1".
 * It only blames a limit that was actually set; undefined when nothing points at one.
 */
export function limitHint(facts: ExitFacts, limits: ResourceLimits | undefined): string | undefined {
  const l = limits ?? {};
  const tail = facts.stderrTail.join("\n");
  if (facts.oomKills > 0) return `the kernel killed it for using more than its memory limit (memory.max ${l.memoryBytes ? mib(l.memoryBytes) : "set"})`;
  if (facts.signal === "SIGXCPU" && l.cpuSeconds) return `it used up its CPU time limit (${l.cpuSeconds} s)`;
  if (OUT_OF_MEMORY.test(tail)) {
    const caps = [l.addressSpaceBytes && `address space ${mib(l.addressSpaceBytes)}`, l.memoryBytes && `memory ${mib(l.memoryBytes)}`].filter(Boolean);
    return caps.length > 0 ? `it ran out of memory under its limits (${caps.join(", ")})` : "it ran out of memory";
  }
  const crash = crashSignal(facts);
  if (crash && l.addressSpaceBytes) {
    return `${crash.via}most likely its address-space limit (${mib(l.addressSpaceBytes)}) refused it memory, the way browsers die under one (deploy them with --set preset=browser)`;
  }
  if (TOO_MANY_FILES.test(tail) && l.openFiles) return `it hit its open-files limit (${l.openFiles})`;
  if (NO_PROCESSES.test(tail) && (l.processes || l.pids)) return `it could not start more processes under its limit (${l.pids ?? l.processes})`;
  return undefined;
}
