// Timing rules of every relayed session (WebSocket, Streamable HTTP, playground), so the transports can't drift.

/**
 * ACCESS_RECHECK_MS is how long an open session trusts its last access check (key neither revoked
 * nor expired, user still allowed to connect to the server) before checking the database again on
 * its next message. A revocation in this process is seen at once (revocationCount); this bounds
 * how late one made elsewhere (the CLI, a team change) is seen. Checking costs a few indexed reads
 * (~0.15 ms), which per message would dominate relay latency.
 */
export const ACCESS_RECHECK_MS = 5000;

// MAX_TIMER_MS is the longest delay setTimeout honours (2^31-1 ms, ~24.8 days); a longer one fires at once.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * armDeadline calls `fn` at the wall-clock time `at`, however far away: past MAX_TIMER_MS it waits
 * in steps. `set` receives each timer as it is armed, so the caller's one clearTimeout cancels it.
 * The timers are unref'd: a deadline never keeps the process alive.
 */
export function armDeadline(at: number, fn: () => void, set: (timer: Timer) => void): void {
  const left = at - Date.now();
  if (left <= 0) return fn();
  const timer = setTimeout(() => armDeadline(at, fn, set), Math.min(left, MAX_TIMER_MS));
  timer.unref();
  set(timer);
}
