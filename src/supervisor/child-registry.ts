/**
 * The registry of live children, and the hooks that end them when Hearth ends. Module state on
 * purpose: a process has one set of children and one exit, whoever spawned them.
 */

/** LiveChild is what the registry needs of a child: a graceful stop and a synchronous last resort. */
export interface LiveChild {
  stop(opts: { reason?: string; graceMs?: number }): Promise<unknown>;
  killNow(): void;
}

const live = new Set<LiveChild>();
let hooksInstalled = false;
let shuttingDown = false;

/** trackChild adds a started child; spawnChild calls it, and installs the exit hooks on first use. */
export function trackChild(child: LiveChild): void {
  installExitHooks();
  live.add(child);
}

/** untrackChild removes a child once it has ended (reaped, group gone). */
export function untrackChild(child: LiveChild): void {
  live.delete(child);
}

/** liveChildren lists children not yet ended, for diagnostics and shutdown. */
export function liveChildren(): readonly LiveChild[] {
  return [...live];
}

/** killAllChildren stops every live child in parallel with the usual escalation, and waits for all. */
export async function killAllChildren(opts: { reason?: string; graceMs?: number } = {}): Promise<void> {
  await Promise.all([...live].map((c) => c.stop({ reason: "hearth is shutting down", ...opts })));
}

/**
 * installExitHooks makes Hearth's own end the end of every child; it runs once. On `exit` (normal
 * end, process.exit, uncaught error) every live group is SIGKILLed synchronously, since no async
 * work runs there. On SIGINT/SIGTERM/SIGHUP, when no other listener owns shutdown, children get a
 * 500 ms graceful stop and Hearth exits 128+signo; when another listener exists (`hearth serve`
 * draining first), that listener decides when to exit and the `exit` hook is the backstop. A
 * second signal exits at once. A SIGKILLed Hearth runs no hooks: see wrapCommand in sandbox.ts.
 */
export function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on("exit", () => {
    for (const child of live) child.killNow();
  });
  const signals = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;
  for (const [name, signo] of Object.entries(signals) as [keyof typeof signals, number][]) {
    process.on(name, () => {
      if (shuttingDown) process.exit(128 + signo);
      if (process.listenerCount(name) > 1) return;
      shuttingDown = true;
      void killAllChildren({ graceMs: 500 }).finally(() => process.exit(128 + signo));
    });
  }
}
