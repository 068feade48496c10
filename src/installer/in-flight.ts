import { AppError } from "../shared/app-error.ts";

/** Waiter is one caller of a shared install: its own abort signal and progress listener. */
export interface Waiter<P> {
  signal?: AbortSignal;
  onProgress?: (p: P) => void;
}

interface Flight<T, P> {
  promise: Promise<T>;
  controller: AbortController;
  waiters: number;
  listeners: Set<(p: P) => void>;
}

const flights = new Map<string, Flight<unknown, unknown>>();

/**
 * shareInFlight runs `start` once per key while an earlier run for that key is unfinished: every
 * caller gets the same result and the same progress. A caller's abort ends only its own wait; the
 * shared work is aborted when the last caller has left. Module state on purpose: one process, one
 * set of installs.
 */
export function shareInFlight<T, P>(
  key: string,
  waiter: Waiter<P>,
  start: (signal: AbortSignal, progress: (p: P) => void) => Promise<T>,
): Promise<T> {
  let flight = flights.get(key) as Flight<T, P> | undefined;
  if (!flight) {
    const controller = new AbortController();
    const listeners = new Set<(p: P) => void>();
    const broadcast = (p: P): void => {
      for (const l of listeners) {
        try {
          l(p);
        } catch {
          // A listener's failure is its own; the install goes on.
        }
      }
    };
    const created: Flight<T, P> = { controller, listeners, waiters: 0, promise: Promise.resolve() as Promise<T> };
    created.promise = (async () => start(controller.signal, broadcast))().finally(() => {
      if (flights.get(key) === created) flights.delete(key);
    });
    flights.set(key, created as Flight<unknown, unknown>);
    flight = created;
  }
  return wait(flight, waiter);
}

function wait<T, P>(flight: Flight<T, P>, waiter: Waiter<P>): Promise<T> {
  flight.waiters++;
  const listener = waiter.onProgress;
  if (listener) flight.listeners.add(listener);
  return new Promise<T>((resolve, reject) => {
    let left = false;
    const leave = (): void => {
      if (left) return;
      left = true;
      flight.waiters--;
      if (listener) flight.listeners.delete(listener);
      waiter.signal?.removeEventListener("abort", onAbort);
    };
    const onAbort = (): void => {
      leave();
      if (flight.waiters > 0) return reject(cancelled());
      // The last caller left: stop the work and answer once it has cleaned up (child reaped, staging gone).
      flight.controller.abort(waiter.signal?.reason);
      flight.promise.then(
        () => reject(cancelled()),
        () => reject(cancelled()),
      );
    };
    flight.promise.then(
      (v) => (leave(), resolve(v)),
      (e: unknown) => (leave(), reject(e)),
    );
    if (waiter.signal?.aborted) onAbort();
    else waiter.signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** cancelled is the error of an install its caller gave up on. */
export function cancelled(): AppError {
  return new AppError("unavailable", "the install was cancelled", { extra: { cancelled: true } });
}
