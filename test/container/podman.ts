/**
 * Podman for the container test: every container and volume is named after this test process and
 * removed by `cleanup`, so a failed run leaves nothing behind (podman is rootful: names are global).
 */

/** IMAGE is the image under test; .ci/container.sh builds it and sets HEARTH_CONTAINER_IMAGE. */
export const IMAGE = process.env.HEARTH_CONTAINER_IMAGE ?? "";

/** RunResult is what one podman command did. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** podman runs one podman command to completion. */
export async function podman(args: string[], timeoutMs = 60_000): Promise<RunResult> {
  const proc = Bun.spawn(["podman", ...args], { stdin: "ignore", stdout: "pipe", stderr: "pipe", timeout: timeoutMs });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

/** must runs a podman command and throws with its output unless it exits 0. */
export async function must(args: string[], timeoutMs?: number): Promise<string> {
  const r = await podman(args, timeoutMs);
  if (r.code !== 0) throw new Error(`podman ${args.join(" ")} exited ${r.code}:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** withoutPodmanNoise drops podman's own complaints (no systemd for healthcheck timers here) from a stderr. */
export function withoutPodmanNoise(stderr: string): string {
  return stderr
    .split("\n")
    .filter((l) => !/^time="[^"]*" level=(error|warning) msg=/.test(l))
    .join("\n");
}

/** Podman names and removes this test's containers and volumes. */
export class PodmanScope {
  private readonly prefix = `hearth-ct-${process.pid}`;
  private readonly containers = new Set<string>();
  private readonly volumes = new Set<string>();
  private seq = 0;

  /** name reserves a container name, removed at cleanup. */
  name(label: string): string {
    const n = `${this.prefix}-${label}-${++this.seq}`;
    this.containers.add(n);
    return n;
  }

  /** volume creates a named volume, removed at cleanup. */
  async volume(label: string): Promise<string> {
    const v = `${this.prefix}-${label}`;
    this.volumes.add(v);
    await must(["volume", "create", v]);
    return v;
  }

  /** cleanup force-removes every container and volume this scope named (best effort, never throws). */
  async cleanup(): Promise<void> {
    for (const c of this.containers) await podman(["rm", "-f", "-v", "-t", "0", c]);
    for (const v of this.volumes) await podman(["volume", "rm", "-f", v]);
    this.containers.clear();
    this.volumes.clear();
  }
}

/** Started is a detached Hearth container and the host port its 8080 is published on. */
export interface Started {
  name: string;
  port: number;
  url: string;
}

/** runDetached starts the image detached (--init, port 8080 on a free loopback port) and waits for /healthz. */
export async function runDetached(name: string, volume: string, opts: { unmask?: boolean; env?: Record<string, string> } = {}): Promise<Started> {
  const security = opts.unmask ? ["--security-opt", "unmask=/proc/*"] : [];
  const env = Object.entries(opts.env ?? {}).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
  await must(["run", "-d", "--init", "--pull=never", "--name", name, "-p", "127.0.0.1::8080", ...security, ...env, "-v", `${volume}:/data`, IMAGE]);
  const port = Number((await must(["port", name, "8080/tcp"])).trim().split(":").at(-1));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const ok = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
    if (ok) return { name, port, url };
    const state = (await must(["inspect", name, "--format", "{{.State.Status}}"])).trim();
    if (state !== "running") break;
    await Bun.sleep(200);
  }
  throw new Error(`${name} did not answer /healthz:\n${(await podman(["logs", name])).stderr}`);
}

/** logs returns everything the container wrote (Hearth logs JSON to stdout, the setup link to stderr). */
export async function logs(name: string): Promise<string> {
  const r = await podman(["logs", name]);
  return r.stdout + r.stderr;
}

/** ContainerProcess is one process of a container as `podman top` shows it, with its host pid. */
export interface ContainerProcess {
  hpid: number;
  pid: number;
  ppid: number;
  args: string;
}

/** top lists the container's processes with their host pids (no ps is needed inside the image). */
export async function top(name: string): Promise<ContainerProcess[]> {
  const out = await must(["top", name, "hpid", "pid", "ppid", "args"]);
  return out
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => {
      const [hpid, pid, ppid, ...args] = line.trim().split(/\s+/);
      return { hpid: Number(hpid), pid: Number(pid), ppid: Number(ppid), args: args.join(" ") };
    });
}

/** volumePath is where a named volume lives on the host (rootful podman), for digests. */
export async function volumePath(volume: string): Promise<string> {
  return (await must(["volume", "inspect", volume, "--format", "{{.Mountpoint}}"])).trim();
}
