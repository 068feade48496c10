// Runs a timed client job either inline (in the bench's main thread, beside the in-process Hearth,
// as bench/bridge.ts does) or in a fresh worker thread (the default: the client gets its own thread).
import { echoLatencies, pipelinedEcho, type Pipelined } from "./echo.ts";
import type { PathSpec } from "./transport.ts";

/** ClientMode says where the bench client runs. */
export type ClientMode = "worker" | "inline";

/** ClientJob is one timed session, as plain data. */
export type ClientJob = { op: "latency"; spec: PathSpec; calls: number } | { op: "pipelined"; spec: PathSpec; total: number; inflight: number };

type Reply = { ok: true; result: unknown } | { ok: false; error: string };

function inWorker(job: ClientJob, timeoutMs: number): Promise<unknown> {
  const worker = new Worker(new URL("./client-worker.ts", import.meta.url).href);
  let timer: Timer | undefined;
  return new Promise<unknown>((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`client job did not finish in ${timeoutMs / 1000} s`)), timeoutMs);
    worker.onmessage = (ev: MessageEvent<Reply>) => (ev.data.ok ? resolve(ev.data.result) : reject(new Error(ev.data.error)));
    worker.onerror = (ev) => reject(new Error(ev.message));
    worker.postMessage(job);
  }).finally(() => {
    clearTimeout(timer);
    worker.terminate();
  });
}

/** latencyJob times sequential echo calls on one session. */
export function latencyJob(mode: ClientMode, spec: PathSpec, calls: number): Promise<number[]> {
  const job: ClientJob = { op: "latency", spec, calls };
  return mode === "inline" ? echoLatencies(spec, calls) : (inWorker(job, 600_000) as Promise<number[]>);
}

/** pipelinedJob runs pipelined echo calls on one session. */
export function pipelinedJob(mode: ClientMode, spec: PathSpec, total: number, inflight: number): Promise<Pipelined> {
  const job: ClientJob = { op: "pipelined", spec, total, inflight };
  return mode === "inline" ? pipelinedEcho(spec, total, inflight) : (inWorker(job, 600_000) as Promise<Pipelined>);
}
