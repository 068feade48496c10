// The single executable: size, exec-to-first-200 (median of 10 runs, fresh data dir each), and
// idle RSS after start-up. Builds dist/hearth first unless --no-build. Run: bun bench/startup.ts
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fmtMs, percentile, table } from "./lib/stats.ts";

const ROOT = join(import.meta.dir, "..");
const BIN = join(ROOT, "dist/hearth");
if (!process.argv.includes("--no-build")) {
  const b = Bun.spawnSync(["bun", "run", "build"], { cwd: ROOT, stdout: "ignore", stderr: "inherit" });
  if (b.exitCode !== 0) process.exit(1);
}

function rssMb(pid: number): number {
  const status = require("node:fs").readFileSync(`/proc/${pid}/status`, "utf8") as string;
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function once(port: number): Promise<{ ms: number; rss: number }> {
  const dir = mkdtempSync(join(tmpdir(), "hearth-startup-"));
  const t0 = performance.now();
  const proc = Bun.spawn([BIN, "serve", "--port", String(port), "--data", join(dir, "data"), "--log-level", "error"], { env: { PATH: "/usr/bin:/bin", HOME: dir }, stdout: "ignore", stderr: "ignore" });
  let ms = NaN;
  for (;;) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (r.status === 200) {
        ms = performance.now() - t0;
        break;
      }
    } catch {
      // not listening yet
    }
    if (performance.now() - t0 > 10_000 || proc.exitCode !== null) break;
    await Bun.sleep(2);
  }
  await Bun.sleep(1000);
  const rss = rssMb(proc.pid);
  proc.kill("SIGTERM");
  await proc.exited;
  rmSync(dir, { recursive: true, force: true });
  return { ms, rss };
}

const runs: { ms: number; rss: number }[] = [];
for (let i = 0; i < 10; i++) runs.push(await once(21000 + Math.floor(Math.random() * 20000)));
const ms = runs.map((r) => r.ms);
const rss = runs.map((r) => r.rss);
const size = statSync(BIN).size / 1024 / 1024;
console.log(`the single executable (${BIN}), 10 runs, each with a fresh data dir (migrations applied)\n`);
console.log(table(["measure", "median", "min", "max", "target"], [
  ["binary size", `${size.toFixed(1)} MB`, "", "", "<= 120 MB"],
  ["exec to first 200 on /healthz", fmtMs(percentile(ms, 50)), fmtMs(Math.min(...ms)), fmtMs(Math.max(...ms)), "<= 150 ms"],
  ["idle RSS 1 s after start", `${percentile(rss, 50).toFixed(1)} MB`, `${Math.min(...rss).toFixed(1)} MB`, `${Math.max(...rss).toFixed(1)} MB`, "<= 60 MB"],
]));
