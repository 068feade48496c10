// Everything a bench starts registers how to stop it here, so a failure, Ctrl-C or SIGTERM in the
// middle of a part still stops every peer, script and Hearth it had started.

const live = new Set<() => Promise<unknown>>();

/** track registers a stop function; the returned function unregisters it once it has run. */
export function track(stop: () => Promise<unknown>): () => void {
  live.add(stop);
  return () => live.delete(stop);
}

/** stopAll runs every registered stop function (newest first), errors logged, never thrown. */
export async function stopAll(): Promise<void> {
  const stops = [...live].reverse();
  live.clear();
  for (const stop of stops) {
    try {
      await stop();
    } catch (e) {
      console.error(`cleanup: ${(e as Error).message}`);
    }
  }
}

/** stopOnSignals makes SIGINT and SIGTERM stop everything before exiting. */
export function stopOnSignals(): void {
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.once(sig, () => {
      console.error(`\n${sig}: stopping everything the bench started`);
      void stopAll().finally(() => process.exit(sig === "SIGINT" ? 130 : 143));
    });
  }
}
