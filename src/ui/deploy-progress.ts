import type { DeployEvent } from "../deploy/deployer.ts";

/** DeployProgress is a deploy's events as one progress bar: how far, what it is doing, and how it ended. */
export interface DeployProgress {
  percent: number;
  label: string;
  message: string;
  state: "running" | "ready" | "failed";
}

// Where each step puts the bar; downloads move it between 10 and 50 by their own percentage.
const STEPS: Record<string, number> = { resolving: 10, downloading: 10, extracting: 55, installing: 65, verifying: 75, done: 80 };
const WORDS: Record<string, string> = {
  resolving: "Resolving the package",
  downloading: "Downloading",
  extracting: "Unpacking",
  installing: "Installing dependencies",
  verifying: "Verifying",
  done: "Installed",
};

/** progressOf folds a deploy's events (so far) into what the progress bar shows. */
export function progressOf(events: DeployEvent[]): DeployProgress {
  let p: DeployProgress = { percent: 0, label: "Waiting to start", message: "", state: "running" };
  for (const e of events) {
    if (e.phase === "queued") p = { ...p, percent: Math.max(p.percent, 5), label: "Queued", message: e.message };
    else if (e.phase === "install") {
      const base = STEPS[e.step] ?? p.percent;
      const percent = e.step === "downloading" && typeof e.percent === "number" ? 10 + Math.min(100, Math.max(0, e.percent)) * 0.4 : base;
      p = { ...p, percent: Math.max(p.percent, Math.round(percent)), label: WORDS[e.step] ?? e.step, message: e.message ?? p.message };
    } else if (e.phase === "probing") p = { ...p, percent: Math.max(p.percent, 88), label: "Starting it to list its tools", message: e.message };
    else if (e.phase === "ready") p = { percent: 100, label: "Deployed", message: e.message, state: "ready" };
    else if (e.phase === "failed") p = { ...p, label: "Failed", message: e.message, state: "failed" };
  }
  return p;
}
