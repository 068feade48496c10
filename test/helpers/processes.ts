import { readdirSync, readFileSync } from "node:fs";

/**
 * Process inspection for tests, read straight from /proc. Kept apart from src/supervisor's own
 * /proc reading on purpose: the oracle that says "nothing is left" must not share the code it judges.
 * Zombies are reported as not alive: they run nothing, and pid 1 reaps orphans on its own schedule.
 */

/** ProcInfo is one process as /proc shows it. */
export interface ProcInfo {
  pid: number;
  ppid: number;
  pgrp: number;
  state: string;
  comm: string;
}

/** listProcesses returns every process on the host, zombies included. */
export function listProcesses(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const name of readdirSync("/proc")) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    const info = readProc(pid);
    if (info) out.push(info);
  }
  return out;
}

/** readProc reads one process, or undefined if it is gone. */
export function readProc(pid: number): ProcInfo | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "latin1");
    const close = text.lastIndexOf(")");
    const f = text.slice(close + 2).split(" ");
    return { pid, comm: text.slice(text.indexOf("(") + 1, close), state: f[0] ?? "?", ppid: Number(f[1]), pgrp: Number(f[2]) };
  } catch {
    return undefined;
  }
}

/** isAlive says a pid exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  const p = readProc(pid);
  return p !== undefined && p.state !== "Z" && p.state !== "X";
}

/** aliveInGroup lists live (non-zombie) processes whose process group is pgid. */
export function aliveInGroup(pgid: number): ProcInfo[] {
  return listProcesses().filter((p) => p.pgrp === pgid && p.state !== "Z" && p.state !== "X");
}

/** descendantsOf lists live processes below pid in the parent tree (orphans reparented to init are not). */
export function descendantsOf(pid: number): ProcInfo[] {
  const all = listProcesses();
  const out: ProcInfo[] = [];
  const frontier = [pid];
  while (frontier.length > 0) {
    const parent = frontier.pop();
    for (const p of all) {
      if (p.ppid === parent && p.state !== "Z" && p.state !== "X") {
        out.push(p);
        frontier.push(p.pid);
      }
    }
  }
  return out;
}

/**
 * aliveWithEnv lists live processes whose environment holds name=value. Environment is inherited
 * by grandchildren, into sandboxes and across setsid, so a per-test marker finds every process a
 * test started, even ones that left their group or were reparented.
 */
export function aliveWithEnv(name: string, value: string): ProcInfo[] {
  const needle = `${name}=${value}`;
  return listProcesses().filter((p) => {
    if (p.state === "Z" || p.state === "X") return false;
    try {
      return readFileSync(`/proc/${p.pid}/environ`, "latin1").split("\0").includes(needle);
    } catch {
      return false;
    }
  });
}

/** waitUntil polls a condition until it holds or timeoutMs passes; returns whether it held. */
export async function waitUntil(cond: () => boolean, timeoutMs = 3000, pollMs = 10): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) return false;
    await Bun.sleep(pollMs);
  }
  return true;
}

/** killMarked SIGKILLs whatever a test left behind, so one failure does not leak into the next test. */
export function killMarked(name: string, value: string): ProcInfo[] {
  const left = aliveWithEnv(name, value);
  for (const p of left) {
    try {
      process.kill(p.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  return left;
}
