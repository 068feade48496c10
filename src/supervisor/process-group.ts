import { readdirSync, readFileSync } from "node:fs";

/**
 * Process groups, the unit Hearth signals: a child is spawned as the leader of its own group
 * (pgid = pid), every process it forks stays in that group unless it calls setsid itself, and
 * `kill(-pgid)` reaches them all, including grandchildren orphaned by `sh -c` or `npx` wrappers.
 */

/** signalGroup sends a signal to every process of a group; false when the group is already empty. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (e) {
    if (errnoOf(e) === "ESRCH") return false;
    throw e;
  }
}

/**
 * signalGroupExceptLeader signals every live member but the leader. Used when the leader is bwrap's
 * monitor: it dies on SIGTERM without passing it on, and its death SIGKILLs the whole sandbox, so a
 * group-wide SIGTERM would give the server no grace at all. The sandbox's pid 1 ignores it (no
 * handler), the server gets it, exits, and bwrap then exits with the server's status.
 */
export function signalGroupExceptLeader(pgid: number, signal: NodeJS.Signals): number {
  let sent = 0;
  for (const pid of liveGroupMembers(pgid)) {
    if (pid === pgid) continue;
    try {
      process.kill(pid, signal);
      sent++;
    } catch {
      // It exited between the scan and the signal: nothing to do.
    }
  }
  return sent;
}

/**
 * liveGroupMembers lists the pids of a group that are not zombies. Zombies are left out because
 * orphans are reaped by pid 1 on its own schedule (over a second on some hosts) and a zombie
 * holds no resources and runs no code; `kill(-pgid, 0)` cannot tell them apart, /proc can.
 */
export function liveGroupMembers(pgid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    const stat = readStat(pid);
    if (stat && stat.pgrp === pgid && stat.state !== "Z" && stat.state !== "X") out.push(pid);
  }
  return out;
}

/** waitGroupGone resolves true once no live process is left in the group, or false after timeoutMs. */
export async function waitGroupGone(pgid: number, timeoutMs: number, pollMs = 10): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (!groupExists(pgid) || liveGroupMembers(pgid).length === 0) return true;
    if (performance.now() >= deadline) return false;
    await unrefSleep(pollMs);
  }
}

/** unrefSleep waits without keeping Hearth alive: a shutdown must not be held up by a stop timer. */
export function unrefSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return errnoOf(e) !== "ESRCH";
  }
}

function readStat(pid: number): { state: string; pgrp: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "latin1");
  } catch {
    return undefined;
  }
  // comm (field 2) may contain spaces and parentheses; the fields after the last ')' are fixed.
  const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { state: rest[0] ?? "", pgrp: Number(rest[2]) };
}

function errnoOf(e: unknown): string | undefined {
  return typeof e === "object" && e !== null && "code" in e ? String((e as { code: unknown }).code) : undefined;
}
