import type { Hosting } from "../bridge/hosting.ts";
import type { RunningServer } from "../http/server.ts";
import { liveChildren } from "../supervisor/child-registry.ts";
import { logger } from "../shared/log.ts";

const log = logger("serve");
// Kept back from the drain timeout for what comes after: closing the databases and exiting.
const EXIT_MARGIN_MS = 150;

/**
 * gracefulStop ends a running Hearth within drainMs. Open MCP sessions are ended first, so their
 * clients hear "Hearth is restarting" at once rather than at their own timeout (a tool call may
 * run for minutes: waiting for it is not a drain anyone can bound). Then other HTTP requests
 * finish while the children stop (stdin closed, SIGTERM, SIGKILL, a quarter of the budget apart);
 * whatever is left at the deadline is cut off and SIGKILLed.
 */
export async function gracefulStop(running: RunningServer, hosting: Hosting, drainMs: number): Promise<"drained" | "forced"> {
  hosting.drain();
  const budget = Math.max(0, drainMs - EXIT_MARGIN_MS);
  const graceMs = Math.min(2000, Math.floor(drainMs / 4));
  let timer: Timer | undefined;
  const deadline = new Promise<"forced">((resolve) => (timer = setTimeout(resolve, budget, "forced")));
  const outcome = await Promise.race([Promise.all([running.stop(budget), hosting.stop(graceMs)]).then(() => "drained" as const), deadline]);
  clearTimeout(timer);
  if (outcome === "forced") {
    log.warn("drain timeout reached: closing what is left", { drainTimeoutMs: drainMs, children: liveChildren().length });
    await running.server.stop(true);
    for (const child of liveChildren()) child.killNow();
  }
  return outcome;
}
