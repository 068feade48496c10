import { describe, it } from "bun:test";

// The registry installs use unless a test names another (they never pass a mirror through).
const REGISTRY = "https://registry.npmjs.org";

// Asked once per test process: a few seconds at most, and only by files that import this helper.
async function probe(): Promise<string | undefined> {
  try {
    const res = await fetch(`${REGISTRY}/-/ping`, { signal: AbortSignal.timeout(5000) });
    await res.body?.cancel();
    return res.ok ? undefined : `the npm registry ${REGISTRY} answered ${res.status}`;
  } catch (e) {
    return `the npm registry ${REGISTRY} is unreachable (${(e as Error).message})`;
  }
}

/** npmOfflineReason says why the live npm registry can't be used from here, or is undefined when it can. */
const npmOfflineReason: string | undefined = await probe();

/** describeOnline is `describe` for tests that need the live npm registry: skipped, with the reason in its name, when it is unreachable. */
export function describeOnline(label: string, fn: () => void): void {
  if (npmOfflineReason === undefined) describe(label, fn);
  else describe.skip(`${label} (skipped: ${npmOfflineReason})`, fn);
}

/** itOnline is `it` for one test that needs the live npm registry: skipped, with the reason in its name, when it is unreachable. */
export function itOnline(label: string, fn: () => Promise<unknown> | void, timeoutMs?: number): void {
  if (npmOfflineReason === undefined) it(label, fn, timeoutMs);
  else it.skip(`${label} (skipped: ${npmOfflineReason})`, fn, timeoutMs);
}
