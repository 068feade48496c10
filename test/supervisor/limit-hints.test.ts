import { describe, expect, it } from "bun:test";
import { limitHint, type ExitFacts } from "../../src/supervisor/limit-hints.ts";
import type { ResourceLimits } from "../../src/supervisor/sandbox.ts";

const MiB = 2 ** 20;
const facts = (over: Partial<ExitFacts>): ExitFacts => ({ code: 1, signal: null, stderrTail: [], oomKills: 0, ...over });
const all: ResourceLimits = { addressSpaceBytes: 1024 * MiB, memoryBytes: 256 * MiB, openFiles: 64, processes: 100, pids: 32, cpuSeconds: 10 };

describe("limitHint", () => {
  const cases: [string, ExitFacts, ResourceLimits | undefined, string | undefined][] = [
    ["a cgroup OOM kill", facts({ signal: "SIGKILL", code: null, oomKills: 1 }), all, "the kernel killed it for using more than its memory limit (memory.max 256 MiB)"],
    ["SIGXCPU under a CPU limit", facts({ signal: "SIGXCPU", code: null }), all, "it used up its CPU time limit (10 s)"],
    ["Bun's out-of-memory line", facts({ stderrTail: ["RangeError: Out of memory"] }), { addressSpaceBytes: 1024 * MiB }, "it ran out of memory under its limits (address space 1024 MiB)"],
    ["Node's heap message", facts({ stderrTail: ["FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory"] }), all, "it ran out of memory under its limits (address space 1024 MiB, memory 256 MiB)"],
    ["EMFILE under a file limit", facts({ stderrTail: ["Error: EMFILE: too many open files, open 'x'"] }), all, "it hit its open-files limit (64)"],
    ["a failed fork under a process limit", facts({ stderrTail: ["sh: fork: Resource temporarily unavailable"] }), all, "it could not start more processes under its limit (32)"],
    ["a socket's EAGAIN, which is no process limit", facts({ stderrTail: ["Error: read EAGAIN"] }), all, undefined],
    ["EMFILE with no file limit set", facts({ stderrTail: ["EMFILE"] }), {}, undefined],
    ["an ordinary crash", facts({ code: 3, stderrTail: ["fatal: API_KEY is not set"] }), all, undefined],
    ["a SIGTRAP under an address-space limit (Chromium)", facts({ signal: "SIGTRAP", code: null }), all, "most likely its address-space limit (1024 MiB) refused it memory, the way browsers die under one (deploy them with --set preset=browser)"],
    ["exit 128+SIGTRAP: a grandchild's death, told by its launcher or bwrap", facts({ code: 133 }), all, "a process it started (or it) was killed by SIGTRAP: most likely its address-space limit (1024 MiB) refused it memory, the way browsers die under one (deploy them with --set preset=browser)"],
    ["exit 128+SIGSEGV under an address-space limit", facts({ code: 139 }), { addressSpaceBytes: 1024 * MiB }, "a process it started (or it) was killed by SIGSEGV: most likely its address-space limit (1024 MiB) refused it memory, the way browsers die under one (deploy them with --set preset=browser)"],
    ["a crash signal with no address-space limit", facts({ code: 133 }), { openFiles: 64 }, undefined],
    ["exit 128+SIGTERM, which is no crash", facts({ code: 143 }), all, undefined],
  ];
  for (const [what, f, limits, want] of cases) {
    it(`names ${want ? "the limit for" : "nothing for"} ${what}`, () => {
      expect(limitHint(f, limits)).toBe(want);
    });
  }
});
