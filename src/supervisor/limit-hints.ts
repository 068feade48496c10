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
  if (TOO_MANY_FILES.test(tail) && l.openFiles) return `it hit its open-files limit (${l.openFiles})`;
  if (NO_PROCESSES.test(tail) && (l.processes || l.pids)) return `it could not start more processes under its limit (${l.pids ?? l.processes})`;
  return undefined;
}
