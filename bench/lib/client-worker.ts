// The bench client in its own thread: Hearth runs in the bench's main thread, so a client there
// would take turns with the server it measures. Peers and direct children have their own
// processes; this gives Hearth the same footing. Receives one ClientJob, replies once.
import { echoLatencies, pipelinedEcho } from "./echo.ts";
import type { ClientJob } from "./client.ts";

declare const self: Worker;

self.onmessage = async (ev: MessageEvent<ClientJob>) => {
  const job = ev.data;
  try {
    const result = job.op === "latency" ? await echoLatencies(job.spec, job.calls) : await pipelinedEcho(job.spec, job.total, job.inflight);
    self.postMessage({ ok: true, result });
  } catch (e) {
    self.postMessage({ ok: false, error: (e as Error).message });
  }
};
