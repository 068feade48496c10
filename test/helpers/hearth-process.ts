import type { Subprocess } from "bun";
import { join } from "node:path";

/** ROOT is the project root (tests run from anywhere). */
export const ROOT = join(import.meta.dir, "..", "..");

/** HearthProcess is a `hearth serve` child started by a test. */
export interface HearthProcess {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  url: string;
  output(): string;
  /** stop sends SIGTERM and returns the exit code. */
  stop(): Promise<number>;
}

/** startHearth runs `hearth serve --port 0` (source or a binary) and waits for its "listening" line. */
export async function startHearth(opts: { data: string; args?: string[]; cmd?: string[]; cwd?: string; env?: Record<string, string> }): Promise<HearthProcess> {
  const cmd = opts.cmd ?? [process.execPath, join(ROOT, "src/main.ts")];
  const proc = Bun.spawn([...cmd, "serve", "--port", "0", "--data", opts.data, ...(opts.args ?? [])], {
    cwd: opts.cwd ?? ROOT,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", ...opts.env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  let out = "";
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) out += new TextDecoder().decode(chunk);
  };
  void drain(proc.stdout);
  void drain(proc.stderr);
  const deadline = Date.now() + 15_000;
  let url: string | undefined;
  while (!url && Date.now() < deadline) {
    const m = /"msg":"listening","url":"([^"]+)"/.exec(out) ?? /\[serve\] listening url=(\S+)/.exec(out);
    if (m) url = m[1];
    else if (proc.exitCode !== null) break;
    else await Bun.sleep(20);
  }
  if (!url) {
    proc.kill("SIGKILL");
    await proc.exited;
    throw new Error(`hearth did not start:\n${out}`);
  }
  return {
    proc,
    url,
    output: () => out,
    async stop() {
      if (proc.exitCode === null) proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), 10_000);
      const code = await proc.exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** runHearth runs a one-shot hearth command and returns its exit code and output. */
export async function runHearth(args: string[], opts: { env?: Record<string, string>; cmd?: string[] } = {}) {
  const cmd = opts.cmd ?? [process.execPath, join(ROOT, "src/main.ts")];
  const proc = Bun.spawn([...cmd, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", ...opts.env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}
